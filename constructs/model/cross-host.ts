import { createHash } from "node:crypto";
import { TUNNEL_BRIDGE } from "../config/machine";
import type { Problem } from "../config/problems";
import type { AppModel, HostModel } from "./host-model";

/**
 * Relations between apps on two hosts of one config: `talksTo: ["nas/jellyfin"]` on an app of
 * the media box. The target publishes its port on its host's LAN address; the target host's
 * firewall admits that port from the client host's LAN address only (Docker masquerades the
 * client's bridge, so the client host's address is what arrives). On the client host, no
 * container reaches the LAN except DNS and the declared relations (compose/host-scripts.ts): the
 * client's routed network carries a fixed bridge name (lanBridge) the firewall lets reach the
 * declared peer ports: its egress network when it has one (the default route, so the internet
 * still works), else a network of its own (`<app>-lan`) that reaches nothing else. A target
 * that has no routed network of its own (no egress) is published from such a network too,
 * whose bridge may answer but never open a connection. A VPN-routed client leaves through its
 * gateway: the gateway's kill switch lets exactly the peer addresses out besides the VPN
 * (gluetun's FIREWALL_OUTBOUND_SUBNETS, one /32 each; vpnOutboundSubnets) and the gateway's
 * egress bridge is admitted to those peer ports. `appUrl("nas/jellyfin")` resolves to
 * `http://<nas lanAddress>:<port>`.
 */
export interface CrossHostLink {
  readonly client: AppModel;
  readonly clientHost: HostModel;
  readonly target: AppModel;
  readonly targetHost: HostModel;
  /** The target host's LAN address: where the client connects. */
  readonly address: string;
  /** The port the target answers on at `address`: its LAN port when it has one, else its own port. */
  readonly port: number;
  /** The source address the target's firewall admits: the client host's LAN address. */
  readonly from: string;
}

/** `<host>/<app>`: a peer on another host. */
export function remotePeer(peer: string): { host: string; app: string } | undefined {
  const m = /^([^/]+)\/([^/]+)$/.exec(peer);
  return m ? { host: m[1] as string, app: m[2] as string } : undefined;
}

/** The peer's address as the client reaches it (undefined when the peer is not a valid target). */
export function remoteUrl(host: HostModel, peer: string): string | undefined {
  const link = linksOf(host).find((l) => `${l.targetHost.name}/${l.target.name}` === peer);
  return link ? `http://${link.address}:${link.port}` : undefined;
}

/** The fixed bridge name of an app's cross-host network (Linux allows 15 characters). */
export function lanBridge(app: string): string {
  const name = `lan-${app}`;
  return name.length <= 15 ? name : `lan-${createHash("sha256").update(app).digest("hex").slice(0, 11)}`;
}

/** Every valid cross-host link of every host of the config, clients' declaration order. */
export function crossHostLinks(hosts: readonly HostModel[]): CrossHostLink[] {
  return hosts.flatMap((h) => linksOf(h));
}

/** The links this host's apps open (as client). */
export function linksOf(host: HostModel): CrossHostLink[] {
  const links: CrossHostLink[] = [];
  for (const client of host.apps)
    for (const peer of client.props.talksTo ?? []) {
      const ref = remotePeer(peer);
      const targetHost = ref && ref.host !== host.name ? host.account.host(ref.host) : undefined;
      const target = targetHost?.app(ref?.app ?? "");
      const port = target?.exposure.lanPort ?? target?.port;
      if (!targetHost || !target || port === undefined || !targetHost.lanAddress || !host.lanAddress) continue;
      links.push({ client, clientHost: host, target, targetHost, address: targetHost.lanAddress, port, from: host.lanAddress });
    }
  return links;
}

/** The links into this host's apps (as target), from every other host of the config. */
export function linksInto(host: HostModel): CrossHostLink[] {
  return crossHostLinks(host.account.hosts).filter((l) => l.targetHost === host);
}

/** Ports this host publishes on its LAN address for other hosts only (targets without a LAN port of their own). */
export function crossHostPorts(host: HostModel): Array<{ app: string; port: number; from: readonly string[]; clients: readonly string[] }> {
  const byApp = new Map<string, { app: string; port: number; from: Set<string>; clients: Set<string> }>();
  for (const l of linksInto(host)) {
    if (l.target.exposure.lanPort !== undefined) continue; // already a LAN port, admitted from the whole LAN
    const entry = byApp.get(l.target.name) ?? { app: l.target.name, port: l.port, from: new Set(), clients: new Set() };
    entry.from.add(l.from);
    entry.clients.add(`${l.clientHost.name}/${l.client.name}`);
    byApp.set(l.target.name, entry);
  }
  return [...byApp.values()]
    .sort((a, b) => a.app.localeCompare(b.app))
    .map((e) => ({ app: e.app, port: e.port, from: [...e.from].sort(), clients: [...e.clients].sort() }));
}

/**
 * Apps of this host with a cross-host network `<app>-lan` (bridge lanBridge(app)): clients (not
 * host-network) without egress, and targets published for other hosts that have no routed
 * network otherwise. A client with egress leaves through its egress network (outboundBridges).
 */
export function lanNetworkApps(host: HostModel): string[] {
  const clients = linksOf(host)
    .map((l) => l.client)
    .filter((a) => !a.props.hostNetwork && !a.vpn && !a.needsOutside);
  const targets = crossHostPorts(host)
    .map((p) => host.app(p.app))
    .filter((a): a is AppModel => a !== undefined && !a.props.hostNetwork && !a.needsOutside);
  return [...new Set([...clients, ...targets].map((a) => a.name))].sort();
}

/**
 * The services whose egress network carries cross-host connections, with the fixed bridge name
 * it gets: a client with egress, and the VPN gateway of VPN-routed clients. (The tunnel
 * connector's egress bridge already has a fixed name of its own.)
 */
export function egressBridges(host: HostModel): Map<string, string> {
  const gateway = host.appWithRole("vpn-gateway");
  const out = new Map<string, string>();
  for (const l of linksOf(host)) {
    if (l.client.props.hostNetwork) continue;
    const endpoint = l.client.vpn ? gateway : l.client.needsOutside ? l.client : undefined;
    if (endpoint && endpoint.role?.kind !== "tunnel-connector") out.set(endpoint.name, lanBridge(endpoint.name));
  }
  return out;
}

/** The bridge a link's connections leave the client host through (undefined for host-network clients). */
export function outboundBridge(host: HostModel, link: CrossHostLink): string | undefined {
  if (link.client.props.hostNetwork) return undefined;
  const endpoint = link.client.vpn ? host.appWithRole("vpn-gateway") : link.client;
  if (endpoint === undefined) return undefined;
  // The tunnel connector's egress bridge has its fixed name already (the firewall's SSH rule reads it).
  if (endpoint.role?.kind === "tunnel-connector" && endpoint.needsOutside) return TUNNEL_BRIDGE;
  return egressBridges(host).get(endpoint.name) ?? lanBridge(endpoint.name);
}

/** The peer addresses VPN-routed clients of this host reach, as gluetun's FIREWALL_OUTBOUND_SUBNETS entries (/32 each). */
export function vpnOutboundSubnets(host: HostModel): string[] {
  return [...new Set(linksOf(host).flatMap((l) => (l.client.vpn ? [`${l.address}/32`] : [])))].sort();
}

/** Problems of this host's cross-host relations (run at synth, when every host's apps exist). */
export function crossHostProblems(host: HostModel): Problem[] {
  const problems: Problem[] = [];
  const hosts = host.account.hosts.filter((h) => h !== host).map((h) => h.name);
  for (const client of host.apps)
    for (const peer of client.props.talksTo ?? []) {
      const ref = remotePeer(peer);
      if (!ref) continue;
      const field = `${client.name}.talksTo`;
      const targetHost = ref.host === host.name ? undefined : host.account.host(ref.host);
      const target = targetHost?.app(ref.app);
      if (!targetHost)
        problems.push({
          field,
          value: peer,
          allowed: `<host>/<app> naming another host of this config (${hosts.join(", ") || "none declared"}); an app of this host is named without a host`,
        });
      else if (!target || target.port === undefined)
        problems.push({
          field,
          value: peer,
          allowed: `an app with a port on host ${ref.host}: ${targetHost.apps
            .filter((a) => a.port !== undefined)
            .map((a) => a.name)
            .join(", ")}`,
        });
      else if (target.vpn || target.role?.kind === "vpn-gateway")
        problems.push({
          field,
          value: peer,
          allowed: `an app that is not VPN-routed: ${ref.app} lives in ${ref.host}'s VPN gateway namespace, whose ports are not published on the LAN`,
        });
    }
  const taken = new Map(host.apps.flatMap((a) => (a.exposure.lanPort !== undefined ? [[a.exposure.lanPort, a.name] as const] : [])));
  for (const p of crossHostPorts(host)) {
    const other = taken.get(p.port);
    if (other !== undefined && other !== p.app)
      problems.push({
        field: `${p.app}.port`,
        value: p.port,
        allowed: `a port free on ${host.name}'s LAN address: ${p.clients.join(", ")} reach ${p.app} there, and ${other} publishes ${p.port} already (give ${p.app} a LAN port of its own: exposure lanPort)`,
      });
    else taken.set(p.port, p.app);
  }
  return problems;
}
