import { readlinkSync } from "node:fs";
import { RESTARTER } from "../../../constructs/runtime/support";
import { docker, type Project, run, waitFor } from "../docker";
import type { Plan } from "../plan";

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** The one line printed for the check, with its figures. */
  readonly line: string;
  readonly failures: readonly string[];
}

/** A check's result: PASS or FAIL, its summary, and on failure the first 8 failures (and how many more). */
export function checkResult(name: string, failures: readonly string[], summary: string): CheckResult {
  const ok = failures.length === 0;
  const shown = failures.slice(0, 8).join("; ") + (failures.length > 8 ? `; +${failures.length - 8} more` : "");
  return { name, ok, failures, line: `${ok ? "PASS" : "FAIL"} ${name}: ${summary}${ok ? "" : ` — ${shown}`}` };
}

const portOf = (url: string) => Number(new URL(url).port);
const hostOf = (url: string) => new URL(url).hostname;
const secs = (s: number | undefined) => (s === undefined ? "never" : `${s.toFixed(1)} s`);

/** The issue's targets: VPN apps answer again within this after the engine restarted the gateway... */
export const RECOVERY_TARGET_SECONDS = 20;
/** ...and a container whose service died is restarted within this after the failure. */
export const RESTART_TARGET_SECONDS = 60;

/** 1. Every ingress origin of the synthesized tunnel config answers from the connector's namespace. */
export async function reach(project: Project, plan: Plan, ingress: readonly string[] = plan.ingress): Promise<CheckResult> {
  if (!plan.connector) return checkResult("reach", ["the model has no tunnel connector"], "nothing to check");
  const urls = [...new Set(ingress)];
  const answered = await project.fetchAll(plan.connector, urls);
  const missing = urls.filter((u) => !answered.has(u));
  const viaGateway = urls.filter((u) => hostOf(u) === plan.gateway).length;
  return checkResult(
    "reach",
    missing.map((u) => `${u} does not answer from ${plan.connector}`),
    `${answered.size}/${urls.length} ingress origins of cdk.tf.json answer from ${plan.connector}'s namespace (${viaGateway} via ${plan.gateway ?? "no gateway"}: ${urls
      .filter((u) => hostOf(u) === plan.gateway)
      .map(portOf)
      .join(",")})`,
  );
}

interface Attachment {
  readonly ips: readonly string[];
  readonly networks: readonly string[];
}

async function attachments(project: Project, plan: Plan): Promise<Map<string, Attachment>> {
  const entries = await Promise.all(
    [...plan.positions.keys()].map(async (service) => {
      const nets = await project.inspect<Record<string, { IPAddress: string }> | null>(service, ".NetworkSettings.Networks");
      const list = Object.entries(nets ?? {});
      return [service, { networks: list.map(([n]) => n), ips: list.map(([, v]) => v.IPAddress).filter(Boolean) }] as const;
    }),
  );
  return new Map(entries);
}

/**
 * 2. Unrelated positions reach each other neither by service name nor by any of their IPs on
 * any declared port; every declared relation answers; containers on internal networks only
 * have no path to an address outside the engine (`outside`), the others do (the probe works).
 */
export async function isolation(project: Project, plan: Plan, outside: string): Promise<CheckResult> {
  const attached = await attachments(project, plan);
  const wrong = new Map<string, string[]>();
  const probes = new Map<string, { url: string; expect: boolean; what: string }[]>();
  const add = (from: string, url: string, expect: boolean, what: string) =>
    probes.set(from, [...(probes.get(from) ?? []), { url, expect, what }]);

  for (const [p, q] of plan.isolatedPairs) {
    for (const [from, to] of [
      [p, q],
      [q, p],
    ]) {
      const target = plan.positions.get(to);
      for (const port of target?.ports.keys() ?? []) {
        for (const address of [to, ...(attached.get(to)?.ips ?? [])])
          add(from, `http://${address}:${port}/`, false, `${from} reaches ${to}`);
      }
    }
  }
  for (const r of plan.relations) add(r.from, `${r.url}/`, true, `${r.from} cannot reach ${r.app} (declared)`);

  const internal = new Map<string, boolean>();
  for (const { networks } of attached.values())
    for (const n of networks)
      if (!internal.has(n)) internal.set(n, (await docker("network", "inspect", "-f", "{{.Internal}}", n)) === "true");
  // The model says which namespaces may leave the host; the engine must agree, both ways.
  const egress = (s: string) => plan.positions.get(s)?.egress === true;
  for (const service of plan.positions.keys())
    add(
      service,
      `http://${outside}/`,
      egress(service),
      egress(service) ? `${service} has no egress (the model gives it some)` : `${service} reaches ${outside}`,
    );

  let count = 0;
  await Promise.all(
    [...probes].map(async ([from, list]) => {
      const answered = await project.fetchAll(from, [...new Set(list.map((p) => p.url))]);
      count += list.length;
      for (const p of list) if (answered.has(p.url) !== p.expect) wrong.set(p.what, [...(wrong.get(p.what) ?? []), p.url]);
    }),
  );
  const failures = [...wrong].map(([what, urls]) => `${what} at ${urls[0]}${urls.length > 1 ? ` (+${urls.length - 1} more)` : ""}`);
  const internalOnly = [...plan.positions.keys()].filter((s) => !egress(s));
  const internalNets = [...internal].filter(([, i]) => i).length;
  return checkResult(
    "isolation",
    failures,
    `${plan.isolatedPairs.length} unrelated pairs of namespaces ${failures.length === 0 ? "isolated" : "probed"} by name and IP, ${plan.relations.length} declared relations ${failures.length === 0 ? "answer" : "probed"}, ` +
      `${internalOnly.length} namespaces without egress in the model cannot reach ${outside}, ${plan.positions.size - internalOnly.length} with egress can ` +
      `(${internalNets}/${internal.size} networks internal; ${count} probes)`,
  );
}

/** The restarter's log lines (what the monitor or a person reads). */
export async function restarterLog(project: Project): Promise<string[]> {
  const out = await run("docker", ["logs", project.container(RESTARTER)]);
  return (out.stdout + out.stderr).split("\n").filter(Boolean);
}

const netnsOf = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);

/** 3. VPN apps run in the gateway's network namespace and have no network of their own. */
export async function gluetun(project: Project, plan: Plan): Promise<CheckResult> {
  const gateway = plan.gateway;
  if (!gateway) return checkResult("gluetun", plan.vpnApps.length > 0 ? ["VPN apps without a gateway"] : [], "no VPN gateway in the model");
  const id = await project.inspect<string>(gateway, ".Id");
  const gatewayNs = netnsOf(await project.inspect<number>(gateway, ".State.Pid"));
  const failures: string[] = [];
  const wrong = new Set<string>();
  for (const app of plan.vpnApps) {
    const mode = await project.inspect<string>(app, ".HostConfig.NetworkMode");
    const networks = Object.keys((await project.inspect<Record<string, unknown> | null>(app, ".NetworkSettings.Networks")) ?? {});
    const ns = netnsOf(await project.inspect<number>(app, ".State.Pid"));
    const problems = [
      mode === `container:${id}` ? "" : `${app} network mode is ${mode}`,
      networks.length === 0 ? "" : `${app} has networks ${networks.join(",")}`,
      ns === gatewayNs ? "" : `${app} is in ${ns}, ${gateway} in ${gatewayNs}`,
    ].filter(Boolean);
    if (problems.length > 0) wrong.add(app);
    failures.push(...problems);
  }
  return checkResult(
    "gluetun",
    failures,
    `${plan.vpnApps.length - wrong.size}/${plan.vpnApps.length} VPN apps share ${gateway}'s ${gatewayNs} and have no network of their own`,
  );
}

/** Where the gateway's dependents are probed from: the connector, else any position with a declared relation to them. */
function gatewayProbe(plan: Plan): { from: string; urls: string[] } | undefined {
  const urls = plan.relations.filter((r) => r.to === plan.gateway).map((r) => r.url);
  const from =
    plan.relations.find((r) => r.to === plan.gateway && r.from === plan.connector)?.from ??
    plan.relations.find((r) => r.to === plan.gateway)?.from;
  return from ? { from, urls: [...new Set(urls.filter((u) => plan.relations.some((r) => r.from === from && r.url === u)))] } : undefined;
}

/**
 * 4. kill -9 of the gateway's main process: the engine restarts it (restart policy) in a new
 * namespace; the dependents must regain connectivity through the compose mechanism.
 */
export async function recovery(project: Project, plan: Plan, limitMs: number): Promise<CheckResult> {
  const gateway = plan.gateway;
  const probe = gatewayProbe(plan);
  if (!gateway || !probe) return checkResult("recovery", [], "no VPN gateway with reachable dependents in the model");
  const all = async () => (await project.fetchAll(probe.from, probe.urls)).size === probe.urls.length;
  if (!(await all())) return checkResult("recovery", ["the dependents did not answer before the kill"], "not started");
  const pid = await project.inspect<number>(gateway, ".State.Pid");
  const start = Date.now();
  process.kill(pid, "SIGKILL");
  const restarted = await waitFor(async () => {
    const state = await project.inspect<{ Running: boolean; Pid: number }>(gateway, ".State");
    return state.Running && state.Pid !== pid;
  }, limitMs);
  const lost = restarted === undefined ? 0 : probe.urls.length - (await project.fetchAll(probe.from, probe.urls)).size;
  const back = await waitFor(all, Math.max(0, limitMs - (Date.now() - start)), 1000);
  const total = back === undefined ? undefined : (Date.now() - start) / 1000;
  const afterBack = total === undefined || restarted === undefined ? undefined : total - restarted;
  const byEvent = (await restarterLog(project)).some((l) => l.includes("VPN recovery"));
  const failures: string[] = [];
  if (restarted === undefined) failures.push(`the engine did not restart ${gateway}`);
  if (afterBack !== undefined && afterBack > RECOVERY_TARGET_SECONDS)
    failures.push(`the apps answered ${afterBack.toFixed(1)} s after ${gateway} was back, above the ${RECOVERY_TARGET_SECONDS} s target`);
  if (total === undefined) {
    const answered = await project.fetchAll(probe.from, probe.urls);
    failures.push(`still unreachable after ${limitMs / 1000} s: ${probe.urls.filter((u) => !answered.has(u)).join(", ")}`);
  }
  return checkResult(
    "recovery",
    failures,
    `kill -9 ${gateway} (pid ${pid}): engine restarted it after ${secs(restarted)}, ${lost}/${probe.urls.length} dependents then unreachable from ${probe.from}; ` +
      `all answer again via ${gateway} ${secs(afterBack)} after it was back (target ${RECOVERY_TARGET_SECONDS} s; ${secs(total)} after the kill; ` +
      `${byEvent ? "the restarter's event path restarted them" : "no VPN recovery line from the restarter"})`,
  );
}

/** The stand-in the health check breaks: the first app with its own namespace, a port and a healthcheck. */
export async function healthTarget(project: Project, plan: Plan): Promise<string | undefined> {
  for (const position of plan.positions.values()) {
    const service = position.service;
    if (service === plan.gateway || service === plan.connector || !plan.apps.includes(service) || position.ports.size === 0) continue;
    const hc = await project.inspect<unknown>(service, ".Config.Healthcheck");
    if (hc) return service;
  }
  return undefined;
}

/** 5. An app whose server dies while its container keeps running is restarted by the self-healing layer. */
export async function health(project: Project, plan: Plan, limitMs: number): Promise<CheckResult> {
  const target = await healthTarget(project, plan);
  if (!target) return checkResult("health", ["no app with a healthcheck"], "nothing to break");
  const before = await project.inspect<{ StartedAt: string }>(target, ".State");
  const restarts = await project.inspect<number>(target, ".RestartCount");
  const start = Date.now();
  const killed = await project.exec(target, "killall httpd");
  if (killed.code !== 0) return checkResult("health", [`could not kill httpd in ${target}: ${killed.stderr.trim()}`], "not started");
  const status = () => project.inspect<string>(target, ".State.Health.Status").catch(() => "none");
  // The restarter acts on the engine's unhealthy event at once: watch both in one loop (the
  // unhealthy state may last less than one poll).
  let unhealthy: number | undefined;
  const restarted = await waitFor(
    async () => {
      const state = await project.inspect<{ StartedAt: string; Health?: { Status: string } }>(target, ".State");
      if (unhealthy === undefined && state.Health?.Status === "unhealthy") unhealthy = (Date.now() - start) / 1000;
      return state.StartedAt !== before.StartedAt;
    },
    limitMs,
    250,
  );
  const cause = (await restarterLog(project)).find((l) => l.includes(`restarting ${project.container(target)}: unhealthy`));
  const atRestart = (Date.now() - start) / 1000;
  const healthy = restarted === undefined ? undefined : await waitFor(async () => (await status()) === "healthy", limitMs);
  const failures: string[] = [];
  if (unhealthy === undefined && cause === undefined) failures.push(`${target} never became unhealthy`);
  if (restarted !== undefined && cause === undefined)
    failures.push(`the restarter's log has no line restarting ${target} for being unhealthy`);
  if (restarted === undefined) failures.push(`${target} was not restarted within ${limitMs / 1000} s`);
  if (restarted !== undefined && atRestart > RESTART_TARGET_SECONDS)
    failures.push(`${target} was restarted ${atRestart.toFixed(1)} s after its service died, above the ${RESTART_TARGET_SECONDS} s target`);
  if (restarted !== undefined && healthy === undefined) failures.push(`${target} did not become healthy again`);
  const byPolicy = (await project.inspect<number>(target, ".RestartCount")) !== restarts;
  return checkResult(
    "health",
    failures,
    `killed httpd in ${target}: unhealthy after ${secs(unhealthy)}, restarted after ${restarted === undefined ? "never" : `${atRestart.toFixed(1)} s`} (target ${RESTART_TARGET_SECONDS} s) ` +
      `(${byPolicy ? "by the engine's restart policy" : "container kept running, so not the engine's restart policy"}; restarter: "${cause ?? "no line"}"), healthy again ${healthy === undefined ? "never" : `${(atRestart + healthy).toFixed(1)} s`} after the kill`,
  );
}
