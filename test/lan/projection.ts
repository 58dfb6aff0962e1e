import type { ComposeFile, ComposeService } from "../../compose/render/project/compose-spec";
import { localProbePorts, type Position } from "../e2e/plan";
import { type StandInOptions, type StandInProject, standInProject } from "../e2e/standin";

/** A published port of the generated file: `address:hostPort:containerPort` (or without the address). */
export interface Published {
  readonly service: string;
  readonly address?: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

export function publishedPorts(compose: ComposeFile): Published[] {
  return Object.entries(compose.services).flatMap(([service, s]) =>
    (s.ports ?? []).map((spec) => {
      const parts = spec.replace(/\/tcp$/, "").split(":");
      const [containerPort, hostPort, address] = [...parts].reverse();
      if (parts.length < 2 || parts.length > 3) throw new Error(`${service}: ports entry ${spec} is not [address:]hostPort:containerPort`);
      return { service, address, hostPort: Number(hostPort), containerPort: Number(containerPort) };
    }),
  );
}

const owner = (s: ComposeService | undefined) =>
  typeof s?.network_mode === "string" && s.network_mode.startsWith("service:") ? s.network_mode.slice("service:".length) : undefined;

const networkNames = (s: ComposeService) => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {}));
const secretNames = (s: ComposeService) => (s.secrets ?? []).map((x) => (typeof x === "string" ? x : x.source));

/**
 * The part of a host's generated project the LAN run needs: the named services plus the
 * services whose network namespace they join, exactly as generated (networks with their bridge
 * names, published ports, network_mode, users, limits, healthchecks), `depends_on` trimmed to
 * what is kept; the networks, secrets and configs they reference, nothing else.
 */
export function projectCompose(generated: ComposeFile, wanted: readonly string[]): ComposeFile {
  const keep = new Set<string>();
  const add = (name: string) => {
    if (keep.has(name)) return;
    if (!generated.services[name]) throw new Error(`${generated.name}: no service ${name} in the generated compose file`);
    keep.add(name);
    const o = owner(generated.services[name]);
    if (o) add(o);
  };
  for (const name of wanted) add(name);
  const services: Record<string, ComposeService> = {};
  for (const name of [...keep].sort()) {
    const s = generated.services[name] as ComposeService;
    const depends = Object.entries(s.depends_on ?? {}).filter(([d]) => keep.has(d));
    const { depends_on: _, ...rest } = s;
    services[name] = { ...rest, ...(depends.length > 0 ? { depends_on: Object.fromEntries(depends) } : {}) };
  }
  const used = (pick: (s: ComposeService) => readonly string[]) => new Set(Object.values(services).flatMap(pick));
  const nets = used(networkNames);
  const secrets = used(secretNames);
  const configs = used((s) => ((s.configs as { source: string }[] | undefined) ?? []).map((c) => c.source));
  const only = <T>(all: Record<string, T> | undefined, names: Set<string>) =>
    all ? Object.fromEntries(Object.entries(all).filter(([n]) => names.has(n))) : undefined;
  return {
    name: generated.name,
    services,
    ...(generated.networks ? { networks: only(generated.networks, nets) } : {}),
    ...(generated.secrets ? { secrets: only(generated.secrets, secrets) } : {}),
    ...(generated.configs ? { configs: only(generated.configs, configs) } : {}),
  };
}

/**
 * The projection with stand-ins (test/e2e/standin.ts): each service's httpd serves the ports
 * its healthcheck probes on localhost; a published container port nobody probes is served by
 * the service that publishes it. Services in another's namespace serve there (an app behind
 * the VPN gateway answers on the gateway's published port, as the real app would).
 */
export function standInProjection(projected: ComposeFile, options: StandInOptions): StandInProject {
  const positions = new Map<string, Position>();
  const at = (name: string) => {
    const key = owner(projected.services[name]) ?? name;
    const position = positions.get(key) ?? { service: key, apps: [], ports: new Map<number, string>(), egress: true };
    positions.set(key, position);
    return position;
  };
  for (const [name, s] of Object.entries(projected.services)) {
    const position = at(name);
    (position.apps as string[]).push(name);
    for (const port of localProbePorts(s)) (position.ports as Map<number, string>).set(port, name);
  }
  for (const p of publishedPorts(projected)) {
    const ports = at(p.service).ports as Map<number, string>;
    if (!ports.has(p.containerPort)) ports.set(p.containerPort, p.service);
  }
  for (const p of positions.values())
    (p.apps as string[]).sort((a, b) => (a === p.service ? -1 : b === p.service ? 1 : a.localeCompare(b)));
  return standInProject(projected, { positions }, options);
}
