import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServarrConfig } from "../../../stacks/config";
import { BOOTSTRAP_STATE_FILE, bootstrapStateMissing, type OrderContext, placeholderFacts } from "../../../stacks/setup/evidence";
import { step } from "../../../stacks/setup/guide";
import { missingBefore, PREREQUISITE_APIS, runInOrder } from "../../../stacks/setup/order";
import { GOOGLE_TOKEN_URI, type Http } from "../../../stacks/setup/probes";
import { generateDeployKey, loadModel } from "../../../stacks/setup/steps";
import { FIXTURES } from "../../fixtures";
import { accounts, inputs } from "./setup-order-fakes";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-order-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const STATES = path.join(__dirname, "..", "..", "fixtures", "state");
const full = FIXTURES.full as ServarrConfig;
// Synthesizing is the slow part: one model per distinct config (the apps are the same function).
const models = new Map<string, ReturnType<typeof loadModel>>();
const modelOf = (config: ServarrConfig) => {
  const key = JSON.stringify(config);
  const model = models.get(key) ?? loadModel(config);
  models.set(key, model);
  return model;
};

/** The full fixture with an owner's own facts, its deploy key declared, and the given extras. */
function owned(deployKey: string, extra: Partial<ServarrConfig["terraformCloud"]> = {}, cacheRuleset?: string): ServarrConfig {
  return {
    ...full,
    terraformCloud: { organization: "homelab-org", workspace: "servarr", ...extra },
    github: { ...full.github, owner: "homelab-org", reviewers: ["homelab-owner"] },
    google: { projectId: "homelab-servarr" },
    host: {
      ...full.host,
      domain: "media.homelab.net",
      owners: ["me@homelab.net"],
      cloudflare: {
        ...full.host.cloudflare,
        accountId: "4e1b0c9a7d2f48e6b3a5c8d7e6f5a4b3",
        zoneId: "9c8b7a6d5e4f40312a1b2c3d4e5f6a7b",
        existingCacheRuleset: cacheRuleset,
      },
      machine: {
        ...full.host.machine,
        deployKeys: [deployKey],
        // The owner's own key and disk: the example's are refused on a real domain (constructs/validation/placeholders.ts).
        ownerKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/ me@homelab"],
        dataDisk: { uuid: "5d0c4b3a-2f1e-4d9c-8b7a-6e5f4d3c2b1a", mountPoint: "/data", fsType: "ext4" },
      },
    },
  };
}

/** A repository root with the deploy key of `npm run setup -- deploy-key` and, optionally, a bootstrap state. */
function root(name: string, state?: string): { dir: string; key: string; privateKey: string } {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const key = generateDeployKey(path.join(dir, ".servarr"), "servarr-deploy");
  if (state) copyFileSync(path.join(STATES, state), path.join(dir, BOOTSTRAP_STATE_FILE));
  return { dir, key, privateKey: readFileSync(path.join(dir, ".servarr", "deploy_key"), "utf8") };
}

const offline: Http = async (url) => {
  throw new Error(`no network in this test: ${url}`);
};
const context = (dir: string, env: NodeJS.ProcessEnv = {}, http: Http = offline, home = path.join(dir, "home")): OrderContext => ({
  root: dir,
  home,
  env,
  http,
});

describe("config facts: the example's documentation values are named, with where to find your own", () => {
  it("the example (example.com, sequential ids, example-org) is refused field by field", () => {
    expect(placeholderFacts(full).map((m) => m.what)).toEqual([
      'host.domain is still "example.com"',
      'host.owners[0] is still "owner@example.com"',
      'host.cloudflare.accountId is still "0123456789abcdef0123456789abcdef"',
      'host.cloudflare.zoneId is still "fedcba9876543210fedcba9876543210"',
      'terraformCloud.organization is still "example-org"',
      'github.owner is still "example-org"',
      'google.projectId is still "example-servarr"',
    ]);
  });

  it("an owner's own facts pass", () => {
    expect(placeholderFacts(owned("ssh-ed25519 AAAA x"))).toEqual([]);
  });
});

describe("known-hosts and check: the config and the deploy key come first", () => {
  it("refuses known-hosts without the deploy key of step 3 declared, and says how", async () => {
    const { dir, key } = root("keys");
    const elsewhere = owned("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEBBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f other");
    expect(await missingBefore("known-hosts", modelOf(elsewhere), context(dir))).toEqual([
      {
        what: ".servarr/deploy_key.pub is not in machine.deployKeys",
        fix: expect.stringMatching(/^add "ssh-ed25519 \S+ …" to machine\.deployKeys/),
      },
    ]);
    expect(await missingBefore("known-hosts", modelOf(owned(key)), context(dir))).toEqual([]);
    expect(await missingBefore("known-hosts", modelOf(owned(key)), context(path.join(scratch, "empty")))).toEqual([
      { what: "no deploy key in .servarr/", fix: expect.stringMatching(/npm run setup -- deploy-key/) },
    ]);
  });
});

describe("the bootstrap's local state, read from fixture state files", () => {
  const model = modelOf(owned("ssh-ed25519 AAAA x"));

  it("a complete state holds the workspace, both environments and the repository", () => {
    expect(bootstrapStateMissing(model, root("complete", "bootstrap.tfstate.json").dir)).toEqual([]);
  });

  it("a bootstrap that stopped before the environments names what is missing and the command", () => {
    const missing = bootstrapStateMissing(model, root("partial", "bootstrap-before-environments.tfstate.json").dir);
    expect(missing.map((m) => m.what)).toEqual([
      expect.stringMatching(/does not hold a resource \(github_actions_environment_secret\.environments_plan-tf-api-token_\w+\)/),
      expect.stringMatching(/does not hold a resource \(github_actions_environment_secret\.environments_production-tf-api-token_\w+\)/),
      expect.stringMatching(/does not hold an environment \(github_repository_environment\.environments_plan_\w+\)/),
      expect.stringMatching(/does not hold an environment \(github_repository_environment\.environments_production_\w+\)/),
      expect.stringMatching(
        /does not hold a resource \(github_repository_environment_deployment_policy\.environments_production-branch_\w+\)/,
      ),
    ]);
    expect(new Set(missing.map((m) => m.fix))).toEqual(
      new Set([`cd cdktf.out/stacks/bootstrap && terraform init && terraform apply (${step("bootstrap")})`]),
    );
  });

  it("no state at all: the bootstrap has not run", () => {
    expect(bootstrapStateMissing(model, path.join(scratch, "nowhere"))).toEqual([
      { what: "no bootstrap.tfstate: the bootstrap has not run", fix: expect.any(String) },
    ]);
  });

  it("env (step 9) needs the bootstrap and `terraform login`; the credentials file satisfies it", async () => {
    const { dir } = root("env", "bootstrap.tfstate.json");
    expect((await missingBefore("env", model, context(dir))).map((m) => m.what)).toEqual([
      "no Terraform Cloud credentials (terraform login not done)",
    ]);
    mkdirSync(path.join(dir, "home", ".terraform.d"), { recursive: true });
    writeFileSync(
      path.join(dir, "home", ".terraform.d", "credentials.tfrc.json"),
      JSON.stringify({ credentials: { "app.terraform.io": { token: "t.atlasv1.x" } } }),
    );
    expect(await missingBefore("env", model, context(dir))).toEqual([]);
  });
});

describe("ready bootstrap: the Google APIs, an existing workspace and existing cache rules, asked of the accounts", () => {
  const { dir, key, privateKey } = root("bootstrap");
  const tokenShapes = (env: Record<string, string>) => ({
    ...env,
    TF_VAR_tf_api_token: `abcdefghijklmn.atlasv1.${"x".repeat(60)}`,
    TF_VAR_tf_plan_token: `opqrstuvwxyzab.atlasv1.${"y".repeat(60)}`,
  });

  it("reports disabled APIs, a workspace made by `terraform init`, and a dashboard cache-rules entry point, each with its fix", async () => {
    const model = modelOf(owned(key));
    const fake = accounts({
      apis: { "serviceusage.googleapis.com": "ENABLED" },
      workspaceExists: true,
      teamSees: {},
      entryPoint: { id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", rules: 2 },
    });
    const missing = await missingBefore("bootstrap", model, context(dir, tokenShapes(inputs(model, privateKey, fake.key)), fake.http));
    expect(missing).toEqual([
      {
        what: "cloudresourcemanager.googleapis.com is DISABLED on homelab-servarr",
        fix: `gcloud services enable ${PREREQUISITE_APIS.join(" ")} --project homelab-servarr (or the console: APIs & Services → Library, each by name)`,
      },
      {
        what: expect.stringMatching(/^workspace homelab-org\/servarr exists already/),
        fix: expect.stringMatching(/terraformCloud\.adoptWorkspace: true/),
      },
      {
        what: expect.stringMatching(/already has a http_request_cache_settings entry point \(2 rule\(s\)\)/),
        fix: expect.stringMatching(/existingCacheRuleset: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"/),
      },
    ]);
  });

  it("goes ahead once the APIs are on and both are adopted (the config names them)", async () => {
    const model = modelOf(owned(key, { adoptWorkspace: true }, "0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
    const fake = accounts({
      apis: { "serviceusage.googleapis.com": "ENABLED", "cloudresourcemanager.googleapis.com": "ENABLED" },
      workspaceExists: true,
      teamSees: {},
      entryPoint: { id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", rules: 2 },
    });
    expect(await missingBefore("bootstrap", model, context(dir, tokenShapes(inputs(model, privateKey, fake.key)), fake.http))).toEqual([]);
    expect(fake.seen).toEqual([
      `POST ${GOOGLE_TOKEN_URI}`,
      "GET https://serviceusage.googleapis.com/v1/projects/homelab-servarr/services/cloudresourcemanager.googleapis.com",
      "GET https://serviceusage.googleapis.com/v1/projects/homelab-servarr/services/serviceusage.googleapis.com",
      "GET https://app.terraform.io/api/v2/organizations/homelab-org/workspaces/servarr",
      "GET https://api.cloudflare.com/client/v4/zones/9c8b7a6d5e4f40312a1b2c3d4e5f6a7b/rulesets/phases/http_request_cache_settings/entrypoint",
    ]);
  });

  it("asks no account while a local step is missing (inputs not set)", async () => {
    const model = modelOf(owned(key));
    const missing = await missingBefore("bootstrap", model, context(dir, {}, offline));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((m) => m.what.startsWith("TF_VAR_"))).toBe(true);
  });

  it("a key that names another token endpoint is never sent there", async () => {
    const model = modelOf(owned(key));
    const fake = accounts({ apis: {}, workspaceExists: false, teamSees: {} });
    const foreign = JSON.stringify({ ...JSON.parse(fake.key), token_uri: "https://collector.invalid/token" });
    const missing = await missingBefore("bootstrap", model, context(dir, tokenShapes(inputs(model, privateKey, foreign)), fake.http));
    expect(missing[0]?.what).toMatch(/token_uri is not https:\/\/oauth2\.googleapis\.com\/token/);
    expect(fake.seen.some((s) => s.includes("collector"))).toBe(false);
  });
});

describe("ready first-apply: the bootstrap happened and the workflows' tokens reach the workspace", () => {
  it("refuses without the bootstrap's state; then names the token that cannot see the workspace", async () => {
    const { dir, key } = root("first-apply");
    const teams = { apply: "servarr-apply", plan: "servarr-plan" };
    const model = modelOf(owned(key, { teams }));
    const fake = accounts({
      apis: { "serviceusage.googleapis.com": "ENABLED", "cloudresourcemanager.googleapis.com": "ENABLED" },
      workspaceExists: true,
      teamSees: { "apply-token": true, "plan-token": false },
    });
    const env = {
      TF_VAR_google_credentials: fake.key,
      TF_VAR_cloudflare_api_token: "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
      TF_VAR_tf_api_token: "apply-token",
      TF_VAR_tf_plan_token: "plan-token",
    };
    expect((await missingBefore("first-apply", model, context(dir, env, fake.http)))[0]?.what).toMatch(/no bootstrap\.tfstate/);
    // The teams fixture's complete state (tfe_team_access included).
    copyFileSync(path.join(STATES, "bootstrap-teams.tfstate.json"), path.join(dir, BOOTSTRAP_STATE_FILE));
    expect(await missingBefore("first-apply", model, context(dir, env, fake.http))).toEqual([
      {
        what: "TF_VAR_tf_plan_token cannot see the workspace homelab-org/servarr",
        fix: expect.stringMatching(/a token of the team servarr-plan .* re-run the bootstrap/),
      },
    ]);
  });
});

describe("the CLI's hook", () => {
  it("refuses a gated step with the fixes and runs nothing; `ready` without a step prints its usage", async () => {
    const out: string[] = [];
    let ran = false;
    const run = () => {
      ran = true;
      return 0;
    };
    const code = await runInOrder(
      ["check"],
      full,
      context(path.join(scratch, "cli")),
      (l) => out.push(l),
      (l) => out.push(l),
      run,
    );
    expect(code).toBe(1);
    expect(ran).toBe(false);
    expect(out.join("\n")).toMatch(/before check: host\.domain is still "example\.com"\n {2}do: your domain/);
    expect(out.at(-1)).toBe("nothing was run.");
    expect(
      await runInOrder(
        ["ready"],
        full,
        context(scratch),
        () => {},
        (l) => out.push(l),
        run,
      ),
    ).toBe(2);
    expect(out.at(-1)).toMatch(/usage: npm run setup -- ready <bootstrap\|first-apply>/);
    expect(
      await runInOrder(
        ["deploy-key"],
        full,
        context(scratch),
        () => {},
        () => {},
        run,
      ),
    ).toBe(0);
    expect(ran).toBe(true);
  });
});
