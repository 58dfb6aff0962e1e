import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ComposeFile } from "../../compose/compose-spec";
import type { Host } from "../../constructs/host";
import type { ServarrApp } from "../../constructs/servarr-app";
import type { TerraformJson } from "../../stacks/synth";

/**
 * What the e2e run expects, derived from the model (the Host and its apps) and the synthesized
 * files: nothing here names an app or a port.
 *
 * A "position" is a network namespace: an app's own, or the VPN gateway's, which every
 * VPN-routed app joins. Reachability is a property of positions, so isolation is checked
 * between positions.
 */
export interface Position {
  /** The compose service whose container owns the namespace. */
  readonly service: string;
  /** Apps living in it (the owner first). */
  readonly apps: readonly string[];
  /** Declared ports answering in it, with the app serving each. */
  readonly ports: ReadonlyMap<number, string>;
}

/** One declared connection: `from` (a position) must reach `app` at `url`. */
export interface Relation {
  readonly from: string;
  readonly app: string;
  readonly to: string;
  readonly url: string;
}

export interface Plan {
  readonly project: string;
  readonly positions: ReadonlyMap<string, Position>;
  /** Position of every app. */
  readonly positionOf: ReadonlyMap<string, string>;
  readonly relations: readonly Relation[];
  /** Unordered pairs of positions that must not reach each other. */
  readonly isolatedPairs: readonly (readonly [string, string])[];
  readonly gateway?: string;
  readonly vpnApps: readonly string[];
  readonly connector?: string;
  /** Ingress origins of the synthesized tunnel config, in rule order, without the catch-all. */
  readonly ingress: readonly string[];
}

export function readCompose(file: string): ComposeFile {
  return parse(readFileSync(file, "utf8")) as ComposeFile;
}

export function readTerraform(file: string): TerraformJson {
  return JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
}

/** Service URLs of the synthesized tunnel config (cloudflare_zero_trust_tunnel_cloudflared_config). */
export function ingressOrigins(json: TerraformJson): string[] {
  const configs = Object.values(json.resource?.cloudflare_zero_trust_tunnel_cloudflared_config ?? {}) as {
    config: { ingress: { service: string }[] };
  }[];
  if (configs.length !== 1) throw new Error(`expected one tunnel config in the synthesized stack, found ${configs.length}`);
  return configs[0].config.ingress.map((r) => r.service).filter((s) => /^https?:\/\//.test(s));
}

/** Does the model declare that `a` opens connections to `b`? */
function declares(a: ServarrApp, b: ServarrApp): boolean {
  if ((a.props.talksTo ?? []).includes(b.name)) return true;
  // The tunnel connector forwards every edge hostname to its app.
  return a.props.role === "tunnel-connector" && b.routes.length > 0;
}

export function buildPlan(host: Host, compose: ComposeFile, terraform: TerraformJson): Plan {
  const gateway = host.appWithRole("vpn-gateway");
  const connector = host.appWithRole("tunnel-connector");
  const positionOf = new Map(host.apps.map((a) => [a.name, a.vpn && gateway ? gateway.name : a.name]));
  const positions = new Map<string, Position>();
  for (const app of host.apps) {
    const service = positionOf.get(app.name) ?? app.name;
    const position = positions.get(service) ?? { service, apps: [], ports: new Map<number, string>() };
    (position.apps as string[]).push(app.name);
    if (app.port !== undefined) (position.ports as Map<number, string>).set(app.port, app.name);
    positions.set(service, position);
  }
  for (const position of positions.values())
    (position.apps as string[]).sort((a, b) => (a === position.service ? -1 : b === position.service ? 1 : 0));

  const relations: Relation[] = [];
  const related = new Set<string>();
  const key = (p: string, q: string) => [p, q].sort().join("|");
  for (const a of host.apps) {
    for (const b of host.apps) {
      if (a === b || !declares(a, b)) continue;
      const from = positionOf.get(a.name) ?? a.name;
      const to = positionOf.get(b.name) ?? b.name;
      if (from === to) continue; // one namespace: nothing between them to segment
      related.add(key(from, to));
      if (b.port !== undefined) relations.push({ from, app: b.name, to, url: b.originUrl });
    }
  }
  const names = [...positions.keys()].sort();
  const isolatedPairs = names.flatMap((p, i) =>
    names
      .slice(i + 1)
      .filter((q) => !related.has(key(p, q)))
      .map((q) => [p, q] as const),
  );

  return {
    project: compose.name,
    positions,
    positionOf,
    relations,
    isolatedPairs,
    gateway: gateway?.name,
    vpnApps: host.apps.filter((a) => a.vpn).map((a) => a.name),
    connector: connector?.name,
    ingress: ingressOrigins(terraform),
  };
}
