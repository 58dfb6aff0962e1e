import type { BackupPolicyOptions } from "../config/backup-policy";
import type { Host } from "../host/host";
import type { ServarrApp } from "../host/servarr-app";
import { type ForwardedPort, Role } from "../model/roles";
import { build, type Preset, type PresetOptions, preset } from "./preset";

/**
 * The catalog's presets that do a job for the whole host (constructs/model/roles.ts): the tunnel
 * connector, the VPN gateway, the backup app and the monitor. Each role's own options are the
 * preset's options (forwardedPort, backupPolicy), never loose props of other apps.
 */

/** cloudflared's metrics server, which its readiness check reads: loopback only, no peer needs it. */
const CLOUDFLARED_METRICS = "127.0.0.1:2000";

export const cloudflared = preset("cloudflared", {
  description: "Cloudflare Tunnel connector (outbound only)",
  role: Role.tunnelConnector(),
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

/** gluetun's health server on its own loopback: its HEALTH_SERVER_ADDRESS and the namespace probe. */
const GLUETUN_HEALTH_SERVER = "127.0.0.1:9999";

export interface GluetunOptions extends PresetOptions {
  /** gluetun's VPN_SERVICE_PROVIDER, e.g. "airvpn", "mullvad", "protonvpn". */
  readonly provider: string;
  /**
   * The port the VPN provider forwards to you. A number (e.g. AirVPN's static port): opened in
   * gluetun's firewall (FIREWALL_VPN_INPUT_PORTS) and used by the torrent client as its listening
   * port. "dynamic" (ProtonVPN): the provider assigns it and may move it; gluetun asks for it and
   * its port-forwarding hook sets the VPN-routed qBittorrent's listening port at each change.
   * @default none (no incoming peer connections)
   */
  readonly forwardedPort?: ForwardedPort;
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
      // Served by gluetun's own process on its loopback: a VPN-routed app sees it only while it
      // lives in gluetun's current namespace.
      role: Role.vpnGateway({ forwardedPort, namespaceProbe: `http://${GLUETUN_HEALTH_SERVER}` }),
      identity: "image",
      configPath: "/gluetun",
      // Its capabilities (NET_ADMIN among them) are PRESET_PRIVILEGES.gluetun in preset.ts.
      devices: ["/dev/net/tun:/dev/net/tun"],
      environment: {
        VPN_SERVICE_PROVIDER: provider,
        VPN_TYPE: "wireguard",
        HEALTH_SERVER_ADDRESS: GLUETUN_HEALTH_SERVER,
        HTTP_CONTROL_SERVER_ADDRESS: ":8000",
      },
      healthCommand: ["/gluetun-entrypoint", "healthcheck"],
      // The WireGuard handshake and the public IP check take seconds; a slow provider, tens.
      healthTiming: { startPeriodSeconds: 60 },
      // WIREGUARD_PRIVATE_KEY_SECRETFILE, WIREGUARD_ADDRESSES_SECRETFILE (internal/configuration/sources/secrets/wireguard.go).
      secretFiles: "secretfile",
      secretEnv: {
        WIREGUARD_PRIVATE_KEY: "WireGuard private key from the VPN provider's config generator",
        WIREGUARD_ADDRESSES: "WireGuard interface address(es) from the VPN provider's config, e.g. 10.64.0.2/32",
      },
      reasons: {
        capability: "NET_ADMIN: gluetun creates the WireGuard link, its routes and the kill-switch firewall, in its own network namespace",
      },
    },
    options,
    { "role.forwardedPort": "forwardedPort", "environment.VPN_SERVICE_PROVIDER": "provider" },
  );
}

export interface KopiaOptions extends PresetOptions {
  /**
   * Snapshot schedule and retention of every app's config dir; each unset field is the default's.
   * @default DEFAULT_BACKUP_POLICY (constructs/model/backup-policy.ts)
   */
  readonly backupPolicy?: BackupPolicyOptions;
}

/** Kopia: the bucket and endpoint come from the host's R2 backup bucket, written once. */
export function kopia(host: Host, { backupPolicy, ...options }: KopiaOptions = {}): ServarrApp {
  return build(
    host,
    "kopia",
    {
      adminUi: true,
      description: "Backups of every app's config to R2",
      port: 51515,
      role: Role.backup({ policy: backupPolicy }),
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
    },
    options,
    { "role.policy": "backupPolicy" },
  );
}

export const uptimeKuma: Preset = preset("uptime-kuma", {
  adminUi: true,
  description: "Monitoring and the public status page",
  port: 3001,
  role: Role.monitor(),
  egress: true,
  healthPath: "/",
  // The wire job signs in as its admin (created by its first run) and keeps the monitors and status page (docs/wiring.md).
  api: "uptime-kuma",
  // Version 2 asks which database to use on its first page unless this is set (server/setup-database.js 2.5.3):
  // without a human there, the wire job could not reach it. SQLite is what that page recommends.
  environment: { UPTIME_KUMA_DB_TYPE: "sqlite" },
  // Version 2 migrates its database on the first start after an upgrade before it listens.
  healthTiming: { startPeriodSeconds: 180 },
  identity: "image",
  configPath: "/app/data",
});
