import { readFileSync } from "node:fs";
import path from "node:path";
import { bundleDirOnHost } from "../../constructs/config/layout";
import type { ServarrConfig } from "../config";
import { addressArgument, ORDERED_STEPS, type ParsedStep, parseStep, portArgument, UsageError } from "./args";
import type * as Check from "./check";
import { GUIDE, step } from "./guide";
import { initConfig } from "./init";
import type * as Order from "./order";
import { checkReadableFile, checkWritableDir, checkWritableFile } from "./paths";
import type * as Steps from "./steps";

/** Where setup keeps what it generates on the owner's machine (git-ignored). */
export const SETUP_DIR = ".servarr";

export const USAGE = `usage: npm run setup -- <step>
  init --from <example> [--force]       servarr.config.ts from an example (examples/*.config.ts), imports fixed; --force replaces an existing one
  deploy-key [--dir ${SETUP_DIR}]        new ed25519 key pair for the deploy user; prints the public line for machine.deployKeys
  known-hosts <address> [--port 22] [--host <name>]   the known_hosts line for the host's SSH hostname, scanned at its LAN address
  check                                 every bootstrap input (TF_VAR_*) is set and has the right shape; prints no value
  env --outputs <file> [--out <file>] [--host <name>]   the first .env for a manual start, from the servarr workspace's outputs and your TF_VAR_* inputs
  ready <bootstrap|first-apply>         whether every step before that Terraform run happened, and what to do if not
  help                                  this text
  (--host: a host of \`hosts\` in the config; default the first host)
  known-hosts, check and env first check that the steps before them happened.`;

/** The repository root (this file runs from dist/stacks/ or, in tests, stacks/). */
// stacks/setup/ in the sources, dist/stacks/setup/ in the build.
const ROOT = path.resolve(__dirname, path.basename(path.resolve(__dirname, "../..")) === "dist" ? "../../.." : "../..");

const text = (values: ParsedStep["values"], name: string) => values[name] as string | undefined;

/** The steps' code: it loads the constructs and providers (most of a second). */
export interface StepCode {
  readonly steps: typeof Steps;
  readonly checks: typeof Check;
}

/** Loaded only once the arguments are known to be right, so a usage error answers at once. */
const loadStepCode = (): StepCode => ({
  steps: require("./steps") as typeof Steps,
  checks: require("./check") as typeof Check,
});

/** Runs one step; returns the exit code. Output goes through `print` (stdout) and `fail` (stderr). */
export function runSetup(
  args: string[],
  cfg: ServarrConfig | (() => ServarrConfig),
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  fail: (line: string) => void,
  code: () => StepCode = loadStepCode,
): number {
  const config = () => (typeof cfg === "function" ? cfg() : cfg);
  const steps = () => code().steps;
  try {
    const { step, values, positionals } = parseStep(args);
    if (step === "help") {
      print(USAGE);
      return 0;
    }
    if (step === "init") {
      for (const line of initConfig(ROOT, text(values, "from"), values.force === true)) print(line);
      return 0;
    }
    if (step === "deploy-key") {
      const dir = checkWritableDir("--dir", text(values, "dir") ?? SETUP_DIR);
      const line = steps().generateDeployKey(dir, `${config().name}-deploy`);
      print(`private key: ${path.join(dir, "deploy_key")} (mode 0600; it becomes TF_VAR_ssh_private_key)`);
      print("add this line to machine.deployKeys in servarr.config.ts:");
      print(`  "${line}",`);
      return 0;
    }
    if (step === "known-hosts") {
      const { address, port } = knownHostsArguments(values, positionals);
      const { knownHostsLine, loadModel } = steps();
      const model = loadModel(config(), text(values, "host"));
      const hostname = model.host.ssh.hostname;
      const line = knownHostsLine(hostname, address, port);
      print(line);
      print(
        `compare its fingerprint with the host's own (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then set it as TF_VAR_${model.host.secrets.get("SSH_KNOWN_HOSTS")?.githubName.toLowerCase() ?? "ssh_known_hosts"}.`,
      );
      print(
        `through the tunnel (once it is up), ssh shows the same fingerprint: ssh -o ProxyCommand='cloudflared access ssh --hostname %h' -o StrictHostKeyChecking=ask ${hostname}`,
      );
      return 0;
    }
    if (step === "check") {
      const results = code().checks.checkBootstrapInputs(steps().loadModel(config()), env);
      for (const r of results)
        (r.problem ? fail : print)(`${r.problem ? "problem" : "ok     "} ${r.input}${r.problem ? `: ${r.problem}` : ""}`);
      const bad = results.filter((r) => r.problem).length;
      (bad ? fail : print)(bad ? `${bad} of ${results.length} inputs need attention` : `all ${results.length} bootstrap inputs look right`);
      return bad ? 1 : 0;
    }
    // ready is answered by the order checks before any step runs (stacks/setup/order.ts runInOrder).
    if (step === "ready") throw new UsageError("ready: run it as npm run setup -- ready <bootstrap|first-apply>");
    // env
    const { outputsPath, outGiven } = envArguments(values);
    const { loadModel, readOutputs, writeFirstEnv } = steps();
    const model = loadModel(config(), text(values, "host"));
    const out = outGiven ?? path.join(SETUP_DIR, `${model.host.name}.env`);
    if (outGiven === undefined) checkWritableFile("--out", out);
    const names = writeFirstEnv(model, readOutputs(readFileSync(outputsPath, "utf8")), env, out);
    print(`wrote ${out} (mode 0600): ${names.join(" ")}`);
    for (const line of envNextSteps(model.host, out)) print(line);
    return 0;
  } catch (error) {
    return reportFailure(error, fail);
  }
}

function knownHostsArguments(values: ParsedStep["values"], positionals: readonly string[]): { address: string; port: number } {
  return {
    address: addressArgument("known-hosts", positionals[0], "192.168.1.10"),
    port: portArgument("known-hosts", text(values, "port"), 22),
  };
}

function envArguments(values: ParsedStep["values"]): { outputsPath: string; outGiven: string | undefined } {
  const outputsFile = text(values, "outputs");
  if (outputsFile === undefined)
    throw new UsageError("env: --outputs <file> is missing (terraform output -json of the servarr workspace, saved to a file)");
  const outputsPath = checkReadableFile("--outputs", outputsFile);
  const outGiven = text(values, "out");
  if (outGiven !== undefined) checkWritableFile("--out", outGiven);
  return { outputsPath, outGiven };
}

/**
 * A step's arguments checked as runSetup checks them, without running it or loading the config:
 * a usage or path error answers at once, before the order checks (./order.ts). False: runSetup
 * reports it.
 */
export function argumentsHold(args: string[]): boolean {
  try {
    const { step, values, positionals } = parseStep(args);
    if (step === "known-hosts") knownHostsArguments(values, positionals);
    if (step === "env") envArguments(values);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the order checks are switched off: SERVARR_SETUP_ORDER=off runs a step without first
 * checking that the steps before it happened (for the tool's own tests of the steps, and for an
 * owner who knows better; \`npm run setup -- ready <run>\` still tells what is missing).
 */
export const ORDER_SWITCH = "SERVARR_SETUP_ORDER";

/** docs/setup.md, the first start on the host (GUIDE_STEPS.firstStart): the first start goes through the deploy gate, from the LAN this once. */
export function envNextSteps(
  host: {
    readonly name: string;
    readonly lanAddress?: string;
    readonly machine: { readonly checkoutDir: string; readonly ownerUser: string };
  },
  out: string,
): string[] {
  const gate = `${bundleDirOnHost(host)}/deploy-gate.sh`;
  return [
    `next (${GUIDE}, ${step("firstStart")}): copy it to the host (scp ${out} ${host.machine.ownerUser}@${host.lanAddress ?? "<lanAddress>"}:), then on the host:`,
    `  sudo ${gate} <commit of the default branch> < ${path.basename(out)} && shred -u ${path.basename(out)}`,
    "the gate checks every line, writes .env (0600), runs setup.sh and deploy.sh and promotes the commit once it is healthy;",
    "then delete the outputs file and re-run the failed deploy job: every later merge deploys by itself",
  ];
}

/** One line per failure, never a stack: usage and path errors exit 2, a refused step 1. */
function reportFailure(error: unknown, fail: (line: string) => void): number {
  if (error instanceof UsageError) {
    fail(`servarr setup: ${error.message}${error.message.includes("npm run setup") ? "" : " (npm run setup -- help)"}`);
    return 2;
  }
  if (error instanceof Error && error.name === "SetupError" && "problems" in error) {
    const problems = (error as Steps.SetupError).problems;
    if (problems.length === 1) fail(`servarr setup: ${problems[0]}; nothing was written.`);
    else for (const line of [...problems.map((p) => `servarr setup: ${p}`), "nothing was written."]) fail(line);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  fail(`servarr setup: ${code === "ETIMEDOUT" ? "a tool did not answer in time: " : ""}${message}`);
  return 1;
}

if (require.main === module) {
  const print = (l: string) => console.log(l);
  const fail = (l: string) => console.error(l);
  const args = process.argv.slice(2);
  const config = () => (require("../../servarr.config") as { config: ServarrConfig }).config;
  const run = (a: string[]) => runSetup(a, config, process.env, print, fail);
  // A usage error answers at once (runSetup says what was wrong); well-formed arguments first meet
  // the check that the steps before this one happened (stacks/setup/order.ts), then the step runs.
  const ordered = ORDERED_STEPS.has(args[0] ?? "") && (args[0] === "ready" || process.env[ORDER_SWITCH] !== "off");
  // init, deploy-key and help run without the config's order (init writes the config itself).
  if (!ordered || !argumentsHold(args)) process.exitCode = run(args);
  else {
    // One line, never a stack, when the config itself cannot be loaded or is refused.
    const failed = (error: unknown) => {
      fail(`servarr setup: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    };
    try {
      const order = require("./order") as typeof Order;
      order.runInOrder(args, config(), order.realContext(process.env), print, fail, run).then((code) => {
        process.exitCode = code;
      }, failed);
    } catch (error) {
      failed(error);
    }
  }
}
