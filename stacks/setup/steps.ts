import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENV_VALUE_RULE, envValueOk } from "../../compose/render/host/deploy-gate";
import type { Host } from "../../constructs/host/host";
import type { TerraformJson } from "../../delivery/stacks";
import type { ServarrConfig } from "../config";
import { buildApp, readStacks } from "../synth";
import { makeDirs } from "./paths";

/** How long one run of ssh-keygen may take (ssh-keyscan gets three times this). */
export const TOOL_TIMEOUT_MS = 5_000;

/**
 * The mechanical steps of first-time setup (`npm run setup -- <step>`), each a function the
 * CLI (stacks/setup/cli.ts) calls and the tests call directly. None prints a secret value.
 * Bad input: a SetupError naming what is wrong, and nothing written.
 */
export class SetupError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "SetupError";
  }
}

/** What the steps read from the model: the host and the synthesized stacks. */
export interface Model {
  readonly config: ServarrConfig;
  readonly host: Host;
  readonly stacks: ReadonlyMap<string, TerraformJson>;
}

/** The model, seen from one host: the first, or `hostName` (a key of `hosts`). */
export function loadModel(config: ServarrConfig, hostName?: string): Model {
  const outdir = mkdtempSync(path.join(tmpdir(), "servarr-setup-"));
  try {
    const { app, hosts } = buildApp(config, outdir);
    const host = hostName === undefined ? hosts[0] : hosts.find((h) => h.name === hostName);
    if (!host) throw new SetupError([`--host ${hostName}: one of ${hosts.map((h) => h.name).join(", ")}`]);
    app.synth();
    return { config, host, stacks: readStacks(outdir) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * A new ed25519 key pair for the deploy user: `<dir>/deploy_key` (private, 0600) and `.pub`.
 * Returns the public line for `machine.deployKeys`. Refuses to replace an existing key.
 */
export function generateDeployKey(dir: string, comment: string): string {
  const file = path.join(dir, "deploy_key");
  if (existsSync(file) || existsSync(`${file}.pub`))
    throw new SetupError([`${file} exists: not replacing a key (remove it first if you really want a new one)`]);
  makeDirs(dir);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], {
    stdio: ["ignore", "ignore", "pipe"],
    timeout: TOOL_TIMEOUT_MS,
  });
  return readFileSync(`${file}.pub`, "utf8").trim();
}

/**
 * The known_hosts line the deploy pins: the host's ed25519 key as scanned at `address`
 * (its LAN address, before the tunnel is up), under the name the deploy connects to
 * (`ssh.<domain>`), not the address it was scanned at.
 */
export function knownHostsLine(sshHostname: string, address: string, port = 22): string {
  let scanned: string;
  try {
    scanned = execFileSync("ssh-keyscan", ["-T", "5", "-t", "ed25519", "-p", String(port), address], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      // -T bounds each connection; this bounds name resolution too.
      timeout: 3 * TOOL_TIMEOUT_MS,
    });
  } catch {
    scanned = "";
  }
  const line = scanned.split("\n").find((l) => /^\S+ ssh-ed25519 [A-Za-z0-9+/=]+$/.test(l.trim()));
  if (!line) throw new SetupError([`no ed25519 host key from ${address}:${port}: is sshd running there and reachable?`]);
  const [, type, key] = line.trim().split(" ");
  return `${sshHostname} ${type} ${key}`;
}

/** Terraform outputs from a state file (`terraform state pull`) or from `terraform output -json`. */
export function readOutputs(text: string): ReadonlyMap<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SetupError([
      "the outputs file is not JSON: give `terraform state pull` or `terraform output -json` of the servarr workspace",
    ]);
  }
  const record = parsed as { outputs?: Record<string, { value?: unknown }> } & Record<string, { value?: unknown }>;
  const outputs = record.outputs && typeof record.outputs === "object" && !("value" in record.outputs) ? record.outputs : record;
  return new Map(Object.entries(outputs).map(([name, o]) => [name, o?.value]));
}

/** A host secret's source for a manual start: a Terraform output or the owner's TF_VAR_ input. */
export type EnvSource = { readonly output: string } | { readonly variable: string };

/**
 * Where each variable of the host's `.env` comes from, derived from the model: a secret
 * Terraform computes is read from the output with the same expression; a secret the owner
 * types is the bootstrap input TF_VAR_<name> they already set.
 */
export function envSources(model: Model): Map<string, EnvSource> {
  const outputs = (model.stacks.get("servarr")?.output ?? {}) as Record<string, { value?: unknown }>;
  const sources = new Map<string, EnvSource>();
  const problems: string[] = [];
  for (const secret of model.host.secrets.for("host")) {
    const synthesized = secretExpression(model, secret.githubName);
    const variable = /^\$\{var\.([a-z0-9_]+)\}$/.exec(synthesized ?? "")?.[1];
    const output = Object.entries(outputs).find(([, o]) => o.value === synthesized)?.[0];
    if (variable) sources.set(secret.name, { variable });
    else if (output) sources.set(secret.name, { output });
    else problems.push(`${secret.name}: no Terraform output carries it (declare one next to the secret)`);
  }
  if (problems.length > 0) throw new SetupError(problems);
  return sources;
}

/** The value expression of a host secret as synthesized (the GitHub secret of the same name). */
function secretExpression(model: Model, name: string): string | undefined {
  // Repository secrets, or (where the plan allows environments) the production environment's.
  const resources = model.stacks.get("servarr")?.resource ?? {};
  const secrets = [resources.github_actions_secret, resources.github_actions_environment_secret].flatMap((byName) =>
    Object.values((byName ?? {}) as Record<string, { secret_name?: string; plaintext_value?: string }>),
  );
  return secrets.find((s) => s.secret_name === name)?.plaintext_value;
}

/**
 * The first `.env` for a manual start on the host: every host secret, from the outputs or the
 * owner's TF_VAR_ inputs, quoted as the deploy gate writes them. Written 0600, never over an
 * existing file; on any problem nothing is written.
 */
export function writeFirstEnv(model: Model, outputs: ReadonlyMap<string, unknown>, env: NodeJS.ProcessEnv, file: string): string[] {
  if (existsSync(file)) throw new SetupError([`${file} exists: not replacing it`]);
  const lines: string[] = [];
  const problems: string[] = [];
  for (const [name, source] of envSources(model)) {
    const value = "output" in source ? outputs.get(source.output) : env[`TF_VAR_${source.variable}`];
    const from = "output" in source ? `output ${source.output}` : `TF_VAR_${source.variable}`;
    if (typeof value !== "string" || value === "") problems.push(`${name}: ${from} is missing or empty`);
    else if (!envValueOk(value)) problems.push(`${name}: ${from} is not what the deploy gate accepts (${ENV_VALUE_RULE})`);
    else lines.push(`${name}='${value}'`);
  }
  if (problems.length > 0) throw new SetupError(problems);
  makeDirs(path.dirname(file));
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600, flag: "wx" });
  return [...envSources(model).keys()];
}
