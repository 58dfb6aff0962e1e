import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformJson } from "../../delivery/stacks";
import type { ServarrConfig } from "../../stacks/config";
import { buildApp, readStacks } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { builtin } from "./builtin";
import { cloudflare } from "./cloudflare";
import { github } from "./github";
import { google } from "./google";
import { random } from "./random";
import { conform, type ProviderTable, type Rule } from "./rules";
import { tfe } from "./tfe";

const TABLES: readonly ProviderTable[] = [cloudflare, github, google, tfe, random, builtin];
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-conformance-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Both stacks of a config, synthesized as `npm run synth` does (validations on). */
function stacksOf(name: string, config: ServarrConfig): ReadonlyMap<string, TerraformJson> {
  const outdir = path.join(scratch, name);
  const { app } = buildApp(config, outdir);
  app.synth();
  return readStacks(outdir);
}

// The user's config and every fixture (the registry grows; iterate it).
const CONFIGS: Array<[string, ServarrConfig]> = Object.entries(FIXTURES);
const SYNTHESIZED = new Map(CONFIGS.map(([name, config]) => [name, stacksOf(name.replace(/[^a-z0-9]/gi, "_"), config)]));
const example = SYNTHESIZED.get("full") as ReadonlyMap<string, TerraformJson>;
const clone = <T>(v: T): T => structuredClone(v);
const problems = (json: TerraformJson) => conform(json, TABLES).map((v) => `${v.address}: ${v.problem}`);

describe.each(CONFIGS.map(([name]) => name))("%s: every stack passes the pinned providers' validators", (name) => {
  const stacks = SYNTHESIZED.get(name) as ReadonlyMap<string, TerraformJson>;

  it("synthesizes the servarr and bootstrap stacks", () => {
    expect([...stacks.keys()].sort()).toEqual(["bootstrap", "servarr"]);
  });

  it.each([...stacks.keys()])("stack %s: every type has an entry and every rule holds", (stack) => {
    expect(problems(stacks.get(stack) as TerraformJson)).toEqual([]);
  });
});

describe("the tables themselves", () => {
  it("cite the provider repository at its pinned tag for every type", () => {
    const pinned =
      /^(cloudflare\/terraform-provider-cloudflare@v5\.14\.0|integrations\/terraform-provider-github@v6\.9\.0|hashicorp\/terraform-provider-google@v6\.50\.0|hashicorp\/terraform-provider-tfe@v0\.71\.0|hashicorp\/terraform-provider-random@v3\.7\.2|hashicorp\/terraform@v1\.11\.4):\S+\.go/;
    for (const table of TABLES)
      for (const [type, entry] of [...Object.entries(table.resources), ...Object.entries(table.dataSources)]) {
        expect(entry.source, type).toMatch(pinned);
        expect(entry.rules.length, type).toBeGreaterThan(0);
      }
  });

  it("say for every rule whether the provider validates it or only describes it, citing the description", () => {
    const cited =
      /^(cloudflare\/terraform-provider-cloudflare@v5\.14\.0|integrations\/terraform-provider-github@v6\.9\.0|hashicorp\/terraform-provider-google@v6\.50\.0|hashicorp\/terraform-provider-tfe@v0\.71\.0|cloudflare\/cloudflare-go@v6\.4\.0):\S+\.go \S*\s*\(/;
    const described = TABLES.flatMap((t) => Object.values(t.resources).flatMap((e) => e.described ?? []));
    expect(described.length).toBeGreaterThan(0);
    for (const d of described) expect(d.where).toMatch(cited);
  });

  it("cover every type the stacks use (the union over all configs)", () => {
    const used = new Set<string>();
    for (const stacks of SYNTHESIZED.values())
      for (const json of stacks.values())
        for (const type of [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})]) used.add(type);
    const known = new Set(TABLES.flatMap((t) => [...Object.keys(t.resources), ...Object.keys(t.dataSources)]));
    expect([...used].filter((t) => !known.has(t))).toEqual([]);
  });
});

/** One resource of a type in the example's servarr (or bootstrap) stack, to break a copy of. */
function firstOf(json: TerraformJson, type: string): Record<string, unknown> {
  const all = Object.values(json.resource?.[type] ?? {});
  if (all.length === 0) throw new Error(`the example has no ${type}`);
  return all[0] as Record<string, unknown>;
}

describe("broken copies fail, naming the rule", () => {
  const servarr = example.get("servarr") as TerraformJson;
  const bootstrap = example.get("bootstrap") as TerraformJson;
  const broken = (json: TerraformJson, type: string, edit: (r: Record<string, unknown>) => void): string[] => {
    const copy = clone(json);
    edit(firstOf(copy, type));
    return problems(copy);
  };

  it("AlsoRequires: a service token with a secret version but no previous-secret expiry (what shipped before)", () => {
    expect(broken(servarr, "cloudflare_zero_trust_access_service_token", (r) => Object.assign(r, { client_secret_version: 1 }))).toEqual([
      expect.stringMatching(/client_secret_version also requires previous_client_secret_expires_at$/),
    ]);
  });

  it("required: a DNS record without ttl", () => {
    expect(broken(servarr, "cloudflare_dns_record", (r) => delete r.ttl)).toEqual([expect.stringMatching(/ttl is required$/)]);
  });

  it("OneOf: a ruleset phase that does not exist, an uptime check period the API does not offer", () => {
    expect(broken(servarr, "cloudflare_ruleset", (r) => Object.assign(r, { phase: "http_request_cache" }))).toEqual([
      expect.stringMatching(/phase: "http_request_cache" is not one of/),
    ]);
    expect(broken(servarr, "google_monitoring_uptime_check_config", (r) => Object.assign(r, { period: "120s" }))).toEqual([
      expect.stringMatching(/period: "120s" is not one of 60s, 300s, 600s, 900s/),
    ]);
  });

  it("ConflictsWith: an Access application with destinations and self_hosted_domains", () => {
    const found = broken(servarr, "cloudflare_zero_trust_access_application", (r) =>
      Object.assign(r, { self_hosted_domains: ["x.example.com"] }),
    );
    expect(found).toContainEqual(expect.stringMatching(/destinations conflicts with self_hosted_domains$/));
  });

  it("ExactlyOneOf: a Terraform Cloud variable on a workspace and a variable set", () => {
    const found = broken(bootstrap, "tfe_variable", (r) => Object.assign(r, { variable_set_id: "varset-0123456789abcdef" }));
    expect(found).toContainEqual(expect.stringMatching(/exactly one of workspace_id, variable_set_id \(found 2\)/));
  });

  it("ranges and regexes: random_bytes of length 0, an Actions secret named GITHUB_*", () => {
    expect(broken(servarr, "random_bytes", (r) => Object.assign(r, { length: 0 }))).toEqual([
      expect.stringMatching(/tunnel_secret: random_bytes\.\S+ has length 0/),
      expect.stringMatching(/length: 0 is outside 1\.\.inf/),
    ]);
    expect(broken(servarr, "github_actions_environment_secret", (r) => Object.assign(r, { secret_name: "GITHUB_DEPLOY" }))).toEqual([
      expect.stringMatching(/secret_name: "GITHUB_DEPLOY" does not match/),
    ]);
  });

  it("computed-only: a zone DNSSEC resource that sets its DS record", () => {
    expect(broken(servarr, "cloudflare_zone_dnssec", (r) => Object.assign(r, { ds: "example.com. 3600 IN DS 2371 13 2 ..." }))).toEqual([
      expect.stringMatching(/ds is computed by the provider and must not be set$/),
    ]);
  });

  it("RequiresOtherStringAttributeToBeOneOf, ObjectSizeAtMost, MinItems, AtLeastOneOf", () => {
    expect(broken(servarr, "cloudflare_zero_trust_access_application", (r) => Object.assign(r, { type: "saas" }))).toContainEqual(
      expect.stringMatching(/destinations is only allowed when type is one of self_hosted, ssh/),
    );
    const twoSelectors = broken(servarr, "cloudflare_zero_trust_access_policy", (r) => {
      (r.include as Array<Record<string, unknown>>)[0] = { email: { email: "a@example.com" }, everyone: {} };
    });
    expect(twoSelectors).toEqual([expect.stringMatching(/include: sets email, everyone; at most 1 allowed per element/)]);
    const noChecks = broken(servarr, "github_repository_ruleset", (r) => {
      (r.rules as { required_status_checks: { required_check: unknown[] } }).required_status_checks.required_check = [];
    });
    expect(noChecks).toContainEqual(expect.stringMatching(/required_check: at least 1 element/));
    expect(broken(servarr, "google_monitoring_uptime_check_config", (r) => Object.assign(r, { http_check: {} }))).toEqual([
      expect.stringMatching(/at least one of auth_info, port, headers, path, use_ssl, mask_headers \(found 0\)/),
    ]);
  });

  it("one entry-point ruleset per zone and phase: a second cache-settings ruleset is refused", () => {
    const copy = clone(servarr) as { resource: { cloudflare_ruleset: Record<string, unknown> } };
    const [first] = Object.values(copy.resource.cloudflare_ruleset);
    copy.resource.cloudflare_ruleset.another = clone(first);
    expect(problems(copy as TerraformJson)).toEqual([
      expect.stringMatching(/another: a second entry-point ruleset for phase http_request_cache_settings/),
    ]);
  });

  it("descriptions are reported as such, validators as validators", () => {
    const copy = clone(servarr);
    Object.assign(firstOf(copy, "google_monitoring_uptime_check_config"), { period: "120s" });
    Object.assign(firstOf(copy, "cloudflare_ruleset"), { phase: "http_request_cache" });
    expect(conform(copy, TABLES).map((v) => v.basis)).toEqual(["validator", "description"]);
  });

  it("no invented rule: an uptime check's auth_info may carry password and password_wo at v6.50.0 (empty ExactlyOneOf)", () => {
    const found = broken(servarr, "google_monitoring_uptime_check_config", (r) =>
      Object.assign(r, {
        http_check: {
          ...(r.http_check as object),
          auth_info: { username: "u", password: "p", password_wo: "w", password_wo_version: "1" },
        },
      }),
    );
    expect(found).toEqual([]);
  });

  it("zone_setting values, the dns_record TTL range, the tunnel secret's length (described)", () => {
    expect(broken(servarr, "cloudflare_zone_setting", (r) => Object.assign(r, { value: "yes" }))).toEqual([
      expect.stringMatching(/value: "yes" is not one of on, off for setting_id always_use_https \(described/),
    ]);
    expect(broken(servarr, "cloudflare_dns_record", (r) => Object.assign(r, { ttl: 30 }))).toEqual([
      expect.stringMatching(/ttl: 30 is neither 1 \(automatic\) nor within 60\.\.86400 \(described/),
    ]);
    const copy = clone(servarr);
    Object.assign(firstOf(copy, "random_bytes"), { length: 16 });
    expect(problems(copy)).toEqual([expect.stringMatching(/tunnel_secret: random_bytes\.\S+ has length 16, below 32 bytes/)]);
  });

  it("Access destinations: uri only on a public destination (validator), without a scheme (described)", () => {
    const found = broken(servarr, "cloudflare_zero_trust_access_application", (r) => {
      (r.destinations as Array<Record<string, unknown>>)[0] = { type: "private", uri: "https://sonarr.example.com" };
    });
    expect(found).toEqual([
      expect.stringMatching(/destinations\.uri is only allowed when type is unset or one of public \(it is "private"\)$/),
      expect.stringMatching(/destinations\.uri: "https:\/\/sonarr\.example\.com" does not match .* \(described/),
    ]);
  });

  it("a Terraform Cloud tag name with capitals; an environment with seven reviewers", () => {
    expect(broken(bootstrap, "tfe_workspace", (r) => Object.assign(r, { tag_names: ["Servarr"] }))).toEqual([
      expect.stringMatching(/tag_names: "Servarr" does not match/),
    ]);
    const found = broken(bootstrap, "github_repository_environment", (r) =>
      Object.assign(r, { reviewers: [{ users: [1, 2, 3, 4, 5, 6, 7] }] }),
    );
    expect(found).toEqual([expect.stringMatching(/reviewers\.users: at most 6 element\(s\) \(described/)]);
  });

  it("a type with no entry fails the suite, so a new construct cannot skip it", () => {
    const copy = clone(servarr) as { resource: Record<string, Record<string, unknown>> };
    copy.resource.cloudflare_zero_trust_gateway_policy = { p: { account_id: "x" } };
    expect(problems(copy as TerraformJson)).toEqual([
      expect.stringMatching(/no conformance entry for resource type cloudflare_zero_trust_gateway_policy/),
    ]);
  });

  it("unknown values (Terraform expressions) are skipped by value rules, as the providers skip them", () => {
    const rule: Rule = { kind: "oneOf", path: "phase", values: ["http_request_cache_settings"] };
    const table: ProviderTable = { resources: { t: { source: "x", rules: [rule] } }, dataSources: {} };
    expect(conform({ resource: { t: { a: { phase: "${var.phase}" }, b: { phase: "nope" } } } }, [table]).map((v) => v.address)).toEqual([
      "t.b",
    ]);
  });
});
