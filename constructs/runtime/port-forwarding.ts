import type { AppModel, HostModel } from "../model/host-model";
import { movesForwardedPort } from "../model/roles";

/**
 * A forwarded port that moves (`forwardedPort: "dynamic"` on the VPN gateway): gluetun asks the
 * provider for it and runs its port-forwarding hook with each new port; the hook sets the
 * VPN-routed qBittorrent's listening port through its Web API. The hook then owns that setting:
 * the wire job leaves `listen_port` alone (constructs/wiring/plan.ts says so in the plan).
 */
export const PORT_HOOK_OWNER = "gluetun's port-forwarding hook (VPN_PORT_FORWARDING_UP_COMMAND)";

/** The VPN-routed qBittorrent instances the hook would serve (validation allows one: one forwarded port, one listener). */
export function portHookClients(host: HostModel): AppModel[] {
  if (!movesForwardedPort(host.appWithRole("vpn-gateway")?.role)) return [];
  return host.apps.filter((a) => a.vpn && a.props.api === "qbittorrent");
}

/** The one client whose listening port the hook sets, or undefined (none, or several: refused at synth). */
export function portHookClient(host: HostModel): AppModel | undefined {
  const clients = portHookClients(host);
  return clients.length === 1 ? clients[0] : undefined;
}
