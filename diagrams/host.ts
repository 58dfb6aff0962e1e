import type { ComposeFile } from "../compose/render/project/compose-spec";
import type { Host } from "../constructs/host/host";
import { linksInto, linksOf } from "../constructs/model/cross-host";
import { label, nodeId } from "./mermaid";

const svc = (name: string) => nodeId("s", name);

/**
 * One host as a Mermaid flowchart: every service of its compose project, the VPN gateway's
 * namespace as a box (its apps have no networks of their own), a line per declared relation
 * (the two share an `internal: true` network, from the network plan), an arrow to the internet
 * per egress network, the LAN ports and cross-host relations, and the host directories the
 * services mount (from compose.yaml as rendered: what the engine will bind).
 */
export function hostDiagram(host: Host, compose: ComposeFile): string[] {
  const plan = host.networkPlan();
  const gateway = host.appWithRole("vpn-gateway");
  const vpnApps = new Set(host.apps.filter((a) => a.vpn).map((a) => a.name));
  const services = Object.keys(compose.services).sort();
  const lines = ["flowchart LR", "  internet((internet))"];
  const lanPorts = host.apps.filter((a) => a.exposure.lanPort !== undefined);
  const remote = [...linksOf(host), ...linksInto(host)];
  if (lanPorts.length > 0 || remote.length > 0) lines.push(`  lan((${host.lanAddress ? "LAN" : "every interface"}))`);
  if (gateway) {
    lines.push(`  subgraph ${nodeId("ns", gateway.name)} [${label(`${gateway.name} namespace: VPN only`)}]`);
    for (const name of [gateway.name, ...vpnApps]) lines.push(`    ${svc(name)}[${label(name)}]`);
    lines.push("  end");
  }
  for (const name of services) if (name !== gateway?.name && !vpnApps.has(name)) lines.push(`  ${svc(name)}[${label(name)}]`);
  for (const [a, b] of plan.relations()) lines.push(`  ${svc(a)} --- ${svc(b)}`);
  for (const n of plan.networks.filter((n) => !n.internal && n.purpose !== "lan")) {
    const owner = n.members.find((m) => `${m}-egress` === n.name) ?? n.members[0];
    lines.push(`  ${svc(owner as string)} ${owner === gateway?.name ? "-->|WireGuard|" : "-.->"} internet`);
  }
  for (const app of lanPorts) lines.push(`  lan -->|${label(`${host.lanBind}${app.exposure.lanPort}`)}| ${svc(app.name)}`);
  // Relations with apps on other hosts, over the LAN (constructs/cross-host.ts).
  const far = (h: string, app: string) => `${nodeId("h", `${h}/${app}`)}[/${label(`${h}/${app}`)}/]`;
  for (const l of linksOf(host)) lines.push(`  ${svc(l.client.name)} ==>|LAN| ${far(l.targetHost.name, l.target.name)}`);
  for (const l of linksInto(host)) lines.push(`  ${far(l.clientHost.name, l.client.name)} ==>|LAN| ${svc(l.target.name)}`);
  lines.push(...storage(host, compose));
  return lines;
}

/**
 * The host directories and files the services bind: each app's own config dir is one node for
 * all (every app has its own under configRoot); a service that mounts other apps' config dirs
 * (the backup app, read-only) is drawn to it once; every other source is a node of its own.
 * Bundle files (`./…`) are configuration, not storage, and are left out.
 */
function storage(host: Host, compose: ComposeFile): string[] {
  const configs = `${host.configRoot}/`;
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  const node = (source: string, text: string) => {
    if (!nodes.has(source)) nodes.set(source, `    ${nodeId("v", String(nodes.size))}[(${label(text)})]`);
    return nodeId("v", String([...nodes.keys()].indexOf(source)));
  };
  for (const [name, service] of Object.entries(compose.services).sort(([a], [b]) => a.localeCompare(b)))
    for (const volume of service.volumes ?? []) {
      const [source = "", , mode] = volume.split(":");
      if (source.startsWith("./")) continue;
      const arrow = mode === "ro" ? "-.->|read-only|" : "-->";
      if (!source.startsWith(configs)) edges.add(`  ${svc(name)} ${arrow} ${node(source, source)}`);
      else if (source !== `${configs}${name}` && !source.startsWith(`${configs}${name}/`))
        edges.add(`  ${svc(name)} ${arrow} ${node(configs, `${configs}<app>: each app's own config dir`)}`);
      else node(configs, `${configs}<app>: each app's own config dir`);
    }
  if (nodes.size === 0) return [];
  return [`  subgraph disk [${label(`directories of ${host.name}`)}]`, ...nodes.values(), "  end", ...edges];
}
