import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { DataGithubUser } from "@cdktf/provider-github/lib/data-github-user";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { GitHubConfig } from "../config/accounts";
import { DEPLOY_ENVIRONMENT, PLAN_ENVIRONMENT, repositoryFacts, TF_API_TOKEN_SECRET } from "../config/repository";

/** Repository variable the plan job reads: "reviewed" when a plan environment with reviewers exists. */
export const PR_PLAN_VARIABLE = "SERVARR_PR_PLAN";

/** Environments (and their branch rules, and environment secrets) exist on public repositories, and on private ones with a paid plan. */
export function environmentsAvailable(config: Pick<GitHubConfig, "visibility" | "plan">): boolean {
  return config.visibility === "public" || config.plan === "paid";
}

/**
 * Required reviewers on an environment: every public repository; on a private one only GitHub
 * Enterprise, which the config does not model, so private repositories get no reviewed plan.
 */
export function planReviewAvailable(config: Pick<GitHubConfig, "visibility">): boolean {
  return config.visibility === "public";
}

/** Who reviews: code owners of every file, and the approvers of pull request plan runs. */
export function reviewers(config: GitHubConfig): readonly string[] {
  return config.reviewers ?? [config.owner];
}

export interface GitHubEnvironmentsProps {
  readonly github: GitHubConfig;
  /** Terraform Cloud token the apply job runs with (sensitive). */
  readonly applyToken: string;
  /** Terraform Cloud token of pull request plans (sensitive): ideally a team token with "plan" access only. */
  readonly planToken: string;
}

/**
 * The GitHub environments that hold the workflows' credentials, made by the bootstrap stack
 * (the first apply needs TF_API_TOKEN before the servarr stack exists; the servarr stack adds
 * its own secrets to `production`). A workflow on any branch can read repository secrets,
 * but an environment's secrets only reach a job the environment admits:
 * - production: the default branch only, admins cannot bypass, optionally a reviewer's approval
 *   (`github.deployApproval`); TF_API_TOKEN of the apply job and (from the servarr stack) every
 *   deploy and host secret.
 * - plan: every run waits for one of the reviewers (public repositories; see planReviewAvailable);
 *   the plan token of pull request plans. Approving a run trusts that branch's code with it.
 * Without environments (a private repository on the free plan) TF_API_TOKEN is a repository
 * secret: every branch's workflow can read it (stated in docs/security.md).
 */
export class GitHubEnvironments extends Construct {
  readonly production?: RepositoryEnvironment;
  readonly plan?: RepositoryEnvironment;

  constructor(scope: Construct, id: string, props: GitHubEnvironmentsProps) {
    super(scope, id);
    const { github } = props;
    const repository = github.repository;
    const reviewedPlan = environmentsAvailable(github) && planReviewAvailable(github);
    new ActionsVariable(this, "pr-plan", {
      repository,
      variableName: PR_PLAN_VARIABLE,
      value: reviewedPlan ? "reviewed" : "off",
    });
    if (!environmentsAvailable(github)) {
      new ActionsSecret(this, "tf-api-token", { repository, secretName: TF_API_TOKEN_SECRET, plaintextValue: props.applyToken });
      return;
    }
    let users: number[] | undefined;
    const reviewerIds = () => {
      users ??= reviewers(github).map((login) => Token.asNumber(new DataGithubUser(this, `reviewer-${login}`, { username: login }).id));
      return users;
    };
    // With two or more reviewers, the one who triggered a run may not approve it (github provider
    // 6.9.0 repository_environment prevent_self_review); a lone reviewer must approve their own.
    const selfReview = reviewers(github).length >= 2 ? { preventSelfReview: true } : {};
    this.production = new RepositoryEnvironment(this, "production", {
      repository,
      environment: DEPLOY_ENVIRONMENT,
      canAdminsBypass: false,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      ...(github.deployApproval === true && planReviewAvailable(github) ? { reviewers: [{ users: reviewerIds() }], ...selfReview } : {}),
    });
    new RepositoryEnvironmentDeploymentPolicy(this, "production-branch", {
      repository,
      environment: this.production.environment,
      branchPattern: repositoryFacts(github).branch,
    });
    new ActionsEnvironmentSecret(this, "production-tf-api-token", {
      repository,
      environment: this.production.environment,
      secretName: TF_API_TOKEN_SECRET,
      plaintextValue: props.applyToken,
    });
    if (!reviewedPlan) return;
    this.plan = new RepositoryEnvironment(this, "plan", {
      repository,
      environment: PLAN_ENVIRONMENT,
      canAdminsBypass: false,
      reviewers: [{ users: reviewerIds() }],
      ...selfReview,
    });
    new ActionsEnvironmentSecret(this, "plan-tf-api-token", {
      repository,
      environment: this.plan.environment,
      secretName: TF_API_TOKEN_SECRET,
      plaintextValue: props.planToken,
    });
  }
}
