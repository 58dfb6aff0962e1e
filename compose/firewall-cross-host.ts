import { crossHostPorts, lanBridge, lanNetworkApps, linksOf } from "../constructs/cross-host";
import type { Host } from "../constructs/host";

/**
 * The firewall rules of cross-host relations (constructs/cross-host.ts), as nft lines:
 * - target side: each port published for other hosts, admitted from the client hosts' LAN
 *   addresses only (input for host-network apps and userland proxies, forward for DNATed ones),
 * - client side: each client's `<app>-lan` bridge reaches its declared peer ports, nothing else;
 *   a target's own `<app>-lan` bridge only answers (replies are "established", accepted first).
 */
export function crossHostFirewall(host: Host): { input: string[]; forward: string[] } {
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
  // VPN-routed clients leave through their gateway, whose kill switch admits exactly the peers (compose/project.ts).
  const links = linksOf(host).filter((l) => !l.client.props.hostNetwork && !l.client.vpn);
  const bridges = lanNetworkApps(host);
  const outbound = [
    ...links.map(
      (l) =>
        `    iifname "${lanBridge(l.client.name)}" ip daddr ${l.address} tcp dport ${l.port} accept comment "${l.client.name} to ${l.targetHost.name}/${l.target.name}"`,
    ),
    ...bridges.map((app) => `    iifname "${lanBridge(app)}" drop comment "${app}'s cross-host network: no other connection of its own"`),
  ];
  return { input, forward: [...outbound, ...served] };
}
