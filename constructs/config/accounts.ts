import type { ServiceTokenOptions } from "./options";
export interface TerraformCloudConfig {
  /** Terraform Cloud organization. */
  readonly organization: string;
  /** Workspace that holds the servarr stack's state. */
  readonly workspace: string;
}

/** GitHub plan of the repository owner: it decides which protections a private repository can have. */
export type GitHubPlan = "free" | "paid";

/**
 * How the default branch is protected (both require the plan check):
 * - "ruleset": a repository ruleset (the current mechanism),
 * - "branch-protection": a classic branch protection rule,
 * - "none": unprotected; the only choice for a private repository on the free plan.
 */
export type BranchProtectionKind = "ruleset" | "branch-protection" | "none";

export interface GitHubConfig {
  /** User or organization that owns the repository. */
  readonly owner: string;
  /** Name of this repository (it already exists: you pushed it there). */
  readonly repository: string;
  readonly visibility: "public" | "private";
  readonly plan: GitHubPlan;
  readonly protection: BranchProtectionKind;
  /** @default "main" */
  readonly defaultBranch?: string;
  /**
   * GitHub user logins who review: code owners of every file (the ruleset requires their
   * approval) and approvers of pull request plan runs. Set it when the owner is an organization.
   * @default [owner]
   */
  readonly reviewers?: readonly string[];
  /**
   * Every deploy (apply and deploy jobs) also waits for one of the reviewers to approve it in the
   * production environment. Public repositories only (required reviewers on a private one need
   * GitHub Enterprise).
   * @default false
   */
  readonly deployApproval?: boolean;
}

export interface GoogleConfig {
  /** Project holding the OAuth client for Google sign-in and the uptime checks. */
  readonly projectId: string;
  /**
   * Where uptime alerts are sent.
   * @default the host's first owner
   */
  readonly alertEmail?: string;
}

/** The Cloudflare account and zone every host of a config shares. */
export interface AccountProps {
  /** Prefix of every account-level object's name (the config's name). */
  readonly name: string;
  /** The zone every hostname of every host lives under, e.g. example.com. */
  readonly domain: string;
  readonly cloudflare: {
    readonly accountId: string;
    readonly zoneId: string;
    readonly teamName: string;
    readonly botFightMode?: boolean;
  };
  /** Emails of the people who may reach every private app of every host. */
  readonly owners: readonly string[];
  /** Access service tokens by name; must include "ci-deploy" and "uptime-monitor". */
  readonly serviceTokens: Readonly<Record<string, ServiceTokenOptions>>;
  /**
   * The construct id whose Terraform addresses these resources keep: the account pieces were
   * created under the first host before several hosts existed, and applied state names them so.
   */
  readonly addressAnchor: string;
}
