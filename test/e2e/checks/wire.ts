import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { WIRE_JOB } from "../../../constructs/model/app-api";
import type { WiringPlan } from "../../../constructs/wiring/plan";
import { type Project, run } from "../docker";
import type { CheckResult } from "./checks";

interface WireRun {
  readonly code: number;
  readonly seconds: number;
  readonly lines: readonly string[];
  readonly output: string;
}

/** What deploy.sh runs once `up --wait` returned: the generated wire service, its profile, `run --rm`. */
async function runWire(project: Project): Promise<WireRun> {
  const start = Date.now();
  const r = await run("docker", ["compose", "-p", project.name, "-f", project.file, "--profile", WIRE_JOB, "run", "--rm", "--no-TTY", WIRE_JOB]);
  const output = `${r.stdout}${r.stderr}`;
  return { code: r.code, seconds: (Date.now() - start) / 1000, lines: r.stdout.split("\n").filter(Boolean), output };
}

const count = (r: WireRun, sign: string) => r.lines.filter((l) => l.startsWith(`${sign} `) && !/: tag /.test(l)).length;

/** Seerr's first sign-in as the owner makes it: `public.initialized` in its settings.json (the file seerr-keys seeded). */
function signIn(settings: string): void {
  const json = JSON.parse(readFileSync(settings, "utf8")) as { public?: Record<string, unknown> };
  json.public = { ...json.public, initialized: true };
  writeFileSync(settings, JSON.stringify(json, null, 2));
}

/**
 * The wire job in the stack: the generated service (the real plan.json and sources, the Node
 * stand-in's node) against the spec-validating fakes in the apps' containers, keyed by what the
 * real keys jobs seeded. First run right after healthy: every relation but Seerr's carried out,
 * Seerr "waiting for the first sign-in", exit 0. After the sign-in: Seerr's carried out, the rest
 * unchanged. Then a run with `=` only. Figures: seconds from healthy to each exit.
 */
export async function wire(project: Project, wiring: WiringPlan, seerrSettings: string | undefined, healthyAt: number): Promise<CheckResult> {
  const failures: string[] = [];
  const total = wiring.relations.length;
  const seerrApps = new Set(wiring.apps.filter((a) => a.api === "seerr").map((a) => a.name));
  const ofSeerr = wiring.relations.filter((r) => seerrApps.has(r.app)).length;
  const expect = (what: string, r: WireRun, ok: boolean, why: string) => {
    if (!ok) failures.push(`${what}: ${why}; exit ${r.code}; output: ${r.output.trim().split("\n").slice(-12).join(" | ")}`);
  };

  const first = await runWire(project);
  const firstAt = (Date.now() - healthyAt) / 1000;
  expect("first run", first, first.code === 0, "did not exit 0");
  expect("first run", first, !first.lines.some((l) => l.startsWith("! ")), "a relation failed");
  expect("first run", first, count(first, "+") + count(first, "~") === total - ofSeerr, `${total - ofSeerr} relations to create`);
  const waits = first.lines.filter((l) => l.startsWith("… ") && l.includes("waiting for the first sign-in"));
  expect("first run", first, waits.length === seerrApps.size, `${seerrApps.size} Seerr waiting for the first sign-in`);

  let signedIn: WireRun | undefined;
  if (seerrSettings !== undefined) {
    mkdirSync(path.dirname(seerrSettings), { recursive: true });
    signIn(seerrSettings);
    signedIn = await runWire(project);
    expect("after the sign-in", signedIn, signedIn.code === 0, "did not exit 0");
    expect("after the sign-in", signedIn, count(signedIn, "+") === ofSeerr && count(signedIn, "~") === 0, `${ofSeerr} Seerr relations to create`);
    expect("after the sign-in", signedIn, count(signedIn, "=") === total - ofSeerr, `${total - ofSeerr} unchanged`);
  }
  const again = await runWire(project);
  expect("run again", again, again.code === 0, "did not exit 0");
  expect("run again", again, count(again, "=") === total && count(again, "+") + count(again, "~") === 0, `all ${total} unchanged`);

  const s = (n: number) => `${n.toFixed(1)} s`;
  return {
    name: "wire",
    ok: failures.length === 0,
    failures,
    line:
      `${failures.length === 0 ? "PASS" : "FAIL"} wire: the generated wire job against ${wiring.apps.length} spec-validating fakes keyed by the real keys jobs: ` +
      `healthy to wired in ${s(firstAt)} (run ${s(first.seconds)}: ${count(first, "+")} created, ${count(first, "~")} updated, Seerr waiting for its first sign-in, exit 0)` +
      (signedIn ? `; after the sign-in ${count(signedIn, "+")} created in ${s(signedIn.seconds)}` : "") +
      `; again: ${count(again, "=")} unchanged in ${s(again.seconds)}` +
      (failures.length > 0 ? ` — ${failures.join("; ")}` : ""),
  };
}
