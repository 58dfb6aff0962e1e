import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DNSSEC_DS_OUTPUT, DNSSEC_READ_OVERWRITES } from "../../constructs/cloudflare/zone-hardening";
import type { TerraformJson } from "../../delivery/stacks";
import type { ServarrConfig } from "../../stacks/config";
import { buildApp, readStacks } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { exampleConfig, resources, synth } from "../support";
import { tool } from "../tool";
import { lifecycleProblems } from "./cross-resource";
import { STABILITY } from "./stability";

type Resource = Record<string, unknown> & {
  lifecycle?: { ignore_changes?: string[]; replace_triggered_by?: string[] };
  http_check?: { headers?: Record<string, string>; mask_headers?: boolean };
};
const CONFIGS: Array<[string, ServarrConfig]> = Object.entries(FIXTURES);
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-plan-stability-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const typed = (json: TerraformJson, type: string) => resources(json, type) as Record<string, Resource>;

describe.each(CONFIGS)("%s: no diff on a plan that changes nothing", (_, config) => {
  const { json } = synth(config);

  it("masked uptime headers: ignored when compared, and the check is replaced when its token changes", () => {
    const tokens = typed(json, "cloudflare_zero_trust_access_service_token");
    for (const [name, check] of Object.entries(typed(json, "google_monitoring_uptime_check_config"))) {
      if (check.http_check?.mask_headers !== true) {
        expect(check.lifecycle?.ignore_changes ?? [], name).not.toContain("http_check[0].headers");
        continue;
      }
      expect(check.lifecycle?.ignore_changes, name).toEqual(["http_check[0].headers"]);
      const [trigger] = check.lifecycle?.replace_triggered_by ?? [];
      const tokenName = String(trigger).replace(/^cloudflare_zero_trust_access_service_token\./, "");
      expect(tokens[tokenName], `${name} is replaced by ${trigger}`).toBeDefined();
      // The headers it sends are that same token's.
      expect(
        Object.values(check.http_check.headers ?? {}).every((v) => v.includes(`cloudflare_zero_trust_access_service_token.${tokenName}.`)),
      ).toBe(true);
    }
  });

  it("DNSSEC: status is set at creation and not compared after (pending until the DS record is published); the DS record is an output", () => {
    for (const dnssec of Object.values(typed(json, "cloudflare_zone_dnssec"))) {
      expect(dnssec.status).toBe("active");
      expect(dnssec.lifecycle?.ignore_changes).toEqual([...DNSSEC_READ_OVERWRITES]);
    }
    expect(json.output?.[DNSSEC_DS_OUTPUT]).toMatchObject({ value: expect.stringMatching(/^\$\{cloudflare_zone_dnssec\.[^.]+\.ds\}$/) });
  });

  it("lifecycle meta-arguments name real resources and attributes, in the form Terraform's JSON syntax takes", () => {
    expect(lifecycleProblems(json)).toEqual([]);
  });
});

describe("rotation of the probe's token is one config bump", () => {
  const base = synth();
  const rotated = synth({
    ...exampleConfig,
    host: {
      ...exampleConfig.host,
      serviceTokens: {
        ...exampleConfig.host.serviceTokens,
        "uptime-monitor": {
          ...exampleConfig.host.serviceTokens["uptime-monitor"],
          clientSecretVersion: 2,
          previousClientSecretExpiresAt: "2027-01-31T00:00:00Z",
        },
      },
    },
  });

  it("only the token changes in the configuration; the checks follow through replace_triggered_by", () => {
    const before = typed(base.json, "cloudflare_zero_trust_access_service_token");
    const after = typed(rotated.json, "cloudflare_zero_trust_access_service_token");
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    expect(changed).toEqual([expect.stringMatching(/uptime-monitor/)]);
    expect(after[changed[0] as string]).toMatchObject({
      client_secret_version: 2,
      previous_client_secret_expires_at: "2027-01-31T00:00:00Z",
    });
    const triggers = Object.values(typed(rotated.json, "google_monitoring_uptime_check_config"))
      .flatMap((c) => c.lifecycle?.replace_triggered_by ?? [])
      .filter((t) => !t.startsWith("terraform_data."));
    expect(triggers.length).toBeGreaterThan(0);
    expect(new Set(triggers)).toEqual(new Set([`cloudflare_zero_trust_access_service_token.${changed[0]}`]));
    // Everything else of the checks is unchanged: the new secret reaches them only by replacement.
    expect(JSON.stringify(typed(rotated.json, "google_monitoring_uptime_check_config"))).toBe(
      JSON.stringify(typed(base.json, "google_monitoring_uptime_check_config")),
    );
  });
});

/** Both stacks of every config, as `npm run synth` writes them. */
const ALL: Array<[string, TerraformJson]> = CONFIGS.flatMap(([name, config]) => {
  const outdir = mkdtempSync(path.join(scratch, "stacks-"));
  buildApp(config, outdir).app.synth();
  return [...readStacks(outdir)].map(([stack, json]) => [`${name} ${stack}`, json] as [string, TerraformJson]);
});
const stabilityProblems = (json: TerraformJson) =>
  Object.entries(json.resource ?? {}).flatMap(([type, byName]) => {
    const entry = STABILITY[type];
    if (!entry) return [`${type}: no stability entry (which rule of its Read keeps a second plan empty?)`];
    return Object.entries(byName).flatMap(([name, r]) =>
      entry.check(r as Record<string, unknown>, json).map((p) => `${type}.${name}: ${p}`),
    );
  });

describe("a second plan after the first apply is empty: each type's Read keeps what we set", () => {
  const used = [...new Set(ALL.flatMap(([, json]) => Object.keys(json.resource ?? {})))].sort();

  it("every resource type of every stack of every config has an entry, citing the provider at its pinned tag", () => {
    expect(used.filter((t) => !(t in STABILITY))).toEqual([]);
    for (const [type, entry] of Object.entries(STABILITY))
      expect(entry.source, type).toMatch(
        /^(cloudflare\/terraform-provider-cloudflare@v5\.14\.0|integrations\/terraform-provider-github@v6\.9\.0|hashicorp\/terraform-provider-google@v6\.50\.0|hashicorp\/terraform-provider-tfe@v0\.71\.0|hashicorp\/terraform-provider-random@v3\.7\.2):\S+\.go$|^hashicorp\/terraform@v1\.11\.4:\S+\.go$/,
      );
  });

  it.each(used.map((t) => [t, STABILITY[t]?.rule ?? "(no entry)"]))("%s: %s", (type) => {
    const found = ALL.flatMap(([config, json]) =>
      Object.entries(json.resource?.[type] ?? {}).flatMap(([name, r]) =>
        (STABILITY[type]?.check(r as Record<string, unknown>, json) ?? ["no entry"]).map((p) => `${config} ${name}: ${p}`),
      ),
    );
    expect(found).toEqual([]);
  });
});

describe("broken copies break stability, naming the rule", () => {
  // The full fixture (the example's shape): every resource type the rules break below.
  const json = ALL.find(([name]) => name === "full servarr")?.[1] as TerraformJson;
  const broken = (type: string, edit: (r: Resource, j: TerraformJson) => void) => {
    const j = structuredClone(json) as TerraformJson;
    const first = Object.values(typed(j, type))[0] as Resource;
    edit(first, j);
    return stabilityProblems(j);
  };

  it("DNSSEC: the provider's own non-empty plan comes back when the flags are left to Read", () => {
    expect(
      broken("cloudflare_zone_dnssec", (r) => {
        r.lifecycle = { ignore_changes: ["status"] };
        delete r.dnssec_use_nsec3;
      }),
    ).toEqual([
      expect.stringMatching(/dnssec_multi_signer is not in ignore_changes/),
      expect.stringMatching(/dnssec_presigned is not in ignore_changes/),
      expect.stringMatching(/dnssec_use_nsec3 is not in ignore_changes/),
      expect.stringMatching(/dnssec_use_nsec3 is not set to false/),
    ]);
  });

  it("uptime check: a masked check whose path changes without a replacement would PATCH the masks", () => {
    const found = broken("google_monitoring_uptime_check_config", () => {});
    expect(found).toEqual([]);
    const masked = (j: TerraformJson) =>
      Object.values(typed(j, "google_monitoring_uptime_check_config")).find((c) => c.http_check?.mask_headers) as Resource;
    const j = structuredClone(json) as TerraformJson;
    const check = masked(j);
    check.lifecycle = {
      ...check.lifecycle,
      replace_triggered_by: check.lifecycle?.replace_triggered_by?.filter((t) => !t.startsWith("terraform_data.")),
    };
    expect(stabilityProblems(j)).toEqual([
      expect.stringMatching(/no terraform_data holds its http_check/),
      ...Array(7).fill(expect.stringMatching(/is not held by the terraform_data/)),
    ]);
  });

  it("zone setting: a value in another form than the API's", () => {
    expect(broken("cloudflare_zone_setting", (r) => Object.assign(r, { value: true }))).toEqual([
      expect.stringMatching(/value true is not one of on, off/),
    ]);
  });

  it("a type without an entry fails", () => {
    const j = structuredClone(json) as TerraformJson & { resource: Record<string, unknown> };
    j.resource.cloudflare_zero_trust_gateway_policy = { p: { account_id: "x" } };
    expect(stabilityProblems(j)).toEqual([expect.stringMatching(/cloudflare_zero_trust_gateway_policy: no stability entry/)]);
  });
});

describe("broken copies", () => {
  const { json } = synth();
  const copy = () => structuredClone(json) as TerraformJson;
  const firstCheck = (j: TerraformJson) =>
    Object.values(typed(j, "google_monitoring_uptime_check_config")).find((c) => c.lifecycle?.replace_triggered_by) as Resource;

  it("a trigger written as an interpolation (cdktf's rendering of a resource object) is refused", () => {
    const j = copy();
    const check = firstCheck(j);
    check.lifecycle = { ...check.lifecycle, replace_triggered_by: [`\${${check.lifecycle?.replace_triggered_by?.[0]}}`] };
    expect(lifecycleProblems(j).map((v) => v.problem)).toEqual([expect.stringMatching(/is not the bare address of a resource/)]);
  });

  it("a depends_on or import naming a resource that does not exist is refused", () => {
    const j = copy() as TerraformJson & { import: Array<{ to: string }> };
    const check = firstCheck(j) as Resource & { depends_on?: string[] };
    check.depends_on = ["google_project_service.gone"];
    j.import = [{ to: "github_repository.gone" }];
    expect(lifecycleProblems(j).map((v) => v.problem)).toEqual([
      'depends_on "google_project_service.gone" is not the bare address of a resource in this stack',
      'import to "github_repository.gone" is not a resource of this stack',
    ]);
  });

  it("ignoring an attribute the resource does not set is refused", () => {
    const j = copy();
    const check = firstCheck(j);
    check.lifecycle = { ...check.lifecycle, ignore_changes: ["headers"] };
    expect(lifecycleProblems(j).map((v) => v.problem)).toEqual([expect.stringMatching(/ignore_changes "headers" names an attribute/)]);
  });
});

/** Stand-ins: terraform_data (built into Terraform, no provider download) with the same lifecycle strings. */
function standIns(json: TerraformJson): object {
  const id = (address: string) => address.replace(/[^A-Za-z0-9_]/g, "_");
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const [name, config] of Object.entries(byName)) {
      const { lifecycle, depends_on } = config as Resource & { depends_on?: string[] };
      const standIn = (ref: string) => ref.replace(/[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+/, (a) => `terraform_data.${id(a)}`);
      const triggers = lifecycle?.replace_triggered_by?.map(standIn);
      out[id(`${type}.${name}`)] = {
        input: "x",
        ...(triggers ? { lifecycle: { replace_triggered_by: triggers } } : {}),
        ...(depends_on ? { depends_on: depends_on.map(standIn) } : {}),
      };
    }
  return { resource: { terraform_data: out } };
}

const terraform = tool("terraform", "terraform", ["version"]);

describe.skipIf(!terraform.present)(
  `terraform validate (real binary, offline) on the lifecycle and depends_on syntax${terraform.missing}`,
  () => {
    const validate = (json: object) => {
      const dir = mkdtempSync(path.join(scratch, "tf-"));
      writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json));
      const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
      try {
        // init parses the configuration too: a syntax error stops it first.
        execFileSync("terraform", ["init", "-input=false", "-backend=false", "-no-color"], { cwd: dir, env, stdio: "pipe" });
        execFileSync("terraform", ["validate", "-no-color"], { cwd: dir, env, stdio: "pipe" });
        return "valid";
      } catch (error) {
        const e = error as { stdout?: Buffer; stderr?: Buffer };
        return `${e.stdout ?? ""}${e.stderr ?? ""}`;
      }
    };

    it("accepts the synthesized replace_triggered_by references, and rejects the interpolated form", () => {
      const { json } = synth();
      expect(validate(standIns(json))).toBe("valid");
      const broken = structuredClone(json) as TerraformJson;
      const check = Object.values(typed(broken, "google_monitoring_uptime_check_config")).find(
        (c) => c.lifecycle?.replace_triggered_by,
      ) as Resource;
      check.lifecycle = { replace_triggered_by: [`\${${check.lifecycle?.replace_triggered_by?.[0]}}`] };
      expect(validate(standIns(broken))).toMatch(/Invalid character|Invalid expression/);
    });
  },
);
