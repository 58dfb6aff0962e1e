import type { Host } from "./host";
import { IMAGES } from "./images";
import type { ContainerLimits } from "./least-privilege";
import { ConfigError } from "./problems";
import { ServarrApp, type ServarrAppProps } from "./servarr-app";

/** What a preset lets the config change: everything but the image's identity is overridable. */
export type PresetOptions = Partial<ServarrAppProps>;

/** A preset: the app's facts, declared once; the config adds exposure, VPN and overrides. */
export type Preset = (host: Host, options?: PresetOptions) => ServarrApp;

/**
 * Builds the app from the preset's facts and the config's options. `renamed` maps the props a
 * preset option became back to the option's name, so an error names what the user wrote.
 */
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

export function build(
  host: Host,
  name: keyof typeof IMAGES,
  props: Omit<ServarrAppProps, "image"> & { image?: string },
  renamed: Readonly<Record<string, string>> = {},
): ServarrApp {
  try {
    const own = PRESET_PRIVILEGES[name];
    return new ServarrApp(host, name, {
      image: IMAGES[name],
      ...(own.capAdd ? { capAdd: own.capAdd } : {}),
      ...(own.readOnlyRoot ? { readOnlyRoot: true } : {}),
      ...props,
      limits: { ...own.limits, ...props.limits },
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.path,
      error.problems.map((p) => ({ ...p, field: renamed[p.field] ?? p.field })),
    );
  }
}

export function preset(name: keyof typeof IMAGES, defaults: Omit<ServarrAppProps, "image">): Preset {
  // The preset's own reasons stay unless the config names the same risk.
  return (host, options = {}) =>
    build(host, name, {
      ...defaults,
      ...options,
      ...(defaults.reasons || options.reasons ? { reasons: { ...defaults.reasons, ...options.reasons } } : {}),
    });
}
