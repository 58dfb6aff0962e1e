import type { GitHubConfig } from "./accounts";

/**
 * Facts about this repository that several artifacts share, written once: the branch the
 * workflows run on, the GitHub environment protects and the host deploys from; the URL the host
 * clones; the environments and the secret the Terraform Cloud steps read. The workflows,
 * the GitHub resources and the host scripts all read them from here.
 */
export interface RepositoryFacts {
  readonly owner: string;
  readonly name: string;
  /** The default branch: pull requests target it, merges to it apply and deploy, the host deploys only its commits. */
  readonly branch: string;
  /**
   * What the host clones: https for a public repository; for a private one ssh with a read-only
   * deploy key (first-boot.sh creates it and prints the public half).
   */
  readonly cloneUrl: string;
}

/** The GitHub environment the apply and deploy jobs run in: default branch only; it holds every production secret. */
export const DEPLOY_ENVIRONMENT = "production";
/** The GitHub environment the pull request plan job runs in: each run waits for a reviewer's approval. */
export const PLAN_ENVIRONMENT = "plan";
/** The Actions secret holding the Terraform Cloud token of the job's environment (apply token in production, plan token in plan). */
export const TF_API_TOKEN_SECRET = "TF_API_TOKEN";

/** Default branch when the config names none. */
const DEFAULT_BRANCH = "main";

export function repositoryFacts(github: Pick<GitHubConfig, "owner" | "repository" | "visibility" | "defaultBranch">): RepositoryFacts {
  return {
    owner: github.owner,
    name: github.repository,
    branch: github.defaultBranch ?? DEFAULT_BRANCH,
    cloneUrl:
      github.visibility === "public"
        ? `https://github.com/${github.owner}/${github.repository}.git`
        : `git@github.com:${github.owner}/${github.repository}.git`,
  };
}
