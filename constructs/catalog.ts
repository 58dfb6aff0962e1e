import type { AppKind } from "./app-props";
import type { Host } from "./host";
import { build, type Preset, type PresetOptions, preset } from "./preset";
import type { ServarrApp } from "./servarr-app";

export { type RecyclarrOptions, recyclarr, unpackerr } from "./catalog-companions";
export type { Preset, PresetOptions } from "./preset";

// UIDs are fixed per app (never derived from list positions) so reordering the config never
// changes file ownership on the host. The group is the host's (13000 in the example).
// Relations name what the other app *is* (talksToKinds), never another preset: any subset of
// the catalog composes, and an absent kind is simply no peer.

export const plex = preset("plex", {
  description: "Organizes and streams the media library",
  kinds: ["media-server"],
  port: 32400,
  healthPath: "/identity",
  // First start on a big library (database upgrade, plugin setup) takes minutes before /identity answers.
  healthTiming: { startPeriodSeconds: 180 },
  uid: 13001,
  data: "media",
  environment: { VERSION: "docker" },
  egress: true,
  // Video through the CDN's cache breaks Cloudflare's terms and wastes the cache.
  cacheBypass: true,
});

export const jellyfin = preset("jellyfin", {
  description: "Free media server (an alternative to Plex)",
  kinds: ["media-server"],
  port: 8096,
  healthPath: "/health",
  // First start on a big library (database migration, scan setup) takes minutes before /health answers.
  healthTiming: { startPeriodSeconds: 180 },
  uid: 13012,
  data: "media",
  egress: true,
  cacheBypass: true,
});

export const seerr = preset("seerr", {
  description: "Media discovery and requests (successor of Overseerr)",
  kinds: ["request-manager"],
  port: 5055,
  healthPath: "/api/v1/status",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
  identity: "user",
  uid: 13002,
  configPath: "/app/config",
  talksToKinds: ["media-server", "tv-manager", "movie-manager"],
  egress: true,
});

const ARR_DOWNLOADS: readonly AppKind[] = ["indexer-manager", "download-client"];

export const sonarr = preset("sonarr", {
  adminUi: true,
  description: "TV series management",
  kinds: ["tv-manager"],
  port: 8989,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13003,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "SONARR__AUTH__APIKEY",
});

export const radarr = preset("radarr", {
  adminUi: true,
  description: "Movie management",
  kinds: ["movie-manager"],
  port: 7878,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13004,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "RADARR__AUTH__APIKEY",
});

export const lidarr = preset("lidarr", {
  adminUi: true,
  description: "Music management",
  kinds: ["music-manager"],
  port: 8686,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13013,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "LIDARR__AUTH__APIKEY",
});

export const bazarr = preset("bazarr", {
  adminUi: true,
  description: "Subtitle downloader",
  kinds: ["subtitle-manager"],
  port: 6767,
  uid: 13005,
  data: "media",
  egress: true,
  talksToKinds: ["tv-manager", "movie-manager"],
});

export const prowlarr = preset("prowlarr", {
  adminUi: true,
  description: "Indexer manager",
  kinds: ["indexer-manager"],
  port: 9696,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13006,
  egress: true,
  talksToKinds: ["challenge-solver", "tv-manager", "movie-manager", "music-manager"],
});

export const flaresolverr = preset("flaresolverr", {
  description: "Proxy that solves Cloudflare challenges for indexers",
  kinds: ["challenge-solver"],
  port: 8191,
  healthPath: "/health",
  // Starts and checks a headless Chromium before it answers.
  healthTiming: { startPeriodSeconds: 90 },
  identity: "image",
  configPath: null,
  egress: true,
  // A slim Python image: no curl or wget.
  healthRunner: "python",
});

/** qBittorrent: behind the VPN it listens on the gateway's forwarded port; without one, on its default. */
export const qbittorrent: Preset = (host, options = {}) =>
  build(host, "qbittorrent", {
    adminUi: true,
    description: "BitTorrent client",
    kinds: ["download-client"],
    port: 8080,
    uid: 13007,
    data: "downloads",
    environment: { WEBUI_PORT: "8080" },
    egress: true,
    healthPath: "/",
    healthTiming: { startPeriodSeconds: 60 },
    // The VPN provider's forwarded port becomes the listening port for incoming peers.
    ...(options.vpn ? { vpnPortEnv: "TORRENTING_PORT" } : {}),
    ...options,
  });

export const sabnzbd = preset("sabnzbd", {
  adminUi: true,
  description: "Usenet downloader (TLS to the news server; no VPN needed)",
  kinds: ["download-client"],
  port: 8080,
  healthPath: "/api?mode=version",
  healthTiming: { startPeriodSeconds: 60 },
  uid: 13014,
  data: "usenet",
  egress: true,
});

export const maintainerr = preset("maintainerr", {
  adminUi: true,
  description: "Removes watched or stale media by rules",
  port: 6246,
  identity: "user",
  uid: 13008,
  configPath: "/opt/data",
  talksToKinds: ["media-server", "request-manager", "tv-manager", "movie-manager", "watch-statistics"],
  egress: true,
  healthPath: "/api/health/live",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
});

export const tautulli = preset("tautulli", {
  adminUi: true,
  description: "Plex usage monitoring and newsletters",
  kinds: ["watch-statistics"],
  port: 8181,
  healthPath: "/status",
  healthTiming: { startPeriodSeconds: 60 },
  uid: 13009,
  talksToKinds: ["media-server"],
  egress: true,
});

export const wizarr = preset("wizarr", {
  description: "User invitations and onboarding",
  port: 5690,
  uid: 13010,
  configPath: "/data",
  talksToKinds: ["media-server"],
  egress: true,
});

/** cloudflared's metrics server, which its readiness check reads: loopback only, no peer needs it. */
const CLOUDFLARED_METRICS = "127.0.0.1:2000";

export const cloudflared = preset("cloudflared", {
  description: "Cloudflare Tunnel connector (outbound only)",
  role: "tunnel-connector",
  identity: "image",
  configPath: null,
  secretEnv: { TUNNEL_TOKEN: "Cloudflare Tunnel connector token" },
  // TUNNEL_TOKEN_FILE (cloudflared's --token-file, since 2025.4: cmd/cloudflared/tunnel/subcommands.go).
  secretFiles: "file",
  command: ["tunnel", "--no-autoupdate", "--metrics", CLOUDFLARED_METRICS, "run"],
  // Distroless image: its own readiness check (200 once connected to the edge), in its own namespace.
  healthCommand: ["cloudflared", "tunnel", "--metrics", CLOUDFLARED_METRICS, "ready"],
  // Ready once connected to the edge: seconds.
  healthTiming: { startPeriodSeconds: 30 },
  // The SSH ingress (ssh://host.docker.internal:22) reaches the host's own sshd.
  extraHosts: ["host.docker.internal:host-gateway"],
});

export interface GluetunOptions extends PresetOptions {
  /** gluetun's VPN_SERVICE_PROVIDER, e.g. "airvpn", "mullvad", "protonvpn". */
  readonly provider: string;
  /**
   * The port the VPN provider forwards to you (e.g. AirVPN's static port): opened in gluetun's
   * firewall (FIREWALL_VPN_INPUT_PORTS) and used by the torrent client as its listening port.
   * @default none (no incoming peer connections)
   */
  readonly forwardedPort?: number;
}

/**
 * The VPN gateway: WireGuard, its firewall is the kill switch for every VPN-routed app. The
 * firewall is on by default and only a deliberately scary variable turns it off; servarr never
 * sets one (a test checks), and opens only the forwarded port and the namespace's app ports.
 */
export function gluetun(host: Host, { provider, forwardedPort, ...options }: GluetunOptions): ServarrApp {
  return build(
    host,
    "gluetun",
    {
      description: "VPN gateway (WireGuard, firewall kill switch)",
      role: "vpn-gateway",
      identity: "image",
      configPath: "/gluetun",
      // Its capabilities (NET_ADMIN among them) are PRESET_PRIVILEGES.gluetun in preset.ts.
      devices: ["/dev/net/tun:/dev/net/tun"],
      environment: {
        VPN_SERVICE_PROVIDER: provider,
        VPN_TYPE: "wireguard",
        HEALTH_SERVER_ADDRESS: "127.0.0.1:9999",
        HTTP_CONTROL_SERVER_ADDRESS: ":8000",
      },
      healthCommand: ["/gluetun-entrypoint", "healthcheck"],
      // The WireGuard handshake and the public IP check take seconds; a slow provider, tens.
      healthTiming: { startPeriodSeconds: 60 },
      // Served by gluetun's own process on its loopback: a VPN-routed app sees it only while it
      // lives in gluetun's current namespace.
      namespaceProbe: "http://127.0.0.1:9999",
      ...(forwardedPort !== undefined ? { vpnInputPort: forwardedPort } : {}),
      // WIREGUARD_PRIVATE_KEY_SECRETFILE, WIREGUARD_ADDRESSES_SECRETFILE (internal/configuration/sources/secrets/wireguard.go).
      secretFiles: "secretfile",
      secretEnv: {
        WIREGUARD_PRIVATE_KEY: "WireGuard private key from the VPN provider's config generator",
        WIREGUARD_ADDRESSES: "WireGuard interface address(es) from the VPN provider's config, e.g. 10.64.0.2/32",
      },
      ...options,
      reasons: {
        capability: "NET_ADMIN: gluetun creates the WireGuard link, its routes and the kill-switch firewall, in its own network namespace",
        ...options.reasons,
      },
    },
    { vpnInputPort: "forwardedPort", "environment.VPN_SERVICE_PROVIDER": "provider" },
  );
}

/** Kopia: the bucket and endpoint come from the host's R2 backup bucket, written once. */
export const kopia: Preset = (host, options = {}) =>
  preset("kopia", {
    adminUi: true,
    description: "Backups of every app's config to R2",
    port: 51515,
    role: "backup",
    egress: true,
    // Its own user in the host's group: it reads the (group-readable) config dirs, mounted read-only.
    identity: "user",
    uid: 13011,
    configPath: "/app/config",
    environment: { KOPIA_S3_BUCKET: host.backup.bucketName, KOPIA_S3_ENDPOINT: host.backup.endpointHost },
    // The repository password, the UI login and the bucket's S3 credentials come from .env.
    secretEnv: {
      KOPIA_PASSWORD: "Kopia repository encryption password (choose a long random one; losing it loses the backups)",
      KOPIA_SERVER_USERNAME: "Login name for Kopia's web UI",
      KOPIA_SERVER_PASSWORD: "Password for Kopia's web UI",
      KOPIA_S3_ACCESS_KEY_ID: "S3 access key id of the Kopia R2 bucket",
      KOPIA_S3_SECRET_ACCESS_KEY: "S3 secret access key of the Kopia R2 bucket",
    },
    command: ["server", "start", "--insecure", "--address=0.0.0.0:51515"],
    secretFiles: "none",
    reasons: {
      "secret-environment":
        "Kopia reads its repository password, UI login and S3 keys from the environment only (KOPIA_PASSWORD, --server-password, AWS_*: no *_FILE); its image is distroless (no shell to read a file first)",
    },
  })(host, options);

export const uptimeKuma = preset("uptime-kuma", {
  adminUi: true,
  description: "Monitoring and the public status page",
  port: 3001,
  role: "monitor",
  egress: true,
  healthPath: "/",
  // Version 2 migrates its database on the first start after an upgrade before it listens.
  healthTiming: { startPeriodSeconds: 180 },
  identity: "image",
  configPath: "/app/data",
});
