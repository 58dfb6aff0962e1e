import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TerraformJson } from "../../delivery/stacks";
import { EXPIRY_CHECK, TOKEN_EXPIRY_VARIABLE } from "../../delivery/token-expiry-workflow";
import type { ServarrConfig } from "../../stacks/config";
import { PERMISSIONS, permissionLines, requiredGrants, typesOf } from "../../stacks/permissions";
import { summarize } from "../../stacks/summary";
import { synthesize } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { renderedFile, renderedRepoFiles } from "../rendered";
import { exampleConfig, resources, synth } from "../support";
import { tool } from "../tool";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-permissions-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const CONFIGS: Array<[string, ServarrConfig]> = Object.entries(FIXTURES);
const synthesized = (name: string, config: ServarrConfig) =>
  synthesize(config, { outdir: path.join(scratch, name, "cdktf.out"), bundleRoot: path.join(scratch, name, "compose") });

describe.each(CONFIGS)("%s: credentials derived from the resource types used", (name, config) => {
  const result = synthesized(name.replace(/\W/g, "_"), config);

  it("every resource and data-source type of both stacks has a permission entry", () => {
    const types = [...result.stacks.values()].flatMap(typesOf);
    expect(types.filter((t) => !(t in PERMISSIONS))).toEqual([]);
  });

  it("the servarr stack needs the three provider credentials, the bootstrap stack the owner's two", () => {
    const grants = requiredGrants(result.stacks);
    expect([...(grants.get("servarr")?.keys() ?? [])]).toEqual(["CLOUDFLARE_API_TOKEN", "GITHUB_TOKEN", "GOOGLE_CREDENTIALS"]);
    expect([...(grants.get("bootstrap")?.keys() ?? [])]).toEqual(["GITHUB_TOKEN", "TFE_TOKEN"]);
  });

  it("synth prints every grant, and the service tokens' lifetime and expiry outputs", () => {
    const text = summarize(result);
    for (const byCredential of requiredGrants(result.stacks).values())
      for (const grants of byCredential.values()) for (const g of grants) expect(text).toContain(`- ${g}`);
    for (const t of result.hosts.flatMap((h) => h.serviceTokens.all)) {
      expect(text).toContain(`${t.name}: valid ${t.duration}`);
      expect(text).toContain(`service_token_${t.name.replace(/-/g, "_")}_expires_at`);
    }
  });
});

describe("the table is complete by construction", () => {
  it("a type without an entry stops the summary, naming it (broken copy)", () => {
    const { json } = synth();
    const copy = structuredClone(json) as { resource: Record<string, unknown> };
    copy.resource.cloudflare_zero_trust_gateway_policy = { x: {} };
    expect(() => permissionLines(new Map([["servarr", copy as TerraformJson]]))).toThrow(
      /no permission entry for cloudflare_zero_trust_gateway_policy/,
    );
  });

  it("the setup guide's credentials step (docs/setup.md) lists every grant the example needs", () => {
    const guide = readFileSync(path.join(root, "docs/setup.md"), "utf8");
    const start = guide.search(/^## \d+\. Credentials/m);
    expect(start).toBeGreaterThan(0);
    const section = guide.slice(start, guide.indexOf("\n## ", start + 1));
    const result = synthesized("readme", exampleConfig);
    for (const byCredential of requiredGrants(result.stacks).values())
      for (const [credential, grants] of byCredential) {
        expect(section, credential).toContain(credential);
        for (const g of grants) expect(section, g).toContain(g);
      }
    // And the one optional type a config can add.
    for (const g of PERMISSIONS.cloudflare_bot_management ?? []) expect(section).toContain(g.grant);
  });
});

describe("service token expiry is watched", () => {
  it("Terraform writes every token's expiry to the variable the scheduled workflow reads", () => {
    const { json, host } = synth();
    const variable = Object.values(resources(json, "github_actions_variable")).find((v) => v.variable_name === TOKEN_EXPIRY_VARIABLE);
    for (const t of host.serviceTokens.all) expect(String(variable?.value)).toMatch(new RegExp(`"${t.name}" = [^,}]+\\.expires_at`));
    const workflow = parse(renderedFile(renderedRepoFiles(exampleConfig).files, ".github/workflows/token-expiry.yml")) as {
      on: Record<string, unknown>;
      jobs: Record<string, { permissions: object; steps: Array<{ env: Record<string, string>; run: string }> }>;
    };
    expect(Object.keys(workflow.on)).toContain("schedule");
    const [job] = Object.values(workflow.jobs);
    expect(job?.permissions).toEqual({});
    expect(job?.steps[0]?.env.EXPIRY).toBe(`\${{ vars.${TOKEN_EXPIRY_VARIABLE} }}`);
    expect(job?.steps[0]?.run).toBe(EXPIRY_CHECK);
  });

  const run = (expiry: string) => {
    const r = spawnSync("bash", ["-c", EXPIRY_CHECK], {
      env: { PATH: process.env.PATH, EXPIRY: expiry, WARN_DAYS: "30" },
      encoding: "utf8",
    });
    return { status: r.status, out: r.stdout + r.stderr };
  };
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const jq = tool("jq", "jq", ["--version"]);

  it.skipIf(!jq.present)(
    `the generated check (bash, jq, date) passes far from expiry and fails 30 days ahead, naming the token${jq.missing}`,
    () => {
      expect(run(JSON.stringify({ "ci-deploy": inDays(200), "uptime-monitor": inDays(45) }))).toMatchObject({ status: 0 });
      const soon = run(JSON.stringify({ "ci-deploy": inDays(200), "uptime-monitor": inDays(12) }));
      expect(soon.status).toBe(1);
      expect(soon.out).toMatch(/::error::service token uptime-monitor expires .* \(1[12] days\)/);
      expect(soon.out).not.toMatch(/::error::service token ci-deploy/);
      expect(run("")).toMatchObject({ status: 1, out: expect.stringMatching(/variable SERVARR_SERVICE_TOKEN_EXPIRY is empty/) });
      expect(run(JSON.stringify({ "ci-deploy": "not a date" }))).toMatchObject({
        status: 1,
        out: expect.stringMatching(/unreadable expiry/),
      });
      expect(execFileSync("bash", ["-n", "-c", EXPIRY_CHECK]).toString()).toBe("");
    },
  );
});
