import type { BackupBucketOptions } from "../constructs/backup-bucket";
import type { DeliveryProps } from "../constructs/delivery";
import type { Host, HostProps } from "../constructs/host";
import type { MachineProps } from "../constructs/host-machine";
import type { RecoveryOptions } from "../constructs/restarter";
import type { SshOptions } from "../constructs/ssh-access";

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
  /**
   * More hosts besides `host` (say a NAS next to the media box), one declaration each, keyed by
   * host name (a DNS label: its compose project, bundle directory compose/<name>/, tunnel and
   * GitHub secret prefix <NAME>_). The Cloudflare account and zone, owners, service tokens and
   * every unset field come from `host`. See README "Several hosts".
   * @default none: one host
   */
  readonly hosts?: Readonly<Record<string, MoreHostConfig>>;
}

/** A host besides the first: its machine, LAN address and apps; the rest defaults to the first host's. */
export interface MoreHostConfig {
  /** The machine itself (setup.sh, first-boot.sh, firewall). */
  readonly machine: MachineProps;
  /** LAN address of this host: its LAN ports and the ports other hosts' apps reach are published on it. */
  readonly lanAddress: string;
  /** @default the first host's configRoot */
  readonly configRoot?: string;
  /** @default the first host's dataRoot */
  readonly dataRoot?: string;
  /** @default the first host's timezone */
  readonly timezone?: string;
  /** @default the first host's gid */
  readonly gid?: number;
  /** @default the first host's groupName */
  readonly groupName?: string;
  /** @default the first host's umask */
  readonly umask?: string;
  /** @default the first host's imagePolicy */
  readonly imagePolicy?: HostProps["imagePolicy"];
  /** This host's own R2 bucket (its S3 token reaches only this bucket). @default the first host's bucket options, named `<first bucket name>-<host>` */
  readonly backupBucket?: BackupBucketOptions;
  /** @default subdomain "ssh-<host>" (ssh-<host>.<domain>), target host.docker.internal:22 */
  readonly ssh?: SshOptions;
  /** @default the first host's recovery */
  readonly recovery?: RecoveryOptions;
  /** @default the config's delivery */
  readonly delivery?: DeliveryProps;
  /** Declares this host's apps, as `apps` does for the first host. */
  readonly apps: (host: Host) => void;
}
