import type { CheckResult } from "../e2e/checks/checks";
import type { CrossHostRelation } from "./plan";
import { describe, nft, type Origin, type Outcome, probe } from "./probe";

/** A host of the run as the checks see it. */
export interface RunHost {
  readonly name: string;
  readonly lanAddress: string;
  readonly netns: string;
  readonly socket: string;
  readonly firewall: string;
  /** Container of each service of the projection (`<project>-<service>-1`). */
  readonly container: (service: string) => string;
}

/** One probe the run expects to be answered, or refused by `by`'s firewall. */
export interface Expectation {
  readonly name: string;
  readonly origin: Origin;
  readonly url: string;
  readonly answered: boolean;
  /** The host whose firewall must be the refusal's cause (its table removed, the same probe answers). */
  readonly by?: RunHost;
}

const TABLE = ["inet", "servarr_host"];

export function result(name: string, ok: boolean, line: string, failures: string[] = []): CheckResult {
  return { name, ok, failures: ok ? [] : failures.length > 0 ? failures : [line], line: `${ok ? "PASS" : "FAIL"} ${name}: ${line}` };
}

/** The declared relation answers from the client's container and from the client's host. */
export function declared(r: CrossHostRelation, client: RunHost): Expectation[] {
  const url = `http://${r.to.address}:${r.to.port}${r.to.path}`;
  return [
    {
      name: `${r.from.host}/${r.from.service} -> ${r.to.host}/${r.to.service}`,
      origin: {
        socket: client.socket,
        container: client.container(r.from.service),
        label: `${r.from.service}'s container on ${client.name}`,
      },
      url,
      answered: true,
    },
    {
      name: `${r.from.host} -> ${r.to.host}/${r.to.service}`,
      origin: { netns: client.netns, label: `${client.name} itself` },
      url,
      answered: true,
    },
  ];
}

/** Runs every expectation (all at once), prints one line each; returns the outcomes by name. */
export async function probeAll(expectations: readonly Expectation[]): Promise<{ results: CheckResult[]; outcomes: Map<string, Outcome> }> {
  const outcomes = await Promise.all(expectations.map((e) => probe(e.origin, e.url)));
  const results = expectations.map((e, i) => {
    const o = outcomes[i] as Outcome;
    const ok = o.answered === e.answered;
    const want = e.answered ? "answers" : `refused${e.by ? ` by ${e.by.name}'s firewall` : ""}`;
    return result(e.name, ok, `${e.url} from ${e.origin.label}: ${describe(o)}; expected: ${want}`);
  });
  return { results, outcomes: new Map(expectations.map((e, i) => [e.name, outcomes[i] as Outcome])) };
}

/**
 * Controls: with `host`'s table removed, every refusal attributed to its firewall must be
 * answered (so the refusal was the firewall's, not a missing listener or route); then the
 * generated file is loaded again and the same probes must be refused again.
 */
export async function controls(host: RunHost, refusals: readonly Expectation[]): Promise<CheckResult[]> {
  const mine = refusals.filter((e) => e.by === host && !e.answered);
  if (mine.length === 0) return [];
  await nft(host.netns, "delete", "table", ...TABLE);
  const without = await Promise.all(mine.map((e) => probe(e.origin, e.url)));
  await nft(host.netns, "-f", host.firewall);
  await nft(host.netns, "list", "table", ...TABLE);
  const again = await Promise.all(mine.map((e) => probe(e.origin, e.url)));
  return mine.map((e, i) => {
    const w = without[i] as Outcome;
    const a = again[i] as Outcome;
    return result(
      `control ${e.name}`,
      w.answered && !a.answered,
      `without ${host.name}'s servarr_host table: ${describe(w)}; its firewall.nft loaded again: ${describe(a)}`,
    );
  });
}
