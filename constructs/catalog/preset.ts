import { ConfigError } from "../config/problems";
import type { Host } from "../host/host";
import { ServarrApp } from "../host/servarr-app";
import type { ServarrAppProps } from "../model/app-props";
import type { ContainerLimits } from "../model/app-traits";
import { IMAGES } from "../model/images";
import { fromPreset, instanceFacts } from "../model/instances";

/** What a preset lets the config change: everything but the image's identity is overridable. */
export type PresetOptions = Partial<ServarrAppProps> & {
  /**
   * The instance's name, for a second instance of the preset (`catalog.sonarr(host, { name:
   * "sonarr-4k" })`): its service, hostname, config folder, user and API key entry, and the
   * uid and library it derives from the name (constructs/instances.ts).
   * @default the preset's name
   */
  readonly name?: string;
};

/** A preset: the app's facts, declared once; the config adds exposure, VPN and overrides. */
export type Preset = (host: Host, options?: PresetOptions) => ServarrApp;

/**
 * Capabilities LinuxServer.io images keep: their s6-overlay init runs as root, creates and
 * chowns /config and its own dirs for PUID:PGID (CHOWN, FOWNER, DAC_OVERRIDE), then starts the
 * app as that user (SETUID, SETGID). Everything else of Docker's default set is dropped.
 */
export const S6_CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] as const;

export interface PresetPrivileges {
  /** Capabilities the image needs after `cap_drop: [ALL]`; none when it runs as its user. */
  readonly capAdd?: readonly string[];
  readonly limits: Required<ContainerLimits>;
  readonly readOnlyRoot?: boolean;
}

/**
 * Per-preset least privilege, one line per image: its minimal capabilities (why: comment),
 * limits sized for a home server (a per-app `limits` overrides either field). Images run with
 * `identity: "user"` or a non-root USER need no capability at all.
 */
export const PRESET_PRIVILEGES: Readonly<Record<keyof typeof IMAGES, PresetPrivileges>> = {
  // Transcoding: memory for a few streams; many threads.
  plex: { capAdd: S6_CAPS, limits: { memory: "4g", pids: 2048 } },
  jellyfin: { capAdd: S6_CAPS, limits: { memory: "4g", pids: 2048 } },
  seerr: { limits: { memory: "1g", pids: 512 } },
  sonarr: { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  radarr: { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  lidarr: { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  bazarr: { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  prowlarr: { capAdd: S6_CAPS, limits: { memory: "512m", pids: 512 } },
  // Runs as the image's own non-root user; Chromium needs memory and processes.
  flaresolverr: { limits: { memory: "2g", pids: 1024 } },
  qbittorrent: { capAdd: S6_CAPS, limits: { memory: "2g", pids: 512 } },
  sabnzbd: { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  maintainerr: { limits: { memory: "1g", pids: 512 } },
  tautulli: { capAdd: S6_CAPS, limits: { memory: "512m", pids: 256 } },
  // PUID/PGID through its entrypoint, which chowns its data dir and drops to that user.
  wizarr: { capAdd: S6_CAPS, limits: { memory: "512m", pids: 256 } },
  // Distroless, runs as nonroot: no capability. Its root stays writable only because Compose
  // refuses an environment-sourced secret file in a read-only service (docker/compose
  // pkg/compose/secrets.go: "cannot create secret ... in read-only service"), and the tunnel
  // token as a file beats it in the environment.
  cloudflared: { limits: { memory: "256m", pids: 128 } },
  // Root in its own namespace: NET_ADMIN for the WireGuard link, routes and the kill-switch
  // firewall (reasoned in the preset), NET_RAW for its ICMP health check, CHOWN/DAC_OVERRIDE/FOWNER
  // for its /gluetun state, SETUID/SETGID to run helpers unprivileged.
  gluetun: { capAdd: ["NET_ADMIN", "NET_RAW", ...S6_CAPS], limits: { memory: "256m", pids: 256 } },
  kopia: { limits: { memory: "2g", pids: 512 } },
  // Its entrypoint chowns /app/data and drops to PUID with setpriv.
  "uptime-kuma": { capAdd: S6_CAPS, limits: { memory: "1g", pids: 512 } },
  unpackerr: { limits: { memory: "512m", pids: 256 } },
  recyclarr: { limits: { memory: "512m", pids: 256 } },
};

type Merge = "replace" | "record" | "list" | "derived";

/**
 * How a config's option meets the preset's own value, for every prop (the type makes a new prop
 * choose): a record merges key by key (the config's key wins), a list keeps the preset's items
 * and adds the config's, a derived function merges its results; anything else is replaced.
 * So `gluetun(host, { environment })` adds variables and never drops HEALTH_SERVER_ADDRESS.
 */
const MERGE: { readonly [K in keyof ServarrAppProps]-?: Merge } = {
  image: "replace",
  port: "replace",
  exposure: "replace",
  alsoExpose: "list",
  vpn: "replace",
  role: "replace",
  talksTo: "list",
  kinds: "list",
  talksToKinds: "list",
  singlePeerKinds: "list",
  library: "record",
  portEnv: "replace",
  login: "replace",
  externalLogin: "record",
  data: "replace",
  identity: "replace",
  uid: "replace",
  configPath: "replace",
  healthPath: "replace",
  environment: "record",
  secretEnv: "record",
  command: "replace",
  capAdd: "list",
  devices: "list",
  cacheBypass: "replace",
  extraHosts: "list",
  description: "replace",
  egress: "replace",
  healthRunner: "replace",
  healthCommand: "replace",
  vpnPortEnv: "replace",
  hardwareTranscoding: "replace",
  apiKeyEnv: "replace",
  api: "replace",
  leaveAlone: "list",
  environmentFrom: "derived",
  files: "derived",
  healthTiming: "record",
  secretFiles: "replace",
  limits: "record",
  readOnlyRoot: "replace",
  mounts: "list",
  privileged: "replace",
  hostNetwork: "replace",
  hostPid: "replace",
  adminUi: "replace",
  reasons: "record",
};

type Derive = (host: Host) => Readonly<Record<string, string>>;

/** The preset's props with the config's options merged in (see MERGE). */
export function mergeOptions<T extends Partial<ServarrAppProps>>(base: T, options: Partial<ServarrAppProps>): T {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(options)) {
    const own = merged[key];
    if (value === undefined || own === undefined) {
      if (value !== undefined) merged[key] = value;
      continue;
    }
    switch (MERGE[key as keyof ServarrAppProps]) {
      case "record":
        merged[key] = { ...(own as object), ...(value as object) };
        break;
      case "list":
        merged[key] = [...new Set([...(own as unknown[]), ...(value as unknown[])])];
        break;
      case "derived":
        merged[key] = (host: Host) => ({ ...(own as Derive)(host), ...(value as Derive)(host) });
        break;
      default:
        merged[key] = value;
    }
  }
  return merged as T;
}

/**
 * Builds the app from the preset's facts (its privileges, then its props) and the config's
 * options, merged (see MERGE), as the instance `options.name` (its own uid and library derived
 * from the name: constructs/instances.ts). `renamed` maps the props a preset option became back to the
 * option's name (a prefix maps the fields under it), so an error names what the user wrote.
 */
export function build(
  host: Host,
  name: keyof typeof IMAGES,
  props: Omit<ServarrAppProps, "image">,
  { name: instance = name, ...options }: PresetOptions = {},
  renamed: Readonly<Record<string, string>> = {},
): ServarrApp {
  const own = PRESET_PRIVILEGES[name];
  const privileges = {
    image: IMAGES[name],
    ...(own.capAdd ? { capAdd: own.capAdd } : {}),
    ...(own.readOnlyRoot ? { readOnlyRoot: true } : {}),
  };
  try {
    const base = { ...privileges, ...props, ...instanceFacts(name, instance, props), limits: { ...own.limits, ...props.limits } };
    return new ServarrApp(host, instance, fromPreset(mergeOptions(base, options), name));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.path,
      error.problems.map((p) => ({ ...p, field: renameField(p.field, renamed) })),
    );
  }
}

function renameField(field: string, renamed: Readonly<Record<string, string>>): string {
  for (const [from, to] of Object.entries(renamed))
    if (field === from || field.startsWith(`${from}.`) || field.startsWith(`${from}[`)) return to + field.slice(from.length);
  return field;
}

export function preset(name: keyof typeof IMAGES, defaults: Omit<ServarrAppProps, "image">): Preset {
  return (host, options = {}) => build(host, name, defaults, options);
}
