import type { GitHubConfig, GoogleConfig, TerraformCloudConfig } from "../constructs/config/accounts";
import type { HostProps } from "../constructs/config/host-props";
import type { MachineProps } from "../constructs/config/machine";
import type { BackupBucketOptions, DeliveryProps, SshOptions } from "../constructs/config/options";
import type { RecoveryOptions } from "../constructs/config/recovery";
import type { Host } from "../constructs/host/host";

/** Everything a user edits: shared settings once, then one line per app. */
export interface ServarrConfig {
  /** Compose project, tunnel and Access name prefix; a DNS label. */
  readonly name: string;
  readonly host: HostProps;
  readonly terraformCloud: TerraformCloudConfig;
  readonly github: GitHubConfig;
  readonly google: GoogleConfig;
  /** Declares the apps: one construct call each (see constructs/catalog/index.ts). */
  readonly apps: (host: Host) => void;
  /** How changes reach the host (SSH login, checkout path, health deadline). @default DeliveryProps defaults */
  readonly delivery?: DeliveryProps;
  /**
   * More hosts besides `host` (say a NAS next to the media box), one declaration each, keyed by
   * host name (a DNS label: its compose project, bundle directory compose/<name>/, tunnel and
   * GitHub secret prefix <NAME>_). The Cloudflare account and zone, owners, service tokens and
   * every unset field come from `host`. See docs/several-hosts.md.
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
