import type { ComposeFile } from "../../compose/render/project/compose-spec";
import type { Plan } from "./plan";

/** Broken promises planted on purpose: the checks fed with them must fail. */

/** A wrong port on the first ingress origin that goes through the VPN gateway (else the first origin). */
export function breakIngressPort(plan: Plan): { ingress: string[]; broken: string } {
  const index = Math.max(
    0,
    plan.ingress.findIndex((u) => new URL(u).hostname === plan.gateway),
  );
  const url = new URL(plan.ingress[index]);
  const served = plan.positions.get(url.hostname)?.ports ?? new Map();
  let port = Number(url.port) + 1;
  while (served.has(port)) port++;
  url.port = String(port);
  const broken = url.toString().replace(/\/$/, "");
  return { ingress: plan.ingress.map((u, i) => (i === index ? broken : u)), broken };
}

export const networksOf = (compose: ComposeFile, service: string): string[] => {
  const n = compose.services[service]?.networks;
  if (!n) return compose.services[service]?.network_mode ? [] : ["default"];
  return Array.isArray(n) ? [...n] : Object.keys(n);
};

/** The compose file with one unrelated pair sharing a network: the first isolated pair where both have networks of their own. */
export function breakExtraNetwork(compose: ComposeFile, plan: Plan): { compose: ComposeFile; from: string; to: string; network: string } {
  for (const [p, q] of plan.isolatedPairs) {
    const mine = networksOf(compose, p);
    const theirs = networksOf(compose, q).filter((n) => !mine.includes(n));
    if (mine.length === 0 || theirs.length === 0 || (plan.positions.get(q)?.ports.size ?? 0) === 0) continue;
    const service = compose.services[p];
    const networks = Array.isArray(service.networks)
      ? [...service.networks, theirs[0]]
      : { ...(service.networks ?? {}), [theirs[0]]: null };
    return {
      compose: { ...compose, services: { ...compose.services, [p]: { ...service, networks } } },
      from: p,
      to: q,
      network: theirs[0],
    };
  }
  throw new Error("no unrelated pair with networks of their own to break");
}
