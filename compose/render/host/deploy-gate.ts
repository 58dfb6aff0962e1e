import type { Host } from "../../../constructs/host/host";
import { type ShellVar, sourceLine } from "../shell";

/**
 * The one grammar of a `.env` line, written by the deploy step and the only one the gate
 * (compose/scripts/deploy-gate.sh) accepts: `NAME='value'`, the value one or more printable ASCII
 * characters other than `'` and `\`. Compose's .env parser (compose-go dotenv) reads such a line
 * one way only: a single-quoted value is literal (no `$` interpolation, no escapes), nothing
 * follows the closing quote, and without `\` no quote can be escaped into the next line.
 * The rule's words and its bash test are read from the gate's source, so the deploy step
 * (refuses to send anything else) runs the very function the gate runs.
 */
export const ENV_VALUE_RULE = /^env_value_rule='([^']*)'$/.exec(sourceLine("deploy-gate.sh", "env_value_rule="))?.[1] ?? "";
export const ENV_VALUE_OK_BASH = sourceLine("deploy-gate.sh", "env_value_ok() {");
/** The same rule in TypeScript, for what writes a `.env` off the host (npm run setup -- env). */
export function envValueOk(value: string): boolean {
  return /^[\x20-\x7e]+$/.test(value) && !value.includes("'") && !value.includes("\\");
}

/** Markers around the .env grammar block of the gate, so tests run exactly its functions. */
export const ENV_BLOCK_START = "# --- .env grammar (begin)";
export const ENV_BLOCK_END = "# --- .env grammar (end)";

/**
 * What deploy-gate.sh reads from bundle.env: the names it accepts on stdin (each once) and the
 * Cloudflare account a tunnel token must belong to. The gate deploys a commit only if it is on
 * the deployed branch, and promotes the commit and `.env` only when deploy.sh reports a healthy
 * deploy (see the script).
 */
export function deployGateData(host: Host): ShellVar[] {
  return [
    {
      name: "allowed",
      doc: "deploy-gate.sh: the variables .env may set, each exactly once (the host's secrets)",
      value: host.secrets.for("host").map((s) => [s.name]),
    },
    { name: "tunnel_account", doc: "deploy-gate.sh: the Cloudflare account a TUNNEL_TOKEN must name", value: host.tunnel.accountId },
  ];
}
