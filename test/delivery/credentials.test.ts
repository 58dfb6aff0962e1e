import { spawnSync } from "node:child_process";
import path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { GitHubConfig } from "../../constructs/config/accounts";
import { DEPLOY_ENVIRONMENT, PLAN_ENVIRONMENT } from "../../constructs/config/repository";
import { PR_PLAN_VARIABLE } from "../../constructs/github/environments";
import { renderCodeOwners } from "../../delivery/repo-files";
import type { TerraformJson } from "../../delivery/stacks";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { ServarrStack } from "../../stacks/servarr-stack";
import { FIXTURES } from "../fixtures";
import { renderedFile, renderedRepoFiles } from "../rendered";
import { exampleConfig, resources } from "../support";

/**
 * Where credentials live, proven on the synthesized JSON and the committed workflows: a
 * workflow pushed on any branch (a hostile collaborator, a compromised dependency) can read a
 * secret only through an environment that admits it. Resource attributes checked against
 * terraform-provider-github v6.9.0: github/resource_github_actions_environment_secret.go
 * (repository, environment, secret_name, plaintext_value) and
 * github/resource_github_repository_environment.go (can_admins_bypass, reviewers.users,
 * deployment_branch_policy).
 */

const root = path.resolve(__dirname, "../..");
type Job = { environment?: string; if?: string; steps: Array<{ env?: Record<string, string>; with?: Record<string, unknown> }> };
// The full fixture's workflows, as synth renders them (the committed ones are the user's config's: test/user-config/).
const { files: repoFiles } = renderedRepoFiles(exampleConfig);
const workflows = ["pull-request", "deploy"].map(
  (n) => parse(renderedFile(repoFiles, `.github/workflows/${n}.yml`)) as { jobs: Record<string, Job> },
);

function synthBoth(github: Partial<GitHubConfig> = {}, base = exampleConfig) {
  const config = { ...base, github: { ...base.github, ...github } };
  const app = Testing.app();
  const servarr = new ServarrStack(app, "servarr", config);
  const bootstrap = new BootstrapStack(app, "bootstrap", config, servarr);
  const parsed = (s: ServarrStack | BootstrapStack) => JSON.parse(Testing.synth(s, true)) as TerraformJson;
  return { servarr: parsed(servarr), bootstrap: parsed(bootstrap) };
}

/** environment name → secret names, over both stacks; "" = repository-level secrets. */
function secretPlacement(stacks: TerraformJson[]): Map<string, Set<string>> {
  const placement = new Map<string, Set<string>>();
  const add = (env: string, name: string) => placement.set(env, (placement.get(env) ?? new Set()).add(name));
  for (const json of stacks) {
    const environments = resources(json, "github_repository_environment");
    const envName = (ref: unknown) =>
      String(environments[/^\$\{github_repository_environment\.([\w-]+)\.environment\}$/.exec(String(ref))?.[1] ?? ""]?.environment ?? ref);
    for (const s of Object.values(resources(json, "github_actions_environment_secret"))) add(envName(s.environment), String(s.secret_name));
    for (const s of Object.values(resources(json, "github_actions_secret"))) add("", String(s.secret_name));
  }
  return placement;
}

const secretsOf = (job: Job) =>
  [...JSON.stringify(job.steps).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1] as string).filter((n) => n !== "GITHUB_TOKEN");

describe.each(Object.entries(FIXTURES))("fixture %s: no credential reaches unreviewed code", (_, fixture) => {
  const { servarr, bootstrap } = synthBoth({}, fixture);
  const placement = secretPlacement([servarr, bootstrap]);

  it.runIf(fixture.github.visibility === "public" || fixture.github.plan === "paid")(
    "has no repository-level secret: every secret is in an environment",
    () => {
      expect(placement.get("") ?? new Set()).toEqual(new Set());
      expect([...(placement.get(DEPLOY_ENVIRONMENT) ?? [])]).toEqual(
        expect.arrayContaining(["TF_API_TOKEN", "SSH_PRIVATE_KEY", "TUNNEL_TOKEN"]),
      );
    },
  );

  it("production deploys only from the default branch and admins cannot bypass it", () => {
    const production = Object.values(resources(bootstrap, "github_repository_environment")).find(
      (e) => e.environment === DEPLOY_ENVIRONMENT,
    );
    if (fixture.github.visibility === "private" && fixture.github.plan === "free") return expect(production).toBeUndefined();
    expect(production).toMatchObject({
      can_admins_bypass: false,
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    expect(Object.values(resources(bootstrap, "github_repository_environment_deployment_policy"))).toEqual([
      expect.objectContaining({ branch_pattern: fixture.github.defaultBranch ?? "main" }),
    ]);
    // The servarr stack never manages the environments (one owner: the bootstrap stack).
    expect(resources(servarr, "github_repository_environment")).toEqual({});
  });
});

describe("the workflows read secrets only inside environments that hold them", () => {
  const { servarr, bootstrap } = synthBoth();
  const placement = secretPlacement([servarr, bootstrap]);

  it("every job that names a secret runs in an environment holding it; no job reads a repository secret", () => {
    let checked = 0;
    for (const w of workflows)
      for (const [name, job] of Object.entries(w.jobs))
        for (const secret of secretsOf(job)) {
          expect(job.environment, `${name} reads ${secret}`).toBeDefined();
          expect(placement.get(job.environment ?? "")?.has(secret), `${name}: ${secret} in ${job.environment}`).toBe(true);
          checked++;
        }
    expect(checked).toBeGreaterThan(5);
    expect(placement.has("")).toBe(false);
  });

  it("the PR plan runs in the plan environment, whose every run waits for a reviewer", () => {
    const plan = workflows[0]?.jobs.plan;
    expect(plan?.environment).toBe(PLAN_ENVIRONMENT);
    expect(plan?.if).toContain(`vars.${PR_PLAN_VARIABLE} == 'reviewed'`);
    const env = Object.values(resources(bootstrap, "github_repository_environment")).find((e) => e.environment === PLAN_ENVIRONMENT);
    expect(env).toMatchObject({ can_admins_bypass: false, reviewers: [{ users: [expect.stringMatching(/data\.github_user\./)] }] });
    expect([...(placement.get(PLAN_ENVIRONMENT) ?? [])]).toEqual(["TF_API_TOKEN"]);
    expect(
      Object.values((bootstrap.data as Record<string, Record<string, { username: string }>>).github_user ?? {}).map((u) => u.username),
    ).toEqual(exampleConfig.github.reviewers ?? [exampleConfig.github.owner]);
  });

  it("a private repository gets no plan token at all, and the plan job is skipped", () => {
    const { bootstrap } = synthBoth({ visibility: "private", plan: "paid", protection: "ruleset" });
    const placement = secretPlacement([bootstrap]);
    expect(placement.get(PLAN_ENVIRONMENT)).toBeUndefined();
    expect(placement.get("")).toBeUndefined();
    const vars = Object.values(resources(bootstrap, "github_actions_variable"));
    expect(vars.find((v) => v.variable_name === PR_PLAN_VARIABLE)?.value).toBe("off");
  });

  it("the jobs that run the branch's own code (check, comment) get no secret", () => {
    expect(secretsOf(workflows[0]?.jobs.check as Job)).toEqual([]);
    expect(secretsOf(workflows[0]?.jobs.comment as Job)).toEqual([]);
  });
});

describe("CODEOWNERS: the reviewers own every file", () => {
  it('covers the workflows, the generated bundle and the lock file with one rule ("*")', () => {
    const text = renderedFile(repoFiles, ".github/CODEOWNERS");
    expect(text).toBe(renderCodeOwners(exampleConfig.github));
    const rules = text.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(rules).toEqual(["* @example-owner"]);
    const own = renderCodeOwners({ ...exampleConfig.github, owner: "jane", reviewers: undefined });
    expect(own.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["* @jane"]);
  });
});

describe(".env is never committed", () => {
  it("is git-ignored at the root and in every host bundle; .env.example is not", () => {
    const ignored = (p: string) => spawnSync("git", ["check-ignore", "--no-index", "-q", p], { cwd: root }).status === 0;
    for (const p of [".env", "compose/servarr/.env", "compose/other-host/.env", "compose/servarr/.env.staged"])
      expect(ignored(p), p).toBe(true);
    expect(ignored("compose/servarr/.env.example")).toBe(false);
  });
});

describe("optional approval of every deploy", () => {
  const production = (bootstrap: TerraformJson) =>
    Object.values(resources(bootstrap, "github_repository_environment")).find((e) => e.environment === DEPLOY_ENVIRONMENT);

  it("adds the reviewers to the production environment when deployApproval is set", () => {
    expect(production(synthBoth().bootstrap)?.reviewers).toBeUndefined();
    expect(production(synthBoth({ deployApproval: true }).bootstrap)?.reviewers).toEqual([
      { users: [expect.stringMatching(/data\.github_user\.environments_reviewer-example-owner/)] },
    ]);
  });

  it("with two or more reviewers, whoever triggered a run may not approve it (prevent_self_review); a lone one may", () => {
    const environments = (github: Partial<GitHubConfig>) =>
      Object.values(resources(synthBoth(github).bootstrap, "github_repository_environment")).filter((e) => e.reviewers);
    const two = environments({ deployApproval: true, reviewers: ["alice", "bob"] });
    expect(two.map((e) => [e.environment, e.prevent_self_review]).sort()).toEqual([
      [PLAN_ENVIRONMENT, true],
      [DEPLOY_ENVIRONMENT, true],
    ]);
    for (const e of environments({ deployApproval: true, reviewers: ["alice"] })) expect(e.prevent_self_review).toBeUndefined();
  });

  it("refuses it on a private repository (required reviewers there need GitHub Enterprise)", () => {
    expect(() => synthBoth({ deployApproval: true, visibility: "private", plan: "paid" })).toThrow(
      /\[servarr\/repo\] github.deployApproval: true is not allowed; allowed: false for a private repository/,
    );
  });
});
