/**
 * Converges a host's wiring plan: for each relation, read the current state, compare only the
 * fields servarr manages, create or update; never delete. Prints one line per resource:
 * `+` created, `~` updated (with the fields), `=` unchanged, `…` waiting (Seerr before its first
 * sign-in). A dry run prints the same and writes nothing.
 */
import { convergeArr } from "./arr.ts";
import type { Context, Sign } from "./context.ts";
import { WireError } from "./http.ts";
import { convergeKuma } from "./kuma/converge.ts";
import { convergeOther } from "./others.ts";
import type { Relation, WiredApp, WiringPlan } from "./plan.ts";
import type { State } from "./state.ts";

export interface Outcome {
  readonly counts: Readonly<Record<Sign, number>>;
  readonly failures: readonly string[];
}

export interface RunOptions {
  readonly dryRun?: boolean;
  readonly state: State;
  readonly key: (app: WiredApp) => string;
  /** A host secret by name (the notification URL for Uptime Kuma). */
  readonly secret?: (name: string) => string;
  readonly print?: (line: string) => void;
}

export async function runPlan(plan: WiringPlan, options: RunOptions): Promise<Outcome> {
  const print = options.print ?? console.log;
  const counts: Record<Sign, number> = { "+": 0, "~": 0, "=": 0, "…": 0 };
  const failures: string[] = [];
  const apps = new Map(plan.apps.map((a) => [a.name, a]));
  const ctx: Context = {
    dryRun: options.dryRun === true,
    state: options.state,
    app: (name) => {
      const app = apps.get(name);
      if (!app) throw new WireError(`${name}: not in the plan's apps`);
      return app;
    },
    key: (name) => options.key(ctx.app(name)),
    secret: (name) => {
      if (!options.secret) throw new WireError(`${name}: no secret reader`);
      return options.secret(name);
    },
    managed: (name, kind, changed) => changed.filter((field) => !ctx.app(name).leaveAlone?.includes(`${kind}.${field}`)),
    report: (sign, line) => {
      counts[sign] += 1;
      print(`${sign} ${line}`);
    },
  };
  const waiting = new Set<string>();
  for (const relation of plan.relations) {
    if (waiting.has(relation.app)) continue;
    try {
      if (!(await convergeArr(relation, ctx))) await convergeOther(relation, ctx, waiting);
    } catch (e) {
      const message = e instanceof WireError ? e.message : `${relation.app}: ${(e as Error).stack ?? e}`;
      failures.push(message);
      print(`! ${describe(relation)}: ${message}`);
    }
  }
  if (plan.monitoring)
    try {
      await convergeKuma(plan.monitoring, ctx);
    } catch (e) {
      const message = e instanceof WireError ? e.message : `${plan.monitoring.app}: ${(e as Error).stack ?? e}`;
      failures.push(message);
      print(`! ${plan.monitoring.app} monitors: ${message}`);
    }
  if (!ctx.dryRun) options.state.save();
  print(
    `wire: ${counts["+"]} created, ${counts["~"]} updated, ${counts["="]} unchanged${counts["…"] ? `, ${counts["…"]} waiting` : ""}${
      failures.length ? `, ${failures.length} failed` : ""
    }${ctx.dryRun ? " (dry run: nothing written)" : ""}`,
  );
  return { counts, failures };
}

function describe(r: Relation): string {
  return `${r.app} ${r.kind}`;
}
