import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { renderYaml } from "../../compose/render/render";
import { NOTIFY_SECRET } from "../../constructs/config/recovery";
import { restarterApi } from "../../constructs/runtime/support";
import { config } from "../../servarr.config";
import { buildApp } from "../../stacks/synth";
import { breakExtraNetwork, breakIngressPort } from "./breaks";
import { backupFailure } from "./checks/backup-report";
import { type CheckResult, gluetun, health, healthTarget, isolation, reach, recovery } from "./checks/checks";
import { backOff, logCap, notifications } from "./checks/healing";
import { portHook } from "./checks/port-hook";
import { proxy } from "./checks/proxy";
import { restore } from "./checks/restore";
import { wire } from "./checks/wire";
import { Project, run } from "./docker";
import { fakedApps, fakeWorld, prepareHost, readWiringPlan } from "./fake-world";
import { buildPlan, type Plan, readCompose, readTerraform } from "./plan";
import { runMain, summarize } from "./run-checks";
import { secretFiles } from "./secrets";
import { standInProject } from "./standin";

/**
 * The e2e run (test/e2e/run.sh prepares the engine): renders the generated project with
 * stand-ins, brings it up, prints one line per check and per negative control, exits 1 on
 * any failure. `--break ingress-port|extra-network` plants one broken promise first: the run
 * must then fail.
 */
const BREAKS = ["ingress-port", "extra-network"] as const;
type Break = (typeof BREAKS)[number];

const { values } = parseArgs({
  options: {
    work: { type: "string" },
    image: { type: "string" },
    "socket-image": { type: "string" },
    "node-image": { type: "string" },
    socket: { type: "string" },
    outside: { type: "string" },
    netns: { type: "string" },
    break: { type: "string" },
    limit: { type: "string", default: "240" },
    "notify-url": { type: "string" },
    "notify-log": { type: "string" },
  },
});

function need(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new Error(`missing --${name}`);
  return value;
}

/** The isolation check, run after one unrelated app joins a network of another, must fail naming that pair. */
async function extraNetworkControl(
  project: Project,
  compose: ComposeFile,
  plan: Plan,
  work: string,
  outside: string,
): Promise<CheckResult> {
  const name = "control extra-network";
  let b: ReturnType<typeof breakExtraNetwork>;
  try {
    b = breakExtraNetwork(compose, plan);
  } catch (error) {
    return { name, ok: false, failures: [String(error)], line: `FAIL ${name}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const brokenFile = path.join(work, "compose.extra-network.yaml");
  writeFileSync(brokenFile, renderYaml(b.compose));
  await new Project(plan.project, brokenFile).compose("up", "-d", "--no-deps", "--wait", b.from);
  const leak = await isolation(project, plan, outside);
  const named = leak.failures.filter((f) => f.startsWith(`${b.from} reaches ${b.to} `) || f.startsWith(`${b.to} reaches ${b.from} `));
  const ok = !leak.ok && named.length > 0;
  return {
    name,
    ok,
    failures: ok ? [] : ["isolation did not report the planted leak"],
    line: `${ok ? "PASS" : "FAIL"} ${name}: with ${b.from} also on ${b.network}, isolation fails: ${named.join("; ") || "(no leak named)"}`,
  };
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = need("work");
  const outside = need("outside");
  const limitMs = Number(values.limit) * 1000;
  const planted = values.break as Break | undefined;
  if (planted !== undefined && !BREAKS.includes(planted)) throw new Error(`--break: one of ${BREAKS.join(", ")}, not ${planted}`);

  // The model and what synth wrote from it: the committed bundle and cdktf.out.
  const { hosts } = buildApp(config, path.join(work, "cdktf-unused"));
  const host = hosts[0];
  const generated = readCompose(path.resolve("compose", host.name, "compose.yaml"));
  let plan = buildPlan(host, generated, readTerraform(path.resolve("cdktf.out", "stacks", "servarr", "cdk.tf.json")));

  // The wire job's plan as synth wrote it; its apps run their spec-validating fakes on the Node stand-in.
  const planFile = path.resolve("compose", host.name, "wire", "plan.json");
  const wiring = existsSync(planFile) ? readWiringPlan(planFile) : undefined;
  const worldFile = path.join(work, "fakes", "world.json");
  const hostRoot = path.join(work, "host");
  const standIn = standInProject(generated, plan, {
    image: need("image"),
    socketImage: need("socket-image"),
    hostRoot,
    www: path.join(work, "www"),
    engineSocket: need("socket"),
    node: { image: need("node-image"), repo: path.resolve("."), world: worldFile, fakes: wiring ? fakedApps(wiring) : new Map() },
  });
  for (const line of standIn.substitutions) console.log(`  stand-in ${line}`);
  for (const dir of standIn.hostDirs) mkdirSync(dir, { recursive: true, mode: 0o777 });
  if (wiring) {
    prepareHost(host, generated, wiring, hostRoot);
    mkdirSync(path.dirname(worldFile), { recursive: true });
    writeFileSync(worldFile, JSON.stringify(fakeWorld(host, wiring, generated, plan, standIn.env, standIn.paths)));
  }
  for (const page of standIn.paths) {
    // A page that is also a directory of another (SABnzbd's /api, Seerr's /api/v1/status) is its
    // index.html: busybox httpd redirects /api to /api/ and wget follows.
    const isDir = standIn.paths.some((other) => other.startsWith(`${page}/`));
    const file = path.join(work, "www", page, ...(isDir ? ["index.html"] : []));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "ok\n", { mode: 0o644 });
  }
  // The notification channel: the run's local receiver instead of a real ntfy/Apprise URL.
  const env = { ...standIn.env, ...(NOTIFY_SECRET in standIn.env ? { [NOTIFY_SECRET]: need("notify-url") } : {}) };
  writeFileSync(
    path.join(work, ".env"),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  // Files the project mounts by relative path (the proxy's generated config), exactly as committed.
  // Files and folders (the wire job's wire/) the services mount by relative path.
  for (const file of standIn.bundleFiles) cpSync(path.resolve("compose", host.name, file), path.join(work, file), { recursive: true });
  let compose = standIn.compose;
  if (planted === "ingress-port") {
    const { ingress, broken } = breakIngressPort(plan);
    plan = { ...plan, ingress };
    console.log(`  --break ingress-port: the tunnel config now says ${broken}`);
  }
  if (planted === "extra-network") {
    const b = breakExtraNetwork(compose, plan);
    compose = b.compose;
    console.log(`  --break extra-network: ${b.from} joins ${b.network} (a network of ${b.to}; no declared relation)`);
  }
  const file = path.join(work, "compose.yaml");
  writeFileSync(file, renderYaml(compose));

  // The host's LAN address(es) from published ports exist in the engine's namespace, so ports stay as generated.
  const lan = new Set(
    Object.values(compose.services).flatMap((s) =>
      (s.ports ?? [])
        .map((p) => p.split(":"))
        .filter((p) => p.length === 3)
        .map((p) => p[0]),
    ),
  );
  for (const address of lan) await run("ip", ["-n", need("netns"), "addr", "add", `${address}/32`, "dev", "lo"]);

  const project = new Project(plan.project, file);
  const up = Date.now();
  await project.compose("up", "-d", "--wait", "--wait-timeout", String(limitMs / 1000));
  const healthyAt = Date.now();
  console.log(`  up: ${Object.keys(compose.services).length} services healthy/running in ${((healthyAt - up) / 1000).toFixed(1)} s`);

  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    console.log(r.line);
  };
  const probes = async () => {
    report(await reach(project, plan));
    report(await isolation(project, plan, outside));
    report(await gluetun(project, plan));
  };
  // First, as deploy.sh does once the apps are healthy: the wire job (its next run beside the probes).
  if (wiring) {
    const seerr = host.apps.find((a) => a.props.api === "seerr" && wiring.apps.some((w) => w.name === a.name));
    report(await wire(project, wiring, seerr?.configDir && `${hostRoot}${seerr.configDir}/settings.json`, healthyAt, probes));
  } else await probes();
  // After the wire job's runs (which set qBittorrent's preferences): the forwarded port moves.
  report(await portHook(project, host, work, env));
  // Independent containers, one restarter: the two slow checks run side by side.
  const [recovered, healed] = await Promise.all([recovery(project, plan, limitMs), health(project, plan, limitMs)]);
  report(recovered);
  report(healed);
  report(await backOff(project, plan, host.recovery.backOff));
  if (host.recovery.notify) report(notifications(need("notify-log"), project, plan, need("notify-url")));
  if (host.recovery.notify && host.appWithRole("backup"))
    report(await backupFailure(project, generated, host, work, need("notify-log"), need("notify-url")));
  report(await logCap(project, compose, need("image")));
  const restoreTarget = await healthTarget(project, plan);
  if (restoreTarget) report(await restore(project, host, work, path.join(work, "host"), restoreTarget));

  if (planted === undefined) {
    // Negative controls: the same checks, fed one broken promise each, must fail.
    const { ingress, broken } = breakIngressPort(plan);
    const wrong = await reach(project, { ...plan, ingress });
    report({
      name: "control ingress-port",
      ok: !wrong.ok && wrong.failures.some((f) => f.includes(broken)),
      failures: wrong.ok ? ["reach passed with a wrong ingress port"] : [],
      line: `${!wrong.ok ? "PASS" : "FAIL"} control ingress-port: with ${broken} in the tunnel config, reach fails: ${wrong.failures.filter((f) => f.includes(broken)).join("; ")}`,
    });
    report(await extraNetworkControl(project, compose, plan, work, outside));
  }
  const envOnly = new Map(
    Object.keys(compose.services).flatMap((service) => {
      const app = host.app(service) ?? host.apps.find((a) => a.role?.kind === "backup" && service.startsWith(`${a.name}-`));
      const why = app?.props.reasons?.["secret-environment"];
      return why ? [[service, why] as const] : [];
    }),
  );
  report(await secretFiles(project, compose, env, envOnly));
  if (envOnly.size > 0) {
    // Negative control: the same scan with no named reason must find the env-only images' markers.
    const control = await secretFiles(project, compose, env, new Map());
    const named = control.failures.filter((f) => [...envOnly.keys()].some((s) => f.startsWith(`${s}: Config.Env holds`)));
    report({
      name: "control secret-environment",
      ok: !control.ok && named.length > 0,
      failures: named.length > 0 ? [] : ["the scan found no marker in the env-only images' Config.Env"],
      line: `${named.length > 0 ? "PASS" : "FAIL"} control secret-environment: without the named reasons the scan fails: ${named.join("; ") || "(nothing found)"}`,
    });
  }
  // Last: it restarts one app through the proxy.
  const own = await healthTarget(project, plan);
  if (own) report(await proxy(project, restarterApi(host), Object.values(standIn.env), own, need("socket")));
  else report({ name: "proxy", ok: false, failures: ["no app to restart"], line: "FAIL proxy: no app with a healthcheck to restart" });

  return summarize("e2e", results, started);
}

runMain("e2e", main);
