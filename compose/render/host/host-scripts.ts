import { TUNNEL_BRIDGE } from "../../../constructs/config/machine";
import { hasWireJob } from "../../../constructs/model/app-api";
import type { HostModel } from "../../../constructs/model/host-model";
import type { NetworkPlan } from "../../../constructs/model/network-plan";
import { hostNetworkPlan } from "../../../constructs/runtime/network";
import { wireStateDir } from "../project/wire-service";
import { generatedMarker } from "../render";
import { crossHostFirewall } from "./firewall-cross-host";

/**
 * What the host's files are made of, from the model: users and UIDs from the apps, directories
 * from their data and config, ports from their exposures, and the host's own firewall.
 */

/** Directory mode for the shared tree: everything the umask allows, plus setgid so new files keep the group. */
export function sharedDirMode(umask: string): string {
  return (0o2000 | (0o777 & ~Number.parseInt(umask, 8))).toString(8);
}

export interface HostUser {
  readonly name: string;
  readonly uid: number;
}

/** One unix user per app that runs as its own uid (identity "image" apps have none). */
export function appUsers(host: HostModel): HostUser[] {
  return host.apps.flatMap((a) =>
    a.props.uid !== undefined && (a.props.identity ?? "linuxserver") !== "image" ? [{ name: a.name, uid: a.props.uid }] : [],
  );
}

export interface HostDir {
  readonly path: string;
  readonly owner: string;
  readonly group: string;
  readonly mode: string;
}

/**
 * Every directory setup.sh owns: the /data tree (TRaSH layout: the machine's libraries, and each
 * app's library: its root folder under media/, its category under the download trees) and each
 * app's config dir. Parents come before children.
 */
export function hostDirs(host: HostModel): HostDir[] {
  const shared = sharedDirMode(host.umask);
  const g = host.groupName;
  const libraries = host.apps.flatMap((a) => (a.library ? [a.library] : []));
  const under = (top: string) =>
    new Set(
      [
        ...host.machine.libraries,
        ...libraries.map((l) => (top === "media" ? l.rootFolder.slice("/data/media/".length) : l.category)),
      ].flatMap((rel) => rel.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"))),
    );
  const data = [
    host.dataRoot,
    ...["torrents", ...(host.apps.some((a) => a.props.data === "usenet") ? ["usenet"] : []), "media"].flatMap((top) => [
      `${host.dataRoot}/${top}`,
      ...[...under(top)].map((l) => `${host.dataRoot}/${top}/${l}`),
    ]),
  ];
  const users = new Set(appUsers(host).map((u) => u.name));
  return [
    ...data.map((path) => ({ path, owner: "root", group: g, mode: shared })),
    { path: host.configRoot, owner: "root", group: g, mode: "750" },
    // The wire job's memory of what it wrote (fingerprints of secrets): root's only.
    ...(hasWireJob(host.apps) ? [{ path: wireStateDir(host), owner: "root", group: "root", mode: "700" }] : []),
    ...host.apps.flatMap((a) =>
      a.configDir ? [{ path: a.configDir, owner: users.has(a.name) ? a.name : "root", group: g, mode: "750" }] : [],
    ),
  ];
}

/** Declared LAN ports: the only ports any published container answers on, from the LAN only. */
export function lanPorts(host: HostModel): Array<{ app: string; port: number }> {
  return host.apps.flatMap((a) => (a.exposure.lanPort !== undefined ? [{ app: a.name, port: a.exposure.lanPort }] : []));
}

export const FIREWALL_TABLE = "servarr_host";
const DOCKER_IFACES = ["docker0", "br-*", TUNNEL_BRIDGE];
/** Every bridge a container can send from: Docker's own, the tunnel's, the cross-host ones (constructs/model/cross-host.ts lanBridge). */
const CONTAINER_IFACES = [...DOCKER_IFACES, "lan-*"];

/** The bridge SSH through the tunnel arrives on: the connector's own egress network, when there is one. */
export function tunnelBridge(host: HostModel, plan: NetworkPlan = hostNetworkPlan(host)): string | undefined {
  const connector = host.appWithRole("tunnel-connector");
  return connector && plan.networks.some((n) => n.name === `${connector.name}-egress`) ? TUNNEL_BRIDGE : undefined;
}

/** firewall.nft: the host's own nftables table, default deny inbound; setup.sh loads it. */
export function renderFirewall(host: HostModel, plan: NetworkPlan = hostNetworkPlan(host)): string {
  const m = host.machine;
  const lan = m.lanCidr;
  const ports = lanPorts(host);
  const bridge = tunnelBridge(host, plan);
  const cross = crossHostFirewall(host);
  const ssh = [
    ...(m.sshFrom === "lan" ? [`    ip saddr ${lan} tcp dport 22 accept comment "ssh from the LAN"`] : []),
    ...(bridge ? [`    iifname "${bridge}" tcp dport 22 accept comment "ssh through the tunnel: cloudflared's own network only"`] : []),
  ];
  return `#!/usr/sbin/nft -f
${generatedMarker("#")}
# The host's own firewall: default deny inbound. Only the table ${FIREWALL_TABLE} is replaced on
# reload (no "flush ruleset"), so Docker's tables survive. Published container ports are DNATed
# before the input hook and never reach it (the Docker-bypasses-the-firewall trap): the forward
# chain below admits DNATed connections only to declared LAN ports and only from the LAN.
# SSH is admitted from the LAN (sshFrom "lan") and from the tunnel connector's bridge, never
# from other containers. Containers reach the LAN only for DNS and through declared cross-host
# relations (other hosts' SSH, the router's admin page and the NAS are not theirs to reach). ICMP: errors of tracked connections arrive as "related"; besides
# those only ping from the LAN (rate-limited) and IPv6 neighbour discovery on the link.
table inet ${FIREWALL_TABLE}
delete table inet ${FIREWALL_TABLE}

table inet ${FIREWALL_TABLE} {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    ip saddr ${lan} icmp type echo-request limit rate 10/second accept comment "ping from the LAN"
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept comment "IPv6 neighbour discovery"
    udp sport 67 udp dport 68 accept comment "DHCPv4 client"
    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept comment "DHCPv6 client"
${[...ssh, ...ports.map((p) => `    ip saddr ${lan} tcp dport ${p.port} accept comment "${p.app} LAN port"`), ...cross.input].join("\n")}
  }

  chain forward {
    type filter hook forward priority filter; policy accept;
    ct state established,related accept
${cross.forward.map((l) => `${l}\n`).join("")}${DOCKER_IFACES.map((i) => `    ct status dnat iifname "${i}" accept comment "containers reaching a published port"`).join("\n")}
${ports.map((p) => `    ct status dnat ip saddr ${lan} meta l4proto tcp ct original proto-dst ${p.port} accept comment "${p.app} LAN port"`).join("\n")}
    ct status dnat drop comment "published ports nobody declared, or from outside the LAN"
${CONTAINER_IFACES.flatMap((i) => [
  `    iifname "${i}" ip daddr ${lan} meta l4proto { tcp, udp } th dport 53 accept comment "containers' DNS through the LAN's resolver"`,
  `    iifname "${i}" ip daddr ${lan} drop comment "containers reach the LAN only through declared cross-host relations"`,
]).join("\n")}
  }
}
`;
}
