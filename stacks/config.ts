import type { DeliveryProps } from "../constructs/delivery";
import type { Host, HostProps } from "../constructs/host";

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

/** Everything a user edits: shared settings once, then one line per app. */
export interface ServarrConfig {
  /** Compose project, tunnel and Access name prefix; a DNS label. */
  readonly name: string;
  readonly host: HostProps;
  readonly terraformCloud: TerraformCloudConfig;
  readonly github: GitHubConfig;
  readonly google: GoogleConfig;
  /** Declares the apps: one construct call each (see constructs/catalog.ts). */
  readonly apps: (host: Host) => void;
  /** How changes reach the host (SSH login, checkout path, health deadline). @default DeliveryProps defaults */
  readonly delivery?: DeliveryProps;
}
