/**
 * Network segmentation derived from who talks to whom; nobody writes a network name.
 *
 * - Two services share a network only when one declares it talks to the other (directly, or
 *   implicitly: the tunnel connector talks to every app it exposes, the monitor to every app).
 * - A VPN-routed service has no network of its own: it lives in the gateway's namespace, so a
 *   relation with it is a relation with the gateway (its "endpoint").
 * - Peer networks are the maximal cliques of the relation graph: every two members of a peer
 *   network are related, and every related pair shares at least one network. They are all
 *   `internal: true` (no route out).
 * - A service that needs the internet (or publishes a LAN port, which needs a routed bridge)
 *   gets one more network of its own, `<name>-egress`, with no other member: egress never
 *   makes two services neighbours.
 */

export interface NetworkNode {
  /** Compose service name. */
  readonly name: string;
  /** Services this one opens connections to. */
  readonly talksTo: readonly string[];
  /** Needs a routed (non-internal) network: internet access or a published LAN port. */
  readonly outside: boolean;
  /**
   * The service this one goes through, and how: "namespace" for VPN-routed apps (they live in
   * the gateway's network namespace and have no networks of their own), "egress" for helper
   * jobs of one app (e.g. Kopia's setup jobs), which join only that app's egress network.
   * @default none
   */
  readonly via?: { readonly service: string; readonly mode: "namespace" | "egress" };
  /**
   * Talks to an app on another host (constructs/model/cross-host.ts): one more routed network of its
   * own, `<name>-lan`, whose bridge the host's firewall lets reach only the declared peer ports.
   * @default false
   */
  readonly crossHost?: boolean;
}

export type NetworkPurpose = "peers" | "egress" | "lan";

export interface PlannedNetwork {
  /** Compose network key (the project name is prefixed by Compose). */
  readonly name: string;
  /** Endpoint services attached to it, sorted. */
  readonly members: readonly string[];
  readonly internal: boolean;
  readonly purpose: NetworkPurpose;
}

export class NetworkPlan {
  readonly networks: readonly PlannedNetwork[];
  private readonly nodes: ReadonlyMap<string, NetworkNode>;
  private readonly edges: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(nodes: readonly NetworkNode[]) {
    this.nodes = new Map(nodes.map((n) => [n.name, n]));
    const edges = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      if (a === b) return;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const set = edges.get(x) ?? new Set<string>();
        set.add(y);
        edges.set(x, set);
      }
    };
    for (const node of nodes) {
      if (node.via?.mode === "egress") link(node.name, node.via.service);
      for (const peer of node.talksTo) if (this.nodes.has(peer)) link(this.endpoint(node.name), this.endpoint(peer));
    }
    this.edges = edges;

    // Helper jobs reach the internet through the app they help; they are nobody's peer.
    const helpers = new Map<string, string[]>();
    for (const n of nodes) if (n.via?.mode === "egress") helpers.set(n.via.service, [...(helpers.get(n.via.service) ?? []), n.name]);
    const peerEdges = new Map([...edges].filter(([v]) => this.nodes.get(v)?.via?.mode !== "egress"));
    for (const [v, set] of peerEdges) peerEdges.set(v, new Set([...set].filter((w) => this.nodes.get(w)?.via?.mode !== "egress")));
    const peers: PlannedNetwork[] = maximalCliques(peerEdges).map((members) => ({
      name: members.join("_"),
      members,
      internal: true,
      purpose: "peers",
    }));
    const egress: PlannedNetwork[] = [...new Set(nodes.filter((n) => n.outside).map((n) => this.endpoint(n.name)))].map((name) => ({
      name: `${name}-egress`,
      members: [name, ...(helpers.get(name) ?? [])].sort(),
      internal: false,
      purpose: "egress",
    }));
    const lan: PlannedNetwork[] = nodes
      .filter((n) => n.crossHost && n.via?.mode !== "namespace")
      .map((n) => ({ name: `${n.name}-lan`, members: [n.name], internal: false, purpose: "lan" }));
    this.networks = [...peers, ...egress, ...lan].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The service whose network namespace a service uses: its VPN gateway, or itself. */
  endpoint(service: string): string {
    const via = this.nodes.get(service)?.via;
    return via?.mode === "namespace" ? via.service : service;
  }

  /** Every service of the plan (apps, support services, helper jobs), sorted. */
  services(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** Names of the networks a service joins (none for VPN-routed services: they use the gateway's namespace). */
  networksOf(service: string): string[] {
    if (this.nodes.get(service)?.via?.mode === "namespace") return [];
    return this.networks.filter((n) => n.members.includes(service)).map((n) => n.name);
  }

  /** Whether two services were declared to talk (either direction, through endpoints; a helper with the app it helps). */
  related(a: string, b: string): boolean {
    const ea = this.endpoint(a);
    const eb = this.endpoint(b);
    const helped = (s: string) => (this.nodes.get(s)?.via?.mode === "egress" ? this.nodes.get(s)?.via?.service : undefined);
    if (helped(a) !== undefined && helped(a) === helped(b)) return true; // helpers of one app share its egress network
    return ea === eb || (this.edges.get(ea)?.has(eb) ?? false);
  }

  /**
   * Whether `a` can open a connection to `b` on the rendered networks: they share a network
   * namespace or at least one network. Derived from the networks, not from talksTo, so a test
   * can compare it with `related` and the stand-in e2e with the real engine.
   */
  canReach(a: string, b: string): boolean {
    const ea = this.endpoint(a);
    const eb = this.endpoint(b);
    if (ea === eb) return true;
    return this.networks.some((n) => n.members.includes(ea) && n.members.includes(eb));
  }

  /** Every related pair of endpoints, each once (sorted), as the plan derived it from talksTo. */
  relations(): Array<readonly [string, string]> {
    const pairs: Array<readonly [string, string]> = [];
    for (const [a, set] of this.edges) for (const b of set) if (a < b) pairs.push([a, b]);
    return pairs.sort((x, y) => `${x[0]} ${x[1]}`.localeCompare(`${y[0]} ${y[1]}`));
  }

  /** Whether the service has a routed network (internet access) of its own or through its endpoint; a cross-host "lan" network reaches only its peers. */
  hasEgress(service: string): boolean {
    const e = this.endpoint(service);
    return this.networks.some((n) => !n.internal && n.purpose !== "lan" && n.members.includes(e));
  }
}

/** Bron–Kerbosch with pivoting over a small graph; deterministic (sorted) output. */
function maximalCliques(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const out: string[][] = [];
  const neighbours = (v: string) => edges.get(v) ?? new Set<string>();
  const visit = (r: string[], p: Set<string>, x: Set<string>) => {
    if (p.size === 0 && x.size === 0) {
      if (r.length >= 2) out.push([...r].sort());
      return;
    }
    const candidates = [...p, ...x].sort();
    let pivot = candidates[0] as string;
    for (const u of candidates) if (count(p, neighbours(u)) > count(p, neighbours(pivot))) pivot = u;
    for (const v of [...p].filter((v) => !neighbours(pivot).has(v)).sort()) {
      visit([...r, v], intersect(p, neighbours(v)), intersect(x, neighbours(v)));
      p.delete(v);
      x.add(v);
    }
  };
  visit([], new Set([...edges.keys()].sort()), new Set());
  return out.sort((a, b) => a.join("_").localeCompare(b.join("_")));
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((v) => b.has(v)));
}

function count(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const v of a) if (b.has(v)) n++;
  return n;
}
