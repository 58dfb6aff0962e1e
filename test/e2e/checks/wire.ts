import { readFileSync, writeFileSync } from "node:fs";
import { WIRE_JOB } from "../../../constructs/model/app-api";
import type { WiringPlan } from "../../../constructs/wiring/plan";
import { type Project, run } from "../docker";
import { type CheckResult, checkResult } from "./checks";

interface WireRun {
  readonly code: number;
  readonly seconds: number;
  readonly lines: readonly string[];
  readonly output: string;
}

/** What deploy.sh runs once `up --wait` returned: the generated wire service, its profile, `run --rm`. */
async function runWire(project: Project): Promise<WireRun> {
  const start = Date.now();
  const r = await run("docker", [
    "compose",
    "-p",
    project.name,
    "-f",
    project.file,
    "--profile",
    WIRE_JOB,
    "run",
    "--rm",
    "--no-TTY",
    WIRE_JOB,
  ]);
  const output = `${r.stdout}${r.stderr}`;
  return { code: r.code, seconds: (Date.now() - start) / 1000, lines: r.stdout.split("\n").filter(Boolean), output };
}

/** Lines of the wiring plan's relations (Uptime Kuma's lines, `<kuma>: …`, are counted apart). */
let kumaApp: string | undefined;
const isKuma = (l: string) => kumaApp !== undefined && l.slice(2).startsWith(`${kumaApp}:`);
const count = (r: WireRun, sign: string) => r.lines.filter((l) => l.startsWith(`${sign} `) && !/: tag /.test(l) && !isKuma(l)).length;
const kumaCount = (r: WireRun, sign: string) => r.lines.filter((l) => l.startsWith(`${sign} `) && isKuma(l)).length;

/** Seerr's first sign-in as the owner makes it: `public.initialized` in its settings.json (the file seerr-keys seeded). */
function signIn(settings: string): void {
  const json = JSON.parse(readFileSync(settings, "utf8")) as { public?: Record<string, unknown> };
  json.public = { ...json.public, initialized: true };
  writeFileSync(settings, JSON.stringify(json, null, 2));
}

/**
 * The wire job in the stack: the generated service (the real plan.json and sources, the Node
 * stand-in's node) against the spec-validating fakes in the apps' containers, keyed by what the
 * real keys jobs seeded; the first two deploys of a new host. First run right after healthy:
 * every relation but Seerr's carried out, Seerr "waiting for the first sign-in", exit 0 (the
 * documented first deploy). The owner signs in; the next run: Seerr's carried out, every other
 * relation unchanged (`=`), exit 0. Figures: seconds from healthy to wired, and the next run
 * (which shares the machine with `alongside`).
 */
export async function wire(
  project: Project,
  wiring: WiringPlan,
  seerrSettings: string | undefined,
  healthyAt: number,
  /** Checks that only probe (no restarts), run while the next run does: CI time. */
  alongside: () => Promise<void> = async () => {},
): Promise<CheckResult> {
  const failures: string[] = [];
  kumaApp = wiring.monitoring?.app;
  const monitors = wiring.monitoring?.monitors ?? [];
  const total = wiring.relations.length;
  const seerrApps = new Set(wiring.apps.filter((a) => a.api === "seerr").map((a) => a.name));
  const ofSeerr = wiring.relations.filter((r) => seerrApps.has(r.app)).length;
  const expect = (what: string, r: WireRun, ok: boolean, why: string) => {
    // The job's own failure lines first (Compose's progress and warnings go to stderr).
    const shown = r.lines.filter((l) => l.startsWith("! ") || l.startsWith("wire: "));
    if (!ok)
      failures.push(`${what}: ${why}; exit ${r.code}; ${(shown.length > 0 ? shown : r.output.trim().split("\n").slice(-12)).join(" | ")}`);
  };
  const waiting = (r: WireRun) => r.lines.filter((l) => l.startsWith("… ") && l.includes("waiting for the first sign-in")).length;

  const first = await runWire(project);
  const healthyToWired = (Date.now() - healthyAt) / 1000;
  expect("first run", first, first.code === 0, "did not exit 0");
  expect("first run", first, !first.lines.some((l) => l.startsWith("! ")), "a relation failed");
  expect("first run", first, count(first, "+") + count(first, "~") === total - ofSeerr, `${total - ofSeerr} relations to carry out`);
  expect("first run", first, waiting(first) === seerrApps.size, `${seerrApps.size} Seerr waiting for the first sign-in`);
  // Uptime Kuma (the socket.io server Kuma runs, in its container): the first-run setup, then every planned monitor created.
  for (const m of monitors)
    expect(
      "first run",
      first,
      first.lines.some((l) => l.startsWith(`+ ${kumaApp}: monitor ${m.name} `)),
      `Kuma's monitor ${m.name} created`,
    );

  if (seerrSettings !== undefined) {
    try {
      signIn(seerrSettings);
    } catch (error) {
      failures.push(`the sign-in: ${seerrSettings}: ${String(error)} (seerr-keys seeds it)`);
    }
  }
  const [next] = await Promise.all([runWire(project), alongside()]);
  expect("next run", next, next.code === 0 && waiting(next) === 0, "did not exit 0 with nothing waiting");
  expect(
    "next run",
    next,
    count(next, "+") === ofSeerr && count(next, "~") === 0,
    `${ofSeerr} Seerr relations to create, nothing to update`,
  );
  expect("next run", next, count(next, "=") === total - ofSeerr, `the other ${total - ofSeerr} unchanged`);
  if (kumaApp !== undefined)
    expect(
      "next run",
      next,
      kumaCount(next, "+") + kumaCount(next, "~") === 0 && kumaCount(next, "=") >= monitors.length,
      "Kuma unchanged",
    );

  const s = (n: number) => `${n.toFixed(1)} s`;
  return checkResult(
    "wire",
    failures,
    `the generated wire job against ${wiring.apps.length} spec-validating fakes keyed by the real keys jobs: ` +
      `healthy to wired in ${s(healthyToWired)} (${count(first, "+")} created, ${count(first, "~")} updated, ${waiting(first)} Seerr waiting for its first sign-in, exit 0); ` +
      `after the sign-in, the next run in ${s(next.seconds)} (alongside the probing checks): ${count(next, "+")} created, ${count(next, "=")} unchanged, exit 0` +
      (kumaApp !== undefined
        ? `; ${kumaApp}: ${kumaCount(first, "+")} created on the first run (${monitors.length} monitors), ${kumaCount(next, "=")} unchanged on the next`
        : ""),
  );
}
