import { readFileSync } from "node:fs";
import path from "node:path";
import { bundleDirOnHost } from "../compose/paths";
import { config } from "../servarr.config";
import type { ServarrConfig } from "./config";
import { generateDeployKey, knownHostsLine, loadModel, readOutputs, SetupError, writeFirstEnv } from "./setup";
import { checkBootstrapInputs } from "./setup-check";
import { realContext, runInOrder } from "./setup-order";

/** Where setup keeps what it generates on the owner's machine (git-ignored). */
export const SETUP_DIR = ".servarr";

const USAGE = `usage: npm run setup -- <step>
  deploy-key [--dir ${SETUP_DIR}]        new ed25519 key pair for the deploy user; prints the public line for machine.deployKeys
  known-hosts <address> [--port 22] [--host <name>]   the known_hosts line for the host's SSH hostname, scanned at its LAN address
  check                                 every bootstrap input (TF_VAR_*) is set and has the right shape; prints no value
  env --outputs <file> [--out <file>] [--host <name>]   the first .env for a manual start, from the servarr workspace's outputs and your TF_VAR_* inputs
  ready <bootstrap|first-apply>         whether every step before that Terraform run happened, and what to do if not
  (--host: a host of \`hosts\` in the config; default the first host)
  known-hosts, check and env first check that the steps before them happened.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs one step; returns the exit code. Output goes through `print` (stdout) and `fail` (stderr). */
export function runSetup(
  args: string[],
  cfg: ServarrConfig,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  fail: (line: string) => void,
): number {
  const [step, ...rest] = args;
  try {
    if (step === "deploy-key") {
      const dir = option(rest, "--dir") ?? SETUP_DIR;
      const line = generateDeployKey(dir, `${cfg.name}-deploy`);
      print(`private key: ${path.join(dir, "deploy_key")} (mode 0600; it becomes TF_VAR_ssh_private_key)`);
      print("add this line to machine.deployKeys in servarr.config.ts:");
      print(`  "${line}",`);
      return 0;
    }
    if (step === "known-hosts") {
      const address = rest.find((a, i) => !a.startsWith("--") && rest[i - 1] !== "--port" && rest[i - 1] !== "--host");
      const port = Number(option(rest, "--port") ?? 22);
      if (!address || !Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError([USAGE]);
      const model = loadModel(cfg, option(rest, "--host"));
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
      const results = checkBootstrapInputs(loadModel(cfg), env);
      for (const r of results)
        (r.problem ? fail : print)(`${r.problem ? "problem" : "ok     "} ${r.input}${r.problem ? `: ${r.problem}` : ""}`);
      const bad = results.filter((r) => r.problem).length;
      (bad ? fail : print)(bad ? `${bad} of ${results.length} inputs need attention` : `all ${results.length} bootstrap inputs look right`);
      return bad ? 1 : 0;
    }
    if (step === "env") {
      const outputsFile = option(rest, "--outputs");
      if (!outputsFile) throw new SetupError([USAGE]);
      const model = loadModel(cfg, option(rest, "--host"));
      const out = option(rest, "--out") ?? path.join(SETUP_DIR, `${model.host.name}.env`);
      const names = writeFirstEnv(model, readOutputs(readFileSync(outputsFile, "utf8")), env, out);
      print(`wrote ${out} (mode 0600): ${names.join(" ")}`);
      print(`copy it to the host as ${bundleDirOnHost(model.host)}/.env (root, 0600), then: docker compose up -d`);
      return 0;
    }
    fail(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof SetupError) {
      for (const p of error.problems) fail(`servarr setup: ${p}`);
      fail("nothing was written.");
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  const print = (l: string) => console.log(l);
  const fail = (l: string) => console.error(l);
  // The order of first-time setup is enforced before a step runs (stacks/setup-order.ts).
  void runInOrder(process.argv.slice(2), config, realContext(process.env), print, fail, (args) =>
    runSetup(args, config, process.env, print, fail),
  ).then((code) => {
    process.exitCode = code;
  });
}
