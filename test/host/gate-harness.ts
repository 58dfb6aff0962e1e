import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { ENV_BLOCK_END, ENV_BLOCK_START } from "../../compose/render/host/deploy-gate";
import { FIXTURES } from "../fixtures";
import { synth } from "../support";

/** The generated deploy gate's .env grammar block, run in bash with the full fixture's bundle.env: shared by the gate's tests. */

export const scratch = mkdtempSync(path.join(tmpdir(), "servarr-gate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const { host } = synth(FIXTURES.full);
const bundle = renderBundle(host);
export const gate = bundle.get("deploy-gate.sh") ?? "";
// The data the gate sources: its declared names and the model's Cloudflare account.
const bundleEnv = path.join(scratch, "bundle.env");
writeFileSync(bundleEnv, bundle.get("bundle.env") ?? "");
export const declared = host.secrets.for("host").map((s) => s.name);
export const account = host.tunnel.accountId;
export const block = gate.slice(gate.indexOf(ENV_BLOCK_START), gate.indexOf(ENV_BLOCK_END) + ENV_BLOCK_END.length);

export const b64 = (s: string) => Buffer.from(s).toString("base64");
export const TUNNEL = "6ff42ae2-765d-4adf-8112-31c55c1551ef";
export const tunnelToken = (a: string, t = TUNNEL) => b64(JSON.stringify({ a, t, s: b64("0123456789abcdef0123456789abcdef") }));

/** A valid .env in the gate's grammar, every declared variable once; values keep $, #, spaces, " and =. */
export function validValues(): Record<string, string> {
  return Object.fromEntries(declared.map((n) => [n, n === "TUNNEL_TOKEN" ? tunnelToken(account) : `v$al #${n} "q"=x+/=`]));
}
export const envText = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([n, v]) => `${n}='${v}'`)
    .join("\n");

let run = 0;
/** A fresh number for a scratch directory. */
export const nextRun = () => run++;
/** Runs the generated filter_env on `stdin`; returns its exit code, stderr and what it wrote. */
export function gateFilter(stdin: string, pin?: string): { status: number; stderr: string; written?: string; tunnelId: string } {
  const dir = mkdtempSync(path.join(scratch, `run${run++}-`));
  const out = path.join(dir, "env");
  const pinFile = path.join(dir, "tunnel-id");
  if (pin) writeFileSync(pinFile, `${pin}\n`);
  const script = [
    "set -euo pipefail",
    "export LC_ALL=C",
    `. '${bundleEnv}'`,
    `tunnel_pin='${pinFile}'`,
    "tunnel_id=''",
    block,
    `filter_env '${out}'`,
    `printf '%s' "$tunnel_id" >'${dir}/tunnel-seen'`,
  ].join("\n");
  const res = spawnSync("bash", ["-c", script], { input: stdin, encoding: "utf8" });
  return {
    status: res.status ?? -1,
    stderr: res.stderr,
    written: existsSync(out) ? readFileSync(out, "utf8") : undefined,
    tunnelId: existsSync(`${dir}/tunnel-seen`) ? readFileSync(`${dir}/tunnel-seen`, "utf8") : "",
  };
}
