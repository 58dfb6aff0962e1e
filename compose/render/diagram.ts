import { linksInto, linksOf } from "../../constructs/model/cross-host";
import type { HostModel } from "../../constructs/model/host-model";
import type { NetworkPlan } from "../../constructs/model/network-plan";
import { hostNetworkPlan } from "../../constructs/runtime/network";
import { generatedMarker } from "./render";

/**
 * The host's network zones as a Mermaid flowchart, derived from the network plan: one line per
 * declared relation (a shared internal network), a dotted arrow to the internet per egress
 * network, and the VPN gateway's namespace as one box (its apps have no networks of their own).
 */
export function networkDiagram(host: HostModel, plan: NetworkPlan = hostNetworkPlan(host)): string {
  const gateway = host.appWithRole("vpn-gateway");
  const id = (name: string) => name.replaceAll("-", "_");
  const lines = ["flowchart LR", "  internet((internet))"];
  if (gateway) {
    const members = host.apps.filter((a) => a.vpn).map((a) => a.name);
    lines.push(`  subgraph ns_${id(gateway.name)} [${gateway.name} namespace: VPN only]`);
    for (const name of [gateway.name, ...members]) lines.push(`    ${id(name)}[${name}]`);
    lines.push("  end");
  }
  for (const [a, b] of plan.relations()) lines.push(`  ${id(a)} --- ${id(b)}`);
  for (const n of plan.networks.filter((n) => !n.internal && n.purpose !== "lan")) {
    const owner = n.members.find((m) => `${m}-egress` === n.name) ?? n.members[0];
    const label = owner === gateway?.name ? "-- WireGuard -->" : "-.->";
    lines.push(`  ${id(owner as string)} ${label} internet`);
  }
  // Relations with apps on other hosts, over the LAN (constructs/model/cross-host.ts).
  const remote = (h: string, app: string) => `${id(h)}__${id(app)}[/${h}/${app}/]`;
  for (const l of linksOf(host)) lines.push(`  ${id(l.client.name)} == LAN ==> ${remote(l.targetHost.name, l.target.name)}`);
  for (const l of linksInto(host)) lines.push(`  ${remote(l.clientHost.name, l.client.name)} == LAN ==> ${id(l.target.name)}`);
  return lines.join("\n");
}

/** networks.md in the bundle: the diagram with a short legend. */
export function renderNetworksMarkdown(host: HostModel, plan: NetworkPlan = hostNetworkPlan(host)): string {
  return [
    generatedMarker("<!--").concat(" -->"),
    `# Network zones of ${host.name}`,
    "",
    "A line is a declared relation (`talksTo`, the tunnel connector's exposed apps, the monitor's every app):",
    "the two services share an `internal: true` network (Kopia's setup jobs share only Kopia's egress network).",
    `A dotted arrow is a service's own egress network${linksOf(host).length + linksInto(host).length > 0 ? "; a LAN arrow a relation with an app on another host" : ""}.`,
    `Services with no line between them share no network. ${plan.networks.length} networks in all.`,
    "",
    "```mermaid",
    networkDiagram(host, plan),
    "```",
    "",
  ].join("\n");
}
