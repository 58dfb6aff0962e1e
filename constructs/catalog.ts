import type { Host } from "./host";
import { IMAGES } from "./images";
import { ServarrApp, type ServarrAppProps } from "./servarr-app";

/** What a preset lets the config change: everything but the image's identity is overridable. */
export type PresetOptions = Partial<ServarrAppProps>;

/** A preset: the app's facts, declared once; the config adds exposure, VPN and overrides. */
export type Preset = (host: Host, options?: PresetOptions) => ServarrApp;

function preset(name: keyof typeof IMAGES, defaults: Omit<ServarrAppProps, "image">): Preset {
  return (host, options = {}) => new ServarrApp(host, name, { image: IMAGES[name], ...defaults, ...options });
}

// UIDs are fixed per app (never derived from list positions) so reordering the config never
// changes file ownership on the host. The group is the host's (13000 in the example).

export const plex = preset("plex", {
  description: "Organizes and streams the media library",
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

export const seerr = preset("seerr", {
  description: "Media discovery and requests (successor of Overseerr)",
  port: 5055,
  healthPath: "/api/v1/status",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
  identity: "user",
  uid: 13002,
  configPath: "/app/config",
  talksTo: ["plex", "sonarr", "radarr"],
  egress: true,
});

export const sonarr = preset("sonarr", {
  description: "TV series management",
  port: 8989,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13003,
  data: "all",
  egress: true,
  talksTo: ["prowlarr", "qbittorrent"],
});

export const radarr = preset("radarr", {
  description: "Movie management",
  port: 7878,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13004,
  data: "all",
  egress: true,
  talksTo: ["prowlarr", "qbittorrent"],
});

export const bazarr = preset("bazarr", {
  description: "Subtitle downloader",
  port: 6767,
  uid: 13005,
  data: "media",
  egress: true,
  talksTo: ["sonarr", "radarr"],
});

export const prowlarr = preset("prowlarr", {
  description: "Indexer manager",
  port: 9696,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13006,
  egress: true,
  talksTo: ["flaresolverr", "sonarr", "radarr"],
});

export const flaresolverr = preset("flaresolverr", {
  description: "Proxy that solves Cloudflare challenges for indexers",
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

export const qbittorrent = preset("qbittorrent", {
  description: "BitTorrent client",
  port: 8080,
  uid: 13007,
  data: "downloads",
  environment: { WEBUI_PORT: "8080" },
  egress: true,
  healthPath: "/",
  healthTiming: { startPeriodSeconds: 60 },
  // The VPN provider's forwarded port becomes the listening port for incoming peers.
  vpnPortEnv: "TORRENTING_PORT",
});

export const maintainerr = preset("maintainerr", {
  description: "Removes watched or stale media by rules",
  port: 6246,
  identity: "user",
  uid: 13008,
  configPath: "/opt/data",
  talksTo: ["plex", "seerr", "sonarr", "radarr", "tautulli"],
  egress: true,
  healthPath: "/api/health/live",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
});

export const tautulli = preset("tautulli", {
  description: "Plex usage monitoring and newsletters",
  port: 8181,
  healthPath: "/status",
  healthTiming: { startPeriodSeconds: 60 },
  uid: 13009,
  talksTo: ["plex"],
  egress: true,
});

export const wizarr = preset("wizarr", {
  description: "User invitations and onboarding",
  port: 5690,
  uid: 13010,
  configPath: "/data",
  talksTo: ["plex"],
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
  return preset("gluetun", {
    description: "VPN gateway (WireGuard, firewall kill switch)",
    role: "vpn-gateway",
    identity: "image",
    configPath: "/gluetun",
    capAdd: ["NET_ADMIN"],
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
    secretEnv: {
      WIREGUARD_PRIVATE_KEY: "WireGuard private key from the VPN provider's config generator",
      WIREGUARD_ADDRESSES: "WireGuard interface address(es) from the VPN provider's config, e.g. 10.64.0.2/32",
    },
  })(host, options);
}

/** Kopia: the bucket and endpoint come from the host's R2 backup bucket, written once. */
export const kopia: Preset = (host, options = {}) =>
  preset("kopia", {
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
  })(host, options);

export const uptimeKuma = preset("uptime-kuma", {
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
