export type ImagePolicy = "tag" | "digest";

export const R2_LOCATIONS = ["apac", "eeur", "enam", "weur", "wnam", "oc"] as const;

export const R2_JURISDICTIONS = ["default", "eu", "fedramp"] as const;

export interface BackupBucketOptions {
  /** R2 bucket name: 3-63 characters, a-z, 0-9 and '-'. */
  readonly name: string;
  /**
   * Location hint of the bucket (close to the host).
   * @default Cloudflare picks one near the first request
   */
  readonly location?: (typeof R2_LOCATIONS)[number];
  /**
   * Where the data is guaranteed to stay.
   * @default "default"
   */
  readonly jurisdiction?: (typeof R2_JURISDICTIONS)[number];
  /**
   * Days after which an unfinished multipart upload (an interrupted snapshot) is dropped.
   * @default 7
   */
  readonly abortMultipartUploadsAfterDays?: number;
}

export interface SshOptions {
  /**
   * Subdomain of the SSH hostname.
   * @default "ssh"
   */
  readonly subdomain?: string;
  /**
   * Where cloudflared reaches the host's sshd, `host:port`. The default resolves to the
   * host itself from inside the cloudflared container (compose `extra_hosts: host-gateway`).
   * @default "host.docker.internal:22"
   */
  readonly target?: string;
}

export interface ServiceTokenOptions {
  /**
   * Bump to rotate the client secret (the client id stays). From version 2 on,
   * `previousClientSecretExpiresAt` is required: the provider accepts the version only
   * together with it (an AlsoRequires validator, both ways).
   * @default 1
   */
  readonly clientSecretVersion?: number;
  /**
   * RFC 3339 time until which the secret of the previous version still works (a time in the
   * past ends it at once). Required with `clientSecretVersion` 2 or more, refused with 1.
   * @default none: version 1 has no previous secret
   */
  readonly previousClientSecretExpiresAt?: string;
  /**
   * How long the token is valid after it is created (Go duration, hours at most: "8760h").
   * Cloudflare rejects an expired token; the summary shows the expiry, and the scheduled
   * token-expiry workflow warns 30 days ahead. Renew by replacing the token (docs/operations.md).
   * @default "8760h" (one year, the provider's default)
   */
  readonly duration?: string;
  /**
   * Admitted on every private app's health route only (an Access application scoped to the
   * app's health path), not only where an exposure lists it: the uptime monitor, so off-host
   * checks reach each admin UI's health path and nothing else.
   * @default false
   */
  readonly everyPrivateApp?: boolean;
  /**
   * Why a token other than "uptime-monitor" is admitted on every private app (listed in the
   * synth summary); without it such a token is refused.
   * @default none
   */
  readonly everyPrivateAppReason?: string;
}

export interface DeliveryProps {
  /**
   * Seconds deploy.sh waits for every service to be healthy before it rolls back.
   * @default 300
   */
  readonly healthTimeoutSeconds?: number;
}

/** The machine identities every host must declare: CI deploys over SSH, uptime checks. */
export const REQUIRED_SERVICE_TOKENS = ["ci-deploy", "uptime-monitor"] as const;
