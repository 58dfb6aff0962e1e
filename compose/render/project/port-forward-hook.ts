import { secretFileName } from "../../../constructs/config/secrets";
import type { HostModel } from "../../../constructs/model/host-model";
import { movesForwardedPort } from "../../../constructs/model/roles";
import { portHookClient } from "../../../constructs/runtime/port-forwarding";
import { QBITTORRENT_USER } from "../../wire/plan";
import { bundledScript } from "../shell";
import type { ComposeService, ComposeServiceSecret } from "./compose-spec";

/** The hook's source (compose/scripts/) and its folder in the bundle, mounted whole (a file mount would keep an old copy). */
export const PORT_HOOK_SCRIPT = "qbittorrent-port.sh";
export const PORT_HOOK_DIR = "port-forward";
/** Where gluetun sees the bundle's folder. */
export const PORT_HOOK_MOUNT = "/servarr/port-forward";

/**
 * gluetun with a forwarded port that moves (`forwardedPort: "dynamic"`), read at qdm12/gluetun
 * v3.41.1 (the release the pinned v3.41.3 is cut from; test/compose/port-forward-hook.test.ts cites
 * each file): VPN_PORT_FORWARDING=on asks the provider for a port, opens it in the firewall and
 * keeps it; VPN_PORT_FORWARDING_UP_COMMAND runs after each (re)start of port forwarding with
 * {{PORT}} replaced, split into words by gluetun itself (no shell) and run as gluetun's root.
 * The hook (compose/scripts/qbittorrent-port.sh) logs in to the VPN-routed qBittorrent on its
 * loopback with the password the keys job seeded, read from a Compose secret file.
 */
export interface PortForwardHook {
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly ComposeServiceSecret[];
  readonly volumes: readonly string[];
  /** Files of the bundle (name → content). */
  readonly files: ReadonlyMap<string, string>;
}

export function portForwardHook(host: HostModel): PortForwardHook | undefined {
  if (!movesForwardedPort(host.appWithRole("vpn-gateway")?.role)) return undefined;
  const client = portHookClient(host);
  const secret = client?.apiKeySecret;
  if (!client || client.port === undefined || !secret)
    // A port for no torrent client servarr knows: gluetun still forwards it (its status file has it).
    return { environment: { VPN_PORT_FORWARDING: "on" }, secrets: [], volumes: [], files: new Map() };
  const source = secretFileName(secret);
  const command = [
    "/bin/sh",
    `${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT}`,
    "{{PORT}}",
    `http://127.0.0.1:${client.port}`,
    QBITTORRENT_USER,
    `/run/secrets/${source}`,
  ];
  return {
    environment: { VPN_PORT_FORWARDING: "on", VPN_PORT_FORWARDING_UP_COMMAND: command.join(" ") },
    // gluetun and its hook run as root: the password readable by root only.
    secrets: [{ source, uid: "0", gid: "0", mode: 0o400 }],
    volumes: [`./${PORT_HOOK_DIR}:${PORT_HOOK_MOUNT}:ro`],
    files: new Map([[`${PORT_HOOK_DIR}/${PORT_HOOK_SCRIPT}`, bundledScript(PORT_HOOK_SCRIPT)]]),
  };
}

/** The gateway's service with the hook's environment, secret and mount added. */
export function withPortForwardHook(service: ComposeService, hook: PortForwardHook): ComposeService {
  return {
    ...service,
    environment: { ...service.environment, ...hook.environment },
    ...(hook.secrets.length > 0 ? { secrets: [...(service.secrets ?? []), ...hook.secrets] } : {}),
    ...(hook.volumes.length > 0 ? { volumes: [...(service.volumes ?? []), ...hook.volumes] } : {}),
  };
}
