import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * `npm run bench`: whole-process wall time (median of RUNS) and peak RSS of
 *  - the cdktf-load floor: node -e "require('cdktf')",
 *  - the synth app command from cdktf.json,
 *  - synth with 20 and with 200 generated apps on top of the example,
 *  - the end-to-end `npm run synth`,
 * then the ratios against the targets. Exits 1 when a target is missed.
 */
const root = path.resolve(__dirname, "../..");
const runs = Number(process.env.BENCH_RUNS ?? "7");
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-bench-rss-"));
const probe = path.join(root, "bench/rss-probe.cjs");

interface Measure {
  readonly label: string;
  readonly medianMs: number;
  readonly peakMiB: number;
}

function measure(label: string, command: string): Measure {
  const times: number[] = [];
  let peakKiB = 0;
  for (let i = 0; i <= runs; i++) {
    const rssFile = path.join(scratch, `${times.length}-${i}.rss`);
    const start = process.hrtime.bigint();
    const res = spawnSync(command, {
      shell: "/bin/sh",
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: `--require ${probe}`, BENCH_RSS_FILE: rssFile, CHECKPOINT_DISABLE: "1" },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) throw new Error(`${label}: \`${command}\` exited ${res.status}\n${res.stderr}`);
    if (i === 0) continue; // warm-up: file cache and the incremental build stamp
    times.push(ms);
    const rss = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
    peakKiB = Math.max(peakKiB, ...rss);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)] ?? Number.NaN;
  return { label, medianMs, peakMiB: peakKiB / 1024 };
}

const appCommand = (JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }).app;
const node = JSON.stringify(process.execPath);
try {
  const floor = measure("cdktf load floor", `${node} -e "require('cdktf')"`);
  const app = measure(`app command (${appCommand})`, appCommand);
  const small = measure("synth, example + 20 apps", `${node} dist/bench/scale-app.js 20`);
  const large = measure("synth, example + 200 apps", `${node} dist/bench/scale-app.js 200`);
  const npmSynth = measure("npm run synth (end to end)", "npm run --silent synth");

  const rows = [floor, app, small, large, npmSynth];
  console.log(`median of ${runs} runs after one warm-up; peak RSS over all runs of every Node process in the command\n`);
  for (const r of rows)
    console.log(`${r.label.padEnd(48)} ${(r.medianMs / 1000).toFixed(3).padStart(7)} s  ${r.peakMiB.toFixed(0).padStart(5)} MiB`);

  const checks: Array<[string, number, number, string]> = [
    ["app command / cdktf load floor", app.medianMs / floor.medianMs, 2, "x"],
    ["app command peak RSS", app.peakMiB, 300, " MiB"],
    ["200 apps / 20 apps", large.medianMs / small.medianMs, 2.5, "x"],
  ];
  console.log("");
  let failed = false;
  for (const [what, value, limit, unit] of checks) {
    const ok = value <= limit;
    failed ||= !ok;
    console.log(`${ok ? "ok  " : "FAIL"} ${what.padEnd(34)} ${value.toFixed(2)}${unit} (target <= ${limit}${unit})`);
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
