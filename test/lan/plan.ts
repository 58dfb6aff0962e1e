import { readFileSync } from "node:fs";

/**
 * What the LAN run proves, as data: the hosts on one LAN (each with its generated bundle) and
 * the declared cross-host relations. Derived from the model (`lanPlanFromModel`) or read from
 * a file (`--plan`), so the harness never names an app or a port itself.
 */
export interface LanHost {
  /** The host's name in the model (its bundle directory's name). */
  readonly name: string;
  /** The address the host has on the LAN (the model's lanAddress). */
  readonly lanAddress: string;
  /** Directory of the host's generated bundle: compose.yaml, firewall.nft. */
  readonly bundle: string;
}

export interface Endpoint {
  readonly host: string;
  readonly service: string;
}

/** One declared cross-host relation: `from` must get an HTTP answer at http://`to.address`:`to.port``to.path`. */
export interface CrossHostRelation {
  readonly from: Endpoint;
  /** `address` is where the client is told to connect: it must be the target host's lanAddress. */
  readonly to: Endpoint & { readonly address: string; readonly port: number; readonly path: string };
}

export interface LanPlan {
  /** Where the plan came from (printed with the figures). */
  readonly source: string;
  /** The LAN every host sits on (the model's machine.lanCidr). */
  readonly lanCidr: string;
  readonly hosts: readonly LanHost[];
  readonly relations: readonly CrossHostRelation[];
  /**
   * Clients the model confines to their declared peers on the LAN: from their containers any
   * other LAN destination must be refused by their own host's firewall.
   */
  readonly confined: readonly Endpoint[];
  /**
   * Relations nobody declared: an app on a client host that does not talk to the target (but
   * has a way out) must get no answer from it. The target's firewall sees the client host's
   * address either way, so this refusal is the client host's to make.
   */
  readonly undeclared: readonly CrossHostRelation[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipToInt(address: string): number {
  const m = IPV4.exec(address);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return m.slice(1).reduce((n, o) => n * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [address, bits] = cidr.split("/");
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`lanCidr: a CIDR with a prefix from /8 to /30, not ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { base: ipToInt(address ?? "") - (ipToInt(address ?? "") % size), prefix };
}

export function inCidr(address: string, cidr: string): boolean {
  const { base, prefix } = parseCidr(cidr);
  const n = ipToInt(address);
  return n >= base && n < base + 2 ** (32 - prefix);
}

/** A LAN address no host of the plan has (the highest free one below broadcast): the stranger's. */
export function strangerAddress(plan: Pick<LanPlan, "lanCidr" | "hosts">): string {
  const { base, prefix } = parseCidr(plan.lanCidr);
  const taken = new Set(plan.hosts.map((h) => h.lanAddress));
  for (let n = base + 2 ** (32 - prefix) - 2; n > base; n--) if (!taken.has(intToIp(n))) return intToIp(n);
  throw new Error(`no free address in ${plan.lanCidr}`);
}

/** Every rule the harness relies on, as a list of problems (empty: the plan is usable). */
export function planProblems(plan: LanPlan): string[] {
  const problems: string[] = [];
  try {
    parseCidr(plan.lanCidr);
  } catch (error) {
    return [String(error instanceof Error ? error.message : error)];
  }
  const names = new Set<string>();
  for (const host of plan.hosts) {
    if (!/^[a-z][a-z0-9-]{0,20}$/.test(host.name)) problems.push(`hosts: ${JSON.stringify(host.name)} is not a short DNS label`);
    if (names.has(host.name)) problems.push(`hosts: ${host.name} twice`);
    names.add(host.name);
    if (!IPV4.test(host.lanAddress) || !inCidr(host.lanAddress, plan.lanCidr))
      problems.push(`hosts.${host.name}.lanAddress: ${host.lanAddress} is not inside ${plan.lanCidr}`);
  }
  if (new Set(plan.hosts.map((h) => h.lanAddress)).size !== plan.hosts.length) problems.push("hosts: two hosts share a lanAddress");
  if (plan.hosts.length < 2) problems.push(`hosts: at least two, found ${plan.hosts.length}`);
  if (plan.relations.length === 0) problems.push("relations: no cross-host relation to prove");
  for (const r of plan.relations) {
    const where = `relation ${r.from.host}/${r.from.service} -> ${r.to.host}/${r.to.service}`;
    if (!names.has(r.from.host) || !names.has(r.to.host)) problems.push(`${where}: unknown host`);
    const target = plan.hosts.find((h) => h.name === r.to.host);
    if (target && r.to.address !== target.lanAddress)
      problems.push(`${where}: the client is handed ${r.to.address}, not ${r.to.host}'s lanAddress ${target.lanAddress}`);
    if (r.from.host === r.to.host) problems.push(`${where}: not cross-host`);
    if (!Number.isInteger(r.to.port) || r.to.port < 1 || r.to.port > 65535) problems.push(`${where}: port ${r.to.port}`);
    if (!r.to.path.startsWith("/")) problems.push(`${where}: path ${r.to.path} does not start with /`);
  }
  for (const u of plan.undeclared)
    if (
      plan.relations.some(
        (r) => r.from.host === u.from.host && r.from.service === u.from.service && r.to.service === u.to.service && r.to.host === u.to.host,
      )
    )
      problems.push(`undeclared ${u.from.host}/${u.from.service} -> ${u.to.host}/${u.to.service}: declared as a relation`);
  for (const c of plan.confined)
    if (!plan.relations.some((r) => r.from.host === c.host && r.from.service === c.service))
      problems.push(`confined ${c.host}/${c.service}: no relation starts there`);
  return problems;
}

export function readLanPlan(file: string): LanPlan {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Partial<LanPlan>;
  const plan: LanPlan = {
    source: raw.source ?? file,
    lanCidr: raw.lanCidr ?? "",
    hosts: raw.hosts ?? [],
    relations: raw.relations ?? [],
    confined: raw.confined ?? [],
    undeclared: raw.undeclared ?? [],
  };
  const problems = planProblems(plan);
  if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`);
  return plan;
}

/** The namespace, engine state directory and LAN leg of each participant of one run (one place for the names). */
export function topology(plan: LanPlan, id: string) {
  const prefix = parseCidr(plan.lanCidr).prefix;
  return {
    lan: `servarr-${id}-lan`,
    stranger: { netns: `servarr-${id}-stranger`, address: strangerAddress(plan), prefix },
    hosts: plan.hosts.map((h) => ({
      ...h,
      netns: `servarr-${id}-${h.name}`,
      state: `/tmp/dockerd-${id}-${h.name}`,
      socket: `/tmp/dockerd-${id}-${h.name}/docker.sock`,
      prefix,
    })),
  };
}
