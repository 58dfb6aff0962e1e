/**
 * The words an app's props are written in: what data it mounts, what kind of app it is, how it
 * runs, what it may ask for only with a reason, its limits. Leaf types: every model file reads them.
 */

/** Which part of the single /data tree (TRaSH layout) an app mounts. */
export type DataAccess = "none" | "media" | "downloads" | "usenet" | "all";

/**
 * What an app is, for the apps that work with "whatever does that job" instead of naming a
 * preset that may be absent: seerr talks to the media server, be it Plex or Jellyfin. Any
 * number of apps may share a kind.
 */
export type AppKind =
  | "media-server"
  | "tv-manager"
  | "movie-manager"
  | "music-manager"
  | "subtitle-manager"
  | "indexer-manager"
  | "download-client"
  | "request-manager"
  | "watch-statistics"
  | "challenge-solver";

/**
 * How the container learns which user to run as:
 * - linuxserver: PUID/PGID/UMASK environment (LinuxServer.io images),
 * - user: Compose `user: uid:gid`,
 * - image: the image's own user (root or a built-in one), e.g. the VPN gateway, which needs NET_ADMIN.
 */
export type Identity = "linuxserver" | "user" | "image";

/**
 * How the image reads a secret from a file, so no secret is in the container's environment
 * (`docker inspect` shows it to whoever reaches the engine). The file is a Compose secret
 * (from the host's `.env` entry) at /run/secrets/<entry in lower case>:
 * - linuxserver: `FILE__<VAR>=<file>`; the image's init reads it into the app's environment
 *   (linuxserver/docker-baseimage-*: root/etc/s6-overlay/s6-rc.d/init-envfile/run),
 * - secretfile: `<VAR>_SECRETFILE=<file>` (gluetun: internal/configuration/sources/secrets),
 * - file: `<VAR>_FILE=<file>` (cloudflared: `--token-file`, env TUNNEL_TOKEN_FILE),
 * - none: the image reads secrets from its environment only; refused unless the app names
 *   the reason (reasons["secret-environment"]), which the summary lists.
 */
export type SecretFiles = "linuxserver" | "secretfile" | "file" | "none";

/** What an app may ask for only with a named reason. */
export type Risk =
  | "privileged"
  | "docker-socket"
  | "host-path"
  | "host-network"
  | "host-pid"
  | "capability"
  | "device"
  | "every-interface"
  | "environment-override"
  | "access-bypass"
  | "host-role"
  | "public-admin"
  | "secret-environment";

export interface ContainerLimits {
  /** Compose mem_limit, e.g. "1g", "512m". */
  readonly memory?: string;
  /** Compose pids_limit. */
  readonly pids?: number;
}

/** Limits of an app whose preset sets none (a custom app). */
export const DEFAULT_LIMITS: Required<ContainerLimits> = { memory: "1g", pids: 512 };

export type Login = "app" | "access";

export interface LoginProps {
  /**
   * Who signs people in to the app's web UI: "app", its own login (behind Access for a private
   * app: two sign-ins); "access", Cloudflare Access only: the app's UI login is off
   * (externalLogin) and its API still requires its key. "access" is refused where a way in
   * bypasses Access (see constructs/validation/single-login.ts).
   * @default "app"
   */
  readonly login?: Login;
  /**
   * Environment that hands the image's UI login to a proxy in front, applied with login:
   * "access" (the arrs: `<APP>__AUTH__METHOD=External`).
   * @default none (the image cannot leave its login to Access)
   */
  readonly externalLogin?: Readonly<Record<string, string>>;
}

/**
 * What an app's derived environment or files may read of its host: its apps by name and kind,
 * with their ports and API key entries. The host model (./host-model.ts) is one; this view keeps
 * the props free of the model that holds them.
 */
export interface HostView {
  readonly name: string;
  readonly domain: string;
  readonly apps: readonly AppView[];
  app(name: string): AppView | undefined;
}

/** One app as another app's derived environment sees it. */
export interface AppView {
  readonly name: string;
  readonly port: number | undefined;
  /** The host `.env` entry holding the app's API key, e.g. SONARR_API_KEY. */
  readonly apiKeySecret: string | undefined;
  is(kind: AppKind): boolean;
}
