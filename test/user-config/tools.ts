import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import type { Host } from "../../constructs/host/host";
import { compose2, tool } from "../tool";

/** The real tools the any-config checks run, and the files they read (split from checks.ts). */
const repo = path.resolve(__dirname, "../..");
export const composeTool = compose2;
export const shellcheckTool = tool("shellcheck", "shellcheck", ["--version"]);

export function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The committed host scripts of one host's bundle. */
export function hostScripts(root: string, host: Host): string[] {
  return [...renderBundle(host).keys()].filter((f) => f.endsWith(".sh")).map((f) => path.join(root, "compose", host.name, f));
}

/** dclint (the real CLI) on compose files: no error, no warning. */
export function expectDclintClean(files: readonly string[]): void {
  // service-keys-order is off: compose-spec.ts orders keys for readers (image, networking first).
  const bin = path.join(repo, "node_modules/dclint/bin/dclint.cjs");
  const res = spawnSync(process.execPath, [bin, ...files, "--disable-rule", "service-keys-order", "--max-warnings", "0"], {
    encoding: "utf8",
  });
  expect(res.stdout + res.stderr).not.toMatch(/warning|error/);
  expect(res.status).toBe(0);
}

/** shellcheck -x: each script is followed into what it sources from its bundle (bundle.env, setup-lib.sh, notify.sh). */
/**
 * shellcheck -x over the files, one process per bundle directory (each follows its own
 * bundle.env), as many at once as the machine has cores: shellcheck is single-threaded and the
 * scripts of every fixture take a minute in one process.
 */
export async function expectShellcheckClean(files: readonly string[]): Promise<void> {
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(path.dirname(f), [...(byDir.get(path.dirname(f)) ?? []), f]);
  const queue = [...byDir.values()];
  const results: Array<{ files: readonly string[]; output: string; status: number | null }> = [];
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const args = ["-x", ...batch];
      results.push(
        await new Promise((resolve) => {
          const child = spawn("shellcheck", args);
          let output = "";
          child.stdout.on("data", (d) => (output += d));
          child.stderr.on("data", (d) => (output += d));
          child.on("close", (status) => resolve({ files: batch, output, status }));
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  expect(results.filter((r) => r.output !== "" || r.status !== 0).map((r) => `${r.files.join(" ")}:\n${r.output}`)).toEqual([]);
}
