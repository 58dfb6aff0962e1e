import type { ServiceTokenOptions } from "./options";
export interface TerraformCloudConfig {
  /** Terraform Cloud organization. */
  readonly organization: string;
  /** Workspace that holds the servarr stack's state. */
  readonly workspace: string;
  /**
   * The workspace exists already (made by hand, or by a `terraform init` of the servarr stack
   * before the bootstrap): the bootstrap adopts it (import id `<organization>/<workspace>`)
   * instead of failing on the duplicate name. `npm run setup -- ready bootstrap` tells you.
   * @default false
   */
  readonly adoptWorkspace?: boolean;
  /**
   * Teams whose tokens the workflows use: the bootstrap grants them access to the workspace
   * (apply: "write", the apply job's TF_API_TOKEN; plan: "plan", the reviewed pull request
   * plans'). Without it, the tokens must already reach the workspace (the owners team's do).
   * @default none
   */
  readonly teams?: { readonly apply: string; readonly plan: string };
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
    /** The zone's existing cache-rules entry point, adopted (ZoneHardeningProps.existingCacheRuleset). */
    readonly existingCacheRuleset?: string;
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
