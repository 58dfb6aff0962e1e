import type { MachineProps } from "./machine";
import type { BackupBucketOptions, ImagePolicy, ServiceTokenOptions, SshOptions } from "./options";
import type { RecoveryOptions } from "./recovery";

/**
 * What a config declares about one host (the first host's props also carry the account and
 * zone fields: domain, cloudflare ids, owners, service tokens; constructs/cloudflare/account.ts).
 */
export interface CloudflareTarget {
  /** Cloudflare account id (32 hex characters). */
  readonly accountId: string;
  /** Zone id of `domain` (32 hex characters). */
  readonly zoneId: string;
  /** Zero Trust team name: the `<team>` of `<team>.cloudflareaccess.com` (Google's redirect URI uses it). */
  readonly teamName: string;
  /** The R2 bucket Kopia backs up to. */
  readonly backupBucket: BackupBucketOptions;
  /**
   * Bot Fight Mode on the zone. It cannot be skipped for monitors or service tokens.
   * @default false
   */
  readonly botFightMode?: boolean;
  /**
   * Id of the zone's existing cache-rules entry point (`http_request_cache_settings`), when
   * rules were made in the dashboard: adopted (its rules replaced by servarr's) instead of a
   * second entry point the API refuses. `npm run setup -- ready bootstrap` finds it.
   * @default none (created)
   */
  readonly existingCacheRuleset?: string;
}

export interface HostProps {
  /** The zone every app hostname lives under, e.g. example.com. */
  readonly domain: string;
  readonly cloudflare: CloudflareTarget;
  /** Emails of the people who may reach every private app (signed in through the IdP). */
  readonly owners: readonly string[];
  /** IANA time zone for every container, e.g. Europe/Berlin. */
  readonly timezone: string;
  /** Group shared by every app user and the /data tree (hardlinks need one group). */
  readonly gid: number;
  /** @default "servarr" */
  readonly groupName?: string;
  /** Host directory holding one sub-directory of state per app. */
  readonly configRoot: string;
  /** Host directory of the single /data tree (TRaSH layout: torrents/ and media/). */
  readonly dataRoot: string;
  /** @default "002" (group-writable, so every app can hardlink and move) */
  readonly umask?: string;
  /**
   * LAN address LAN ports are published on. Unset publishes on every interface.
   * @default every interface
   */
  readonly lanAddress?: string;
  /**
   * How strictly images must be pinned: "tag" (a version tag) or "digest" (tag@sha256).
   * @default "tag"
   */
  readonly imagePolicy?: ImagePolicy;
  /** The machine itself: LAN, SSH, data disk, updates, checkout (drives setup.sh and first-boot.sh). */
  readonly machine: MachineProps;
  /**
   * Access service tokens (machine identities) by name; must include "ci-deploy" (the deploy
   * over SSH) and "uptime-monitor" (off-host uptime checks).
   */
  readonly serviceTokens: Readonly<Record<string, ServiceTokenOptions>>;
  /** SSH to the host through the tunnel. @default ssh.<domain> to host.docker.internal:22 */
  readonly ssh?: SshOptions;
  /** The restarter's back-off and every container's log cap (constructs/config/recovery.ts). @default their defaults */
  readonly recovery?: RecoveryOptions;
}

/** How a host sits among the config's hosts. */
export interface HostOptions {
  /**
   * Unset for the first host (today's names: ssh.<domain>, TUNNEL_TOKEN, tunnel_token); the
   * host's name for every other one: ssh-<host>.<domain>, GitHub secret <HOST>_TUNNEL_TOKEN,
   * Terraform output <host>_tunnel_token (constructs/github/secrets.ts).
   */
  readonly prefix?: string;
}
