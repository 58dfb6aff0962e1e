import { crossHostPorts, lanBridge, lanNetworkApps, linksOf, outboundBridge } from "../../../constructs/model/cross-host";
import type { HostModel } from "../../../constructs/model/host-model";

/**
 * The firewall rules of cross-host relations (constructs/model/cross-host.ts), as nft lines:
 * - target side: each port published for other hosts, admitted from the client hosts' LAN
 *   addresses only (input for host-network apps and userland proxies, forward for DNATed ones),
 * - client side: each client's routed bridge (its egress network's, its gateway's, or its own
 *   `<app>-lan`) reaches its declared peer ports; the host's LAN rule (compose/host-scripts.ts)
 *   drops every other container connection to the LAN; an `<app>-lan` bridge reaches nothing
 *   else at all, and a target's own `<app>-lan` bridge only answers (replies are "established",
 *   accepted first).
 */
export function crossHostFirewall(host: HostModel): { input: string[]; forward: string[] } {
  const ports = crossHostPorts(host);
  const input = ports.flatMap((p) =>
    p.from.map((from) => `    ip saddr ${from} tcp dport ${p.port} accept comment "${p.app} for ${p.clients.join(" ")}"`),
  );
  const served = ports.flatMap((p) =>
    p.from.map(
      (from) =>
        `    ct status dnat ip saddr ${from} meta l4proto tcp ct original proto-dst ${p.port} accept comment "${p.app} for ${p.clients.join(" ")}"`,
    ),
  );
  // VPN-routed clients leave through their gateway's bridge; its kill switch admits exactly the peers too (compose/project.ts).
  const bridges = lanNetworkApps(host);
  const outbound = [
    ...linksOf(host).flatMap((l) => {
      const bridge = outboundBridge(host, l);
      return bridge
        ? [
            `    iifname "${bridge}" ip daddr ${l.address} tcp dport ${l.port} accept comment "${l.client.name} to ${l.targetHost.name}/${l.target.name}"`,
          ]
        : [];
    }),
    ...bridges.map((app) => `    iifname "${lanBridge(app)}" drop comment "${app}'s cross-host network: no other connection of its own"`),
  ];
  return { input, forward: [...outbound, ...served] };
}
