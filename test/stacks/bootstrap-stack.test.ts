import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../../delivery/stacks";
import { BOOTSTRAP_STATE, BootstrapStack, PROVIDER_CREDENTIALS } from "../../stacks/bootstrap-stack";
import type { ServarrConfig } from "../../stacks/config";
import { ServarrStack } from "../../stacks/servarr-stack";
import { exampleConfig, resources } from "../support";

const root = path.resolve(__dirname, "../..");

function synthBoth(config: ServarrConfig = exampleConfig, extra?: (servarr: ServarrStack) => void) {
  const app = Testing.app();
  const servarr = new ServarrStack(app, "servarr", config);
  extra?.(servarr);
  const bootstrap = new BootstrapStack(app, "bootstrap", config, servarr);
  const json = JSON.parse(Testing.synth(bootstrap, true)) as TerraformJson;
  const servarrJson = JSON.parse(Testing.synth(servarr, true)) as TerraformJson;
  return { servarr, bootstrap, json, servarrJson };
}

type TfeVariable = { key: string; category: string; sensitive: boolean; value: string; workspace_id: string };

describe("the bootstrap stack", () => {
  const { bootstrap, json, servarrJson } = synthBoth();
  const tfeVariables = Object.values(resources(json, "tfe_variable")) as unknown as TfeVariable[];
  const inputs = json.variable as Record<string, { sensitive?: boolean; nullable?: boolean; default?: unknown }>;

  it("keeps its state outside cdktf.out (every synth replaces it) in a git-ignored file", () => {
    expect(json.terraform?.backend).toEqual({ local: { path: BOOTSTRAP_STATE } });
    const state = path.resolve(root, "cdktf.out/stacks/bootstrap", BOOTSTRAP_STATE);
    expect(path.relative(path.join(root, "cdktf.out"), state).startsWith("..")).toBe(true);
    expect(execFileSync("git", ["check-ignore", state], { cwd: root, encoding: "utf8" }).trim()).toBe(state);
  });

  it("creates the one workspace the servarr stack's cloud backend names (one place in the config)", () => {
    const workspaces = Object.values(resources(json, "tfe_workspace"));
    expect(workspaces).toEqual([
      expect.objectContaining({
        name: exampleConfig.terraformCloud.workspace,
        organization: exampleConfig.terraformCloud.organization,
        auto_apply: false,
        file_triggers_enabled: false,
        working_directory: "",
      }),
    ]);
    expect(servarrJson.terraform?.cloud).toMatchObject({
      organization: exampleConfig.terraformCloud.organization,
      workspaces: { name: exampleConfig.terraformCloud.workspace },
    });
    expect(Object.values(resources(json, "tfe_workspace_settings"))).toEqual([expect.objectContaining({ execution_mode: "remote" })]);
  });

  it("gives the workspace the provider credentials as sensitive environment variables", () => {
    const env = tfeVariables.filter((v) => v.category === "env");
    expect(env.map((v) => v.key).sort()).toEqual(["CLOUDFLARE_API_TOKEN", "GITHUB_TOKEN", "GOOGLE_CREDENTIALS"]);
    expect(Object.keys(PROVIDER_CREDENTIALS).sort()).toEqual(env.map((v) => v.key).sort());
  });

  it("gives it every variable the servarr stack declares, by the same name, and nothing else", () => {
    const terraform = tfeVariables.filter((v) => v.category === "terraform").map((v) => v.key);
    expect(terraform.sort()).toEqual(Object.keys(servarrJson.variable ?? {}).sort());
    expect(terraform).toEqual(expect.arrayContaining(["kopia_password", "ssh_private_key", "wireguard_private_key"]));
  });

  it("marks every tfe variable sensitive and sets it from a sensitive, non-nullable input without a default", () => {
    expect(tfeVariables.length).toBeGreaterThan(3);
    for (const v of tfeVariables) {
      expect(v.sensitive, v.key).toBe(true);
      const input = /^\$\{var\.([a-z0-9_]+)\}$/.exec(v.value)?.[1] as string;
      expect(input, v.value).toBe(v.key.toLowerCase());
      expect(inputs[input]).toMatchObject({ sensitive: true, nullable: false });
      expect(inputs[input]?.default).toBeUndefined();
    }
    expect(Object.keys(inputs).sort()).toEqual(bootstrap.inputs.map((i) => i.name).sort());
  });

  it("gives the workflows TF_API_TOKEN (from inputs, per environment) and the plan switch; no variable nothing reads", () => {
    expect(resources(json, "github_actions_secret")).toEqual({});
    const environments = resources(json, "github_repository_environment");
    const environment = (ref: unknown) =>
      environments[/^\$\{github_repository_environment\.([\w-]+)\.environment\}$/.exec(String(ref))?.[1] ?? ""]?.environment;
    const secrets = Object.values(resources(json, "github_actions_environment_secret"));
    expect(secrets.map((s) => [environment(s.environment), s.secret_name, s.plaintext_value]).sort()).toEqual([
      ["plan", "TF_API_TOKEN", "${var.tf_plan_token}"],
      ["production", "TF_API_TOKEN", "${var.tf_api_token}"],
    ]);
    const vars = Object.values(resources(json, "github_actions_variable")) as Array<{ variable_name: string; value: string }>;
    expect(Object.fromEntries(vars.map((v) => [v.variable_name, v.value]))).toEqual({
      SERVARR_PR_PLAN: "reviewed",
    });
  });

  it("shares no Actions secret or variable name with the servarr stack (each has one owner)", () => {
    const names = (j: TerraformJson) => [
      ...Object.values(resources(j, "github_actions_secret")).map((s) => s.secret_name),
      ...Object.values(resources(j, "github_actions_environment_secret")).map((s) => s.secret_name),
      ...Object.values(resources(j, "github_actions_variable")).map((s) => s.variable_name),
    ];
    const servarrNames = new Set(names(servarrJson));
    expect(names(json).filter((n) => servarrNames.has(n))).toEqual([]);
  });

  it("rejects a servarr variable that is not a secret (settings belong in the config)", () => {
    expect(() =>
      synthBoth(exampleConfig, (servarr) => new TerraformVariable(servarr, "plain_setting", { type: "string", default: "x" })),
    ).toThrow(/variables.plain_setting: "plain_setting" is not allowed; allowed: a sensitive variable without a default/);
  });

  it("rejects a bad organization or workspace name", () => {
    const config = { ...exampleConfig, terraformCloud: { organization: "example org", workspace: "servarr" } };
    expect(() => synthBoth(config)).toThrow(/\[bootstrap\/workspace\] terraformCloud.organization: "example org" is not allowed/);
  });

  it("the setup guide's bootstrap step (docs/setup.md) lists every input as TF_VAR_<name>", () => {
    const guide = readFileSync(path.join(root, "docs/setup.md"), "utf8");
    const start = guide.search(/^## \d+\. Bootstrap/m);
    expect(start).toBeGreaterThan(0);
    const step = guide.slice(start, guide.indexOf("\n## ", start + 1));
    for (const input of bootstrap.inputs) expect(step, input.name).toContain(`TF_VAR_${input.name}`);
  });
});
