import { type BackupPolicy, type BackupPolicyOptions, backupPolicyProblems, resolveBackupPolicy } from "../config/backup-policy";
import { type Problem, portProblem } from "../config/problems";

/**
 * A job an app does for the whole host; at most one app per role. Each role carries only its
 * own options, resolved (defaults applied) when the role is made:
 * - Role.vpnGateway(): VPN-routed apps share its network namespace (gluetun),
 * - Role.tunnelConnector(): runs the host's Cloudflare Tunnel (cloudflared); talks to every exposed app,
 * - Role.monitor(): checks every app over HTTP (uptime-kuma); talks to every app, never to the Docker API,
 * - Role.backup(): backs up every app's config dir (kopia), mounted read-only.
 */
export type AppRole = VpnGatewayRole | TunnelConnectorRole | MonitorRole | BackupRole;
export type RoleKind = AppRole["kind"];
/** The role data of one kind, e.g. `RoleOf<"backup">` has the resolved policy. */
export type RoleOf<K extends RoleKind> = Extract<AppRole, { readonly kind: K }>;

export interface VpnGatewayOptions {
  /**
   * The port the VPN provider forwards to this host (torrent incoming connections); opened in
   * the gateway's firewall and handed to the VPN-routed apps that ask for it (`vpnPortEnv`).
   * @default none
   */
  readonly forwardedPort?: number;
  /**
   * A URL on 127.0.0.1 served by the gateway's own process. Every VPN-routed app probes it in
   * its healthcheck, so an app left in a dead namespace after the engine restarted the gateway
   * turns unhealthy (and the restarter restarts it).
   * @default none
   */
  readonly namespaceProbe?: string;
}

export interface VpnGatewayRole extends VpnGatewayOptions {
  readonly kind: "vpn-gateway";
}
export interface TunnelConnectorRole {
  readonly kind: "tunnel-connector";
}
export interface MonitorRole {
  readonly kind: "monitor";
}
export interface BackupOptions {
  /** Snapshot schedule and retention; each unset field is DEFAULT_BACKUP_POLICY's. @default DEFAULT_BACKUP_POLICY */
  readonly policy?: BackupPolicyOptions;
}
export interface BackupRole {
  readonly kind: "backup";
  readonly policy: BackupPolicy;
}

/** The role factories (cdk8s-plus style static factories instead of an enum plus loose fields). */
export const Role = {
  vpnGateway: (options: VpnGatewayOptions = {}): VpnGatewayRole => ({ kind: "vpn-gateway", ...options }),
  tunnelConnector: (): TunnelConnectorRole => ({ kind: "tunnel-connector" }),
  monitor: (): MonitorRole => ({ kind: "monitor" }),
  backup: (options: BackupOptions = {}): BackupRole => ({ kind: "backup", policy: resolveBackupPolicy(options.policy) }),
} as const;

const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d+(\/\S*)?$/;

/** A role's own options, checked on the app that carries it (fields under `role.`). */
export function roleProblems(role: AppRole | undefined): Problem[] {
  switch (role?.kind) {
    case "vpn-gateway":
      return [
        portProblem("role.forwardedPort", role.forwardedPort),
        role.namespaceProbe !== undefined && !LOOPBACK_URL.test(role.namespaceProbe)
          ? { field: "role.namespaceProbe", value: role.namespaceProbe, allowed: "an http://127.0.0.1:<port>/<path> URL" }
          : undefined,
      ].filter((p): p is Problem => p !== undefined);
    case "backup":
      return backupPolicyProblems(role.policy, "role.policy");
    default:
      return [];
  }
}
