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

/**
 * `forwardedPort: "dynamic"`: the VPN provider assigns the forwarded port and may move it (on
 * every reconnect, or when a refresh finds it changed): gluetun asks for it (VPN_PORT_FORWARDING)
 * and its port-forwarding hook hands each new port to the VPN-routed torrent client
 * (compose/render/project/port-forward-hook.ts).
 */
export const DYNAMIC_PORT = "dynamic";
/** A port the provider forwards for good (AirVPN's static port), or DYNAMIC_PORT. */
export type ForwardedPort = number | typeof DYNAMIC_PORT;

export interface VpnGatewayOptions {
  /**
   * The port the VPN provider forwards to this host (torrent incoming connections). A number:
   * opened in the gateway's firewall and handed to the VPN-routed apps that ask for it
   * (`vpnPortEnv`) and to the wire job. "dynamic": the provider assigns it and may move it; the
   * gateway opens it itself and its port-forwarding hook sets the torrent client's listening port.
   * @default none
   */
  readonly forwardedPort?: ForwardedPort;
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

/** The forwarded port when it is fixed (a number); undefined when there is none or it moves. */
export function fixedForwardedPort(role: VpnGatewayOptions | undefined): number | undefined {
  return typeof role?.forwardedPort === "number" ? role.forwardedPort : undefined;
}

/** The provider assigns the forwarded port and may move it. */
export const movesForwardedPort = (role: VpnGatewayOptions | undefined): boolean => role?.forwardedPort === DYNAMIC_PORT;

const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d+(\/\S*)?$/;

/** A role's own options, checked on the app that carries it (fields under `role.`). */
export function roleProblems(role: AppRole | undefined): Problem[] {
  switch (role?.kind) {
    case "vpn-gateway":
      return [
        forwardedPortProblem(role.forwardedPort),
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

function forwardedPortProblem(port: ForwardedPort | undefined): Problem | undefined {
  if (port === undefined || port === DYNAMIC_PORT) return undefined;
  const problem = portProblem("role.forwardedPort", typeof port === "number" ? port : Number.NaN);
  return (
    problem && {
      field: problem.field,
      value: port,
      allowed: `${problem.allowed}, or "${DYNAMIC_PORT}" (the provider assigns the port and may move it)`,
    }
  );
}
