import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import type * as BranchProtectionModule from "@cdktf/provider-github/lib/branch-protection";
import { Repository } from "@cdktf/provider-github/lib/repository";
import type * as RulesetModule from "@cdktf/provider-github/lib/repository-ruleset";
import { Construct } from "constructs";
import type { BranchProtectionKind, GitHubConfig } from "../config/accounts";
import { assertNoProblems, type Problem } from "../config/problems";
import { DEPLOY_ENVIRONMENT, repositoryFacts } from "../config/repository";
import { adopt } from "../terraform/adopt";
import { environmentsAvailable } from "./environments";
import { REQUIRED_CHECKS } from "./required-checks";

/** The GitHub Actions app: only a check reported by Actions satisfies the rule, not one any app posts. */
export const GITHUB_ACTIONS_APP_ID = 15368;
/** Repository role id of "admin" in a ruleset's bypass actors (GitHub REST rulesets: 2 maintain, 4 write, 5 admin). */
export const ADMIN_ROLE_ID = 5;

/** A value a workflow reads: a secret (`secrets.NAME`) or a plain variable (`vars.NAME`). */
export interface ActionsValue {
  readonly name: string;
  readonly description: string;
  /** A Terraform expression for secrets (never a literal); plain text for variables. */
  readonly value: string;
}

export interface GitHubRepoProps extends GitHubConfig {
  /** Repository description shown on GitHub. */
  readonly description: string;
  /** Every Actions secret, read when the construct is built (the list must be complete by then). */
  readonly secrets: () => readonly ActionsValue[];
  readonly variables: readonly ActionsValue[];
}

const ACTIONS_NAME = /^[A-Z][A-Z0-9_]*$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;

/**
 * The repository itself: squash merges only, branches deleted on merge, vulnerability alerts,
 * the default branch protected (ruleset or classic rule, as configured) so that it changes
 * only through an approved pull request whose plan check passed, and the secrets and variables
 * the workflows read. Secrets go to the `production` environment (made by the bootstrap stack,
 * default branch only), never to the repository, where a workflow on any branch could read them;
 * only a repository without environments (private, free plan) falls back to repository secrets.
 */
export class GitHubRepo extends Construct {
  readonly repository: Repository;
  readonly defaultBranch: string;
  readonly secretNames: readonly string[];
  /** Where the secrets live: the production environment, or the repository when there are no environments. */
  readonly secretsEnvironment?: string;

  constructor(scope: Construct, id: string, props: GitHubRepoProps) {
    super(scope, id);
    this.defaultBranch = repositoryFacts(props).branch;
    const secrets = props.secrets();
    assertNoProblems(this, validateGitHubConfig(props, [...secrets, ...props.variables]));

    this.repository = new Repository(this, "repository", {
      name: props.repository,
      description: props.description,
      visibility: props.visibility,
      allowSquashMerge: true,
      allowMergeCommit: false,
      allowRebaseMerge: false,
      squashMergeCommitTitle: "PR_TITLE",
      squashMergeCommitMessage: "PR_BODY",
      deleteBranchOnMerge: true,
      vulnerabilityAlerts: true,
      hasIssues: true,
      hasWiki: false,
      hasProjects: false,
      // The repository holds this very code: never delete it from Terraform.
      archiveOnDestroy: true,
      lifecycle: { preventDestroy: true },
    });
    // It exists before the first apply (the owner pushed this code to it): adopt it.
    adopt(this.repository, props.repository);

    this.protect(props.protection);
    this.secretsEnvironment = environmentsAvailable(props) ? DEPLOY_ENVIRONMENT : undefined;
    for (const secret of secrets) {
      const id = `secret-${secret.name.toLowerCase()}`;
      if (this.secretsEnvironment)
        new ActionsEnvironmentSecret(this, id, {
          repository: this.repository.name,
          environment: this.secretsEnvironment,
          secretName: secret.name,
          plaintextValue: secret.value,
        });
      else new ActionsSecret(this, id, { repository: this.repository.name, secretName: secret.name, plaintextValue: secret.value });
    }
    for (const variable of props.variables) {
      new ActionsVariable(this, `variable-${variable.name.toLowerCase()}`, {
        repository: this.repository.name,
        variableName: variable.name,
        value: variable.value,
      });
    }
    this.secretNames = secrets.map((s) => s.name);
    // A secret declared after this construct was built would silently miss GitHub: refuse it.
    this.node.addValidation({
      validate: () => {
        const late = props
          .secrets()
          .map((s) => s.name)
          .filter((n) => !this.secretNames.includes(n));
        return late.length === 0
          ? []
          : [
              `secrets: ${JSON.stringify(late)} declared after the GitHub repository was built; declare every secret before it (apps first)`,
            ];
      },
    });
  }

  private protect(kind: BranchProtectionKind): void {
    // Each protection's binding is loaded only when the config chooses it (100-450 kB of JavaScript each).
    if (kind === "ruleset") {
      const { RepositoryRuleset } = require("@cdktf/provider-github/lib/repository-ruleset") as typeof RulesetModule;
      new RepositoryRuleset(this, "default-branch", {
        name: "default branch: approved pull requests with a passing plan",
        repository: this.repository.name,
        target: "branch",
        enforcement: "active",
        conditions: { refName: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
        // A lone owner cannot approve their own pull request: repository admins may merge
        // theirs without approval, through a pull request only (bypass mode "pull_request").
        bypassActors: [{ actorId: ADMIN_ROLE_ID, actorType: "RepositoryRole", bypassMode: "pull_request" }],
        rules: {
          deletion: true,
          nonFastForward: true,
          // A code owner (CODEOWNERS: every file) approves the last push of anyone else's pull request.
          pullRequest: {
            requiredApprovingReviewCount: 1,
            requireCodeOwnerReview: true,
            requireLastPushApproval: true,
            dismissStaleReviewsOnPush: true,
            requiredReviewThreadResolution: true,
          },
          requiredStatusChecks: {
            strictRequiredStatusChecksPolicy: true,
            requiredCheck: REQUIRED_CHECKS.map((context) => ({ context, integrationId: GITHUB_ACTIONS_APP_ID })),
          },
        },
      });
    } else if (kind === "branch-protection") {
      const { BranchProtection } = require("@cdktf/provider-github/lib/branch-protection") as typeof BranchProtectionModule;
      new BranchProtection(this, "default-branch", {
        repositoryId: this.repository.nodeId,
        pattern: this.defaultBranch,
        enforceAdmins: true,
        allowsDeletions: false,
        allowsForcePushes: false,
        requireConversationResolution: true,
        // Classic protection cannot exempt an owner's own pull request: a lone owner needs a second account, or a ruleset.
        requiredPullRequestReviews: [
          { requiredApprovingReviewCount: 1, requireCodeOwnerReviews: true, requireLastPushApproval: true, dismissStaleReviews: true },
        ],
        requiredStatusChecks: [{ strict: true, contexts: [...REQUIRED_CHECKS] }],
      });
    }
  }
}

function validateGitHubConfig(config: GitHubConfig, values: readonly ActionsValue[]): Problem[] {
  const problems: Array<Problem | undefined> = [
    OWNER.test(config.owner) ? undefined : { field: "github.owner", value: config.owner, allowed: "a GitHub user or organization name" },
    REPOSITORY.test(config.repository)
      ? undefined
      : { field: "github.repository", value: config.repository, allowed: "a repository name: letters, digits, '.', '-', '_'" },
    ["public", "private"].includes(config.visibility)
      ? undefined
      : { field: "github.visibility", value: config.visibility, allowed: '"public" or "private"' },
    ["free", "paid"].includes(config.plan) ? undefined : { field: "github.plan", value: config.plan, allowed: '"free" or "paid"' },
    ["ruleset", "branch-protection", "none"].includes(config.protection)
      ? undefined
      : { field: "github.protection", value: config.protection, allowed: '"ruleset", "branch-protection" or "none"' },
    config.visibility === "private" && config.plan === "free" && config.protection !== "none"
      ? {
          field: "github.protection",
          value: config.protection,
          allowed:
            '"none" for a private repository on the free plan (GitHub offers neither rulesets nor branch protection there); or make it public, or plan: "paid"',
        }
      : undefined,
    ...(config.reviewers ?? []).map((r, i) =>
      OWNER.test(r) ? undefined : { field: `github.reviewers[${i}]`, value: r, allowed: "a GitHub user login" },
    ),
    config.reviewers === undefined || config.reviewers.length > 0
      ? undefined
      : { field: "github.reviewers", value: config.reviewers, allowed: "at least one GitHub user login (or leave it unset: the owner)" },
    config.deployApproval !== true || config.visibility === "public"
      ? undefined
      : {
          field: "github.deployApproval",
          value: config.deployApproval,
          allowed: "false for a private repository (required reviewers there need GitHub Enterprise), or a public repository",
        },
    config.defaultBranch === undefined || BRANCH.test(config.defaultBranch)
      ? undefined
      : { field: "github.defaultBranch", value: config.defaultBranch, allowed: "a branch name such as main" },
  ];
  const seen = new Set<string>();
  for (const v of values) {
    if (!ACTIONS_NAME.test(v.name) || v.name.startsWith("GITHUB_"))
      problems.push({
        field: "github.actions",
        value: v.name,
        allowed: "an upper-case name not starting with GITHUB_ (reserved by GitHub)",
      });
    else if (seen.has(v.name))
      problems.push({ field: "github.actions", value: v.name, allowed: "a secret or variable name declared once" });
    seen.add(v.name);
  }
  return problems.filter((p): p is Problem => p !== undefined);
}
