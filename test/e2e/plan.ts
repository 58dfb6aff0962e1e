import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ComposeFile, ComposeService } from "../../compose/render/project/compose-spec";
import type { Host } from "../../constructs/host/host";
import type { TerraformJson } from "../../delivery/stacks";

/**
 * What the e2e run expects, derived from the model (the Host and its apps) and the synthesized
 * files: nothing here names an app or a port.
 *
 * A "position" is a network namespace: a service's own, or the VPN gateway's, which every
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
  /** The model gives it a routed network (internet access). */
  readonly egress: boolean;
}

/** One declared relation, one way: `from` (a position) must reach `app` (in position `to`) at `url`. */
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
  /** The model's apps (the other services are support services and jobs). */
  readonly apps: readonly string[];
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

const URL_IN_TEXT = /https?:\/\/([\w.-]+):(\d+)(\/[^\s"'?#;,)}\]]*)?/g;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** URLs in a service's healthcheck command: [url, host, port, path]. */
export function healthcheckUrls(service: ComposeService): RegExpMatchArray[] {
  return [...(service.healthcheck?.test ?? []).join(" ").matchAll(URL_IN_TEXT)];
}

/** Ports a service's healthcheck probes in its own namespace (localhost). */
export function localProbePorts(service: ComposeService): number[] {
  return healthcheckUrls(service)
    .filter((m) => LOCAL_HOSTS.has(m[1]))
    .map((m) => Number(m[2]));
}

/** Services that run for good: not behind a profile, not a one-shot job another service waits for. */
export function longRunning(compose: ComposeFile): string[] {
  const oneShot = new Set(
    Object.values(compose.services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === "service_completed_successfully")
        .map(([n]) => n),
    ),
  );
  return Object.entries(compose.services)
    .filter(([name, s]) => !oneShot.has(name) && !(Array.isArray(s.profiles) && s.profiles.length > 0))
    .map(([name]) => name)
    .sort();
}

/**
 * The expectations. Relations and egress come from the model's network plan
 * (`host.networkPlan()`: `related` is derived from talksTo and the implicit edges of the
 * connector, the monitor and the restarter; `hasEgress` from the apps' needs), never from the
 * rendered networks, so the engine is compared with the model. An app's ports are its declared
 * port; a support service's are the ports its healthcheck probes on localhost.
 */
export function buildPlan(host: Host, compose: ComposeFile, terraform: TerraformJson): Plan {
  const networkPlan = host.networkPlan();
  const gateway = host.appWithRole("vpn-gateway");
  const connector = host.appWithRole("tunnel-connector");
  const services = longRunning(compose);
  const positionOf = new Map(services.map((s) => [s, networkPlan.endpoint(s)]));
  const positions = new Map<string, Position>();
  for (const service of services) {
    const owner = positionOf.get(service) ?? service;
    const position = positions.get(owner) ?? {
      service: owner,
      apps: [],
      ports: new Map<number, string>(),
      egress: networkPlan.hasEgress(owner),
    };
    (position.apps as string[]).push(service);
    const app = host.app(service);
    const ports = app ? (app.port === undefined ? [] : [app.port]) : localProbePorts(compose.services[service]);
    for (const port of ports) (position.ports as Map<number, string>).set(port, service);
    positions.set(owner, position);
  }
  for (const position of positions.values())
    (position.apps as string[]).sort((a, b) => (a === position.service ? -1 : b === position.service ? 1 : a.localeCompare(b)));

  const names = [...positions.keys()].sort();
  const relations: Relation[] = [];
  const isolatedPairs: [string, string][] = [];
  for (const [i, p] of names.entries()) {
    for (const q of names.slice(i + 1)) {
      if (!networkPlan.related(p, q)) {
        isolatedPairs.push([p, q]);
        continue;
      }
      // A shared network works both ways: each side must answer the other on every port.
      for (const [from, to] of [
        [p, q],
        [q, p],
      ])
        for (const [port, app] of positions.get(to)?.ports ?? []) relations.push({ from, app, to, url: `http://${to}:${port}` });
    }
  }

  return {
    project: compose.name,
    positions,
    positionOf,
    relations,
    isolatedPairs,
    gateway: gateway?.name,
    vpnApps: host.apps.filter((a) => a.vpn).map((a) => a.name),
    apps: host.apps.map((a) => a.name),
    connector: connector?.name,
    ingress: ingressOrigins(terraform),
  };
}
