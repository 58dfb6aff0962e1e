import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { GitHubConfig } from "../../constructs/config/accounts";
import { DEPLOY_ENVIRONMENT } from "../../constructs/config/repository";
import { GITHUB_ACTIONS_APP_ID } from "../../constructs/github/repo";
import { REQUIRED_CHECKS } from "../../constructs/github/required-checks";
import { ServarrStack } from "../../stacks/servarr-stack";
import { exampleConfig, resources, synth } from "../support";

const withGitHub = (github: Partial<GitHubConfig>) => ({ ...exampleConfig, github: { ...exampleConfig.github, ...github } });
const one = (json: Parameters<typeof resources>[0], type: string) => {
  const all = Object.values(resources(json, type));
  expect(all, type).toHaveLength(1);
  return all[0] as Record<string, unknown>;
};

describe("the GitHub repository", () => {
  const { json } = synth();

  it("is adopted, not created, with squash merges only, branch deletion and vulnerability alerts", () => {
    const repo = one(json, "github_repository");
    expect(repo).toMatchObject({
      name: exampleConfig.github.repository,
      visibility: exampleConfig.github.visibility,
      allow_squash_merge: true,
      allow_merge_commit: false,
      allow_rebase_merge: false,
      delete_branch_on_merge: true,
      vulnerability_alerts: true,
      archive_on_destroy: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(json.import).toEqual([{ id: exampleConfig.github.repository, to: expect.stringMatching(/^github_repository\./) }]);
  });

  it("takes its visibility from the config", () => {
    const priv = synth(withGitHub({ visibility: "private", plan: "paid" }));
    expect(one(priv.json, "github_repository").visibility).toBe("private");
  });
});

describe("default branch protection: an explicit choice", () => {
  it("ruleset: the default branch changes only through an approved PR whose plan check (from Actions) passed", () => {
    const ruleset = one(synth(withGitHub({ protection: "ruleset" })).json, "github_repository_ruleset");
    expect(ruleset).toMatchObject({
      target: "branch",
      enforcement: "active",
      conditions: { ref_name: { include: ["~DEFAULT_BRANCH"] } },
      rules: {
        deletion: true,
        non_fast_forward: true,
        pull_request: {
          required_approving_review_count: 1,
          require_code_owner_review: true,
          require_last_push_approval: true,
          dismiss_stale_reviews_on_push: true,
        },
        required_status_checks: {
          strict_required_status_checks_policy: true,
          required_check: REQUIRED_CHECKS.map((context) => ({ context, integration_id: GITHUB_ACTIONS_APP_ID })),
        },
      },
    });
    // Only repository admins (role id 5: terraform-provider-github v6.9.0
    // website/docs/r/repository_ruleset.html.markdown, "RepositoryRole ... admin -> 5") may merge
    // their own pull request unapproved, and only through a pull request.
    expect(ruleset.bypass_actors).toEqual([{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "pull_request" }]);
  });

  it("branch-protection: the classic rule on the default branch, admins included", () => {
    const { json } = synth(withGitHub({ protection: "branch-protection", defaultBranch: "trunk" }));
    expect(resources(json, "github_repository_ruleset")).toEqual({});
    expect(one(json, "github_branch_protection")).toMatchObject({
      pattern: "trunk",
      enforce_admins: true,
      allows_deletions: false,
      allows_force_pushes: false,
      required_status_checks: [{ strict: true, contexts: REQUIRED_CHECKS }],
      required_pull_request_reviews: [{ required_approving_review_count: 1, require_code_owner_reviews: true }],
    });
  });

  it("none: no protection at all (a private repository on the free plan)", () => {
    const { json } = synth(withGitHub({ visibility: "private", plan: "free", protection: "none" }));
    expect(resources(json, "github_repository_ruleset")).toEqual({});
    expect(resources(json, "github_branch_protection")).toEqual({});
  });

  it.each([
    [
      { visibility: "private", plan: "free", protection: "ruleset" },
      /github.protection: "ruleset" is not allowed; allowed: "none" for a private repository on the free plan/,
    ],
    [{ protection: "rules" }, /github.protection: "rules" is not allowed; allowed: "ruleset", "branch-protection" or "none"/],
    [{ visibility: "internal" }, /github.visibility: "internal" is not allowed; allowed: "public" or "private"/],
    [{ plan: "team" }, /github.plan: "team" is not allowed; allowed: "free" or "paid"/],
    [{ owner: "-bad" }, /github.owner: "-bad" is not allowed/],
    [{ repository: "a b" }, /github.repository: "a b" is not allowed/],
    [{ defaultBranch: "main branch" }, /github.defaultBranch: "main branch" is not allowed/],
  ] as Array<[Partial<GitHubConfig>, RegExp]>)("rejects %o with path, field, value and what is allowed", (github, message) => {
    let error: unknown;
    try {
      synth(withGitHub(github));
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(message);
    expect(String(error)).toMatch(/\[servarr\/repo\]/);
  });
});

describe("Actions secrets and variables: one list", () => {
  const { host, json, stack } = synth();
  const secrets = Object.values(resources(json, "github_actions_environment_secret")) as Array<{
    secret_name: string;
    plaintext_value: string;
    environment: string;
  }>;
  const variables = Object.values(resources(json, "github_actions_variable")) as Array<{ variable_name: string; value: string }>;

  it("makes every host secret (audience host and ci) a secret of the production environment, and nothing else", () => {
    expect(secrets.map((s) => s.secret_name).sort()).toEqual([...host.secrets.all, ...stack.account.secrets.all].map((s) => s.name).sort());
    for (const s of secrets) expect(s.environment, s.secret_name).toBe(DEPLOY_ENVIRONMENT);
    expect(resources(json, "github_actions_secret")).toEqual({});
  });

  it("falls back to repository secrets only where GitHub has no environments (private, free plan)", () => {
    const { json } = synth(withGitHub({ visibility: "private", plan: "free", protection: "none" }));
    expect(resources(json, "github_actions_environment_secret")).toEqual({});
    expect(Object.keys(resources(json, "github_actions_secret")).length).toBe(host.secrets.all.length + stack.account.secrets.all.length);
  });

  it("covers every name .env.example lists (the host audience)", () => {
    const names = new Set(secrets.map((s) => s.secret_name));
    for (const s of host.secrets.for("host")) expect(names.has(s.name), s.name).toBe(true);
  });

  it("sets each value from Terraform: the sensitive variable or the resource attribute, never a literal", () => {
    const variableDefs = json.variable as Record<string, { sensitive?: boolean }>;
    for (const s of secrets) {
      const secret = host.secrets.get(s.secret_name);
      if (secret?.source === "variable") {
        expect(s.plaintext_value).toBe(`\${var.${s.secret_name.toLowerCase()}}`);
        expect(variableDefs[s.secret_name.toLowerCase()]?.sensitive, s.secret_name).toBe(true);
      } else expect(s.plaintext_value, s.secret_name).toMatch(/^\$\{(sha256\()?(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z0-9_]+\)?\}$/);
    }
  });

  it("publishes only non-secret values as variables", () => {
    expect(Object.fromEntries(variables.map((v) => [v.variable_name, v.value]))).toEqual({
      // Expiry dates are not secret (the token-expiry workflow reads them).
      SERVARR_SERVICE_TOKEN_EXPIRY: expect.stringMatching(
        /^\$\{jsonencode\(\{"ci-deploy" = .+\.expires_at, "uptime-monitor" = .+\.expires_at\}\)\}$/,
      ),
    });
    const secretNames = new Set(secrets.map((s) => s.secret_name));
    for (const v of variables) expect(secretNames.has(v.variable_name)).toBe(false);
  });

  it("refuses a secret declared after the repository was built (it would miss GitHub)", () => {
    const app = Testing.app();
    const stack = new ServarrStack(app, "servarr", exampleConfig);
    stack.host.secrets.require("LATE_SECRET", "declared too late");
    expect(() => Testing.synth(stack, true)).toThrow(/secrets: \["LATE_SECRET"\] declared after the GitHub repository was built/);
  });
});
