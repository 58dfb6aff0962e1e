import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ComposeFile } from "../../../compose/render/project/compose-spec";
import type { BackOff } from "../../../constructs/config/recovery";
import { docker, type Project, waitFor } from "../docker";
import type { Plan } from "../plan";
import { type CheckResult, checkResult, restarterLog } from "./checks";

const MB = 1024 * 1024;

interface Logging {
  driver: string;
  options: Record<string, string>;
}

/** Bytes of a container's log files on the engine's disk. */
async function logBytes(container: string): Promise<number> {
  const file = await docker("inspect", "-f", "{{.LogPath}}", container);
  // The local driver does not report LogPath; its files live in <root>/containers/<id>/local-logs/.
  const dir = file
    ? path.dirname(file)
    : path.join(
        await docker("info", "-f", "{{.DockerRootDir}}"),
        "containers",
        await docker("inspect", "-f", "{{.Id}}", container),
        "local-logs",
      );
  return readdirSync(dir)
    .filter((f) => f.startsWith("container.log") || f.endsWith("-json.log") || /-json\.log\.\d+/.test(f))
    .reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}

/**
 * 7. Bounded logs: every running container of the project has the generated log settings, and
 * a container run with them that writes four times the cap keeps its files within the cap.
 * Control: the same output under the engine's default (json-file, unbounded) exceeds it.
 */
export async function logCap(project: Project, compose: ComposeFile, image: string): Promise<CheckResult> {
  const name = "log cap";
  const failures: string[] = [];
  const settings = Object.values(compose.services).map((s) => s.logging as Logging | undefined);
  const logging = settings[0];
  if (!logging || settings.some((s) => JSON.stringify(s) !== JSON.stringify(logging)))
    return checkResult(name, ["not every service has the same generated logging"], "no cap to test");
  const ids = (await docker("ps", "-q", "--filter", `label=com.docker.compose.project=${project.name}`)).split("\n").filter(Boolean);
  for (const id of ids) {
    const config = JSON.parse(await docker("inspect", "-f", "{{json .HostConfig.LogConfig}}", id)) as {
      Type: string;
      Config: Record<string, string>;
    };
    const same = (a: Record<string, string>, b: Record<string, string>) =>
      Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
    if (config.Type !== logging.driver || !same(config.Config, logging.options))
      failures.push(`${id.slice(0, 12)} logs with ${JSON.stringify(config)}`);
  }
  const cap = Number.parseInt(logging.options["max-size"], 10) * MB * Number(logging.options["max-file"]);
  const written = 4 * cap;
  // Lines of 1000 characters, `written` bytes in all, then the container idles so its files can be read.
  const chatty = `yes ${"0123456789".repeat(100).slice(0, 999)} | head -c ${written}; sleep 600`;
  const opts = Object.entries(logging.options).flatMap(([k, v]) => ["--log-opt", `${k}=${v}`]);
  const run = async (label: string, driverArgs: string[]) => {
    const container = `${project.name}-chatty-${label}`;
    await docker("run", "-d", "--name", container, ...driverArgs, image, "sh", "-c", chatty);
    // Done when the log stops growing for 3 s.
    let last = -1;
    await waitFor(
      async () => {
        const now = await logBytes(container);
        const still = now === last;
        last = now;
        return still;
      },
      120_000,
      3000,
    );
    const bytes = await logBytes(container);
    await docker("rm", "-f", container);
    return bytes;
  };
  const capped = await run("capped", ["--log-driver", logging.driver, ...opts]);
  const unbounded = await run("default", ["--log-driver", "json-file"]);
  if (capped > cap) failures.push(`the capped container keeps ${(capped / MB).toFixed(1)} MB of logs, above the ${cap / MB} MB cap`);
  if (unbounded <= cap)
    failures.push(`control: the engine's default kept only ${(unbounded / MB).toFixed(1)} MB (the output is too small to test the cap)`);
  return checkResult(
    name,
    failures,
    `${ids.length} containers log with ${logging.driver} ${Object.entries(logging.options)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}; a container writing ${written / MB} MB keeps ${(capped / MB).toFixed(1)} MB on disk (cap ${cap / MB} MB); ` +
      `control: the engine's default json-file keeps ${(unbounded / MB).toFixed(1)} MB of the same output`,
  );
}

const startedAt = (project: Project, service: string) => project.inspect<string>(service, ".State.StartedAt");

/**
 * 8. Back-off: the gateway killed again and again, the restarter restarts its apps each time
 * until it has restarted them `restarts` times within the window; then it reports BACK-OFF for
 * each and leaves them alone (not restarted after the next kill). Afterwards the apps are
 * restarted by hand, turn healthy, and the restarter lifts the back-off.
 */
export async function backOff(project: Project, plan: Plan, limits: BackOff): Promise<CheckResult> {
  const name = "back-off";
  const gateway = plan.gateway;
  if (!gateway || plan.vpnApps.length === 0) return checkResult(name, [], "no VPN gateway with apps in the model");
  const failures: string[] = [];
  const apps = plan.vpnApps;
  const gaveUp = async () => {
    const lines = await restarterLog(project);
    return apps.every((a) => lines.some((l) => l.includes(`BACK-OFF ${project.container(a)}:`)));
  };
  let kills = 0;
  let restartedRounds = 0;
  while (!(await gaveUp()) && kills <= limits.restarts) {
    const before = await Promise.all(apps.map((a) => startedAt(project, a)));
    const pid = await project.inspect<number>(gateway, ".State.Pid");
    process.kill(pid, "SIGKILL");
    kills++;
    await waitFor(async () => (await project.inspect<{ Running: boolean; Pid: number }>(gateway, ".State")).Pid !== pid, 30_000);
    const restartedAll = await waitFor(
      async () =>
        (await gaveUp()) || (await Promise.all(apps.map((a, i) => startedAt(project, a).then((s) => s !== before[i])))).every(Boolean),
      30_000,
    );
    if (restartedAll !== undefined && !(await gaveUp())) restartedRounds++;
  }
  if (!(await gaveUp())) failures.push(`no BACK-OFF for every VPN app after ${kills} kills of ${gateway}`);
  // Left alone: one more kill, no restart of its apps.
  const before = await Promise.all(apps.map((a) => startedAt(project, a)));
  const pid = await project.inspect<number>(gateway, ".State.Pid");
  process.kill(pid, "SIGKILL");
  await sleepSeconds(10);
  const after = await Promise.all(apps.map((a) => startedAt(project, a)));
  const touched = apps.filter((_, i) => after[i] !== before[i]);
  if (touched.length > 0) failures.push(`after the back-off the restarter still restarted ${touched.join(", ")}`);
  const line = (await restarterLog(project)).find((l) => l.includes("BACK-OFF"));
  // Back to work for the checks after this one: restarted by hand, healthy, back-off lifted.
  await docker("restart", "-t", "2", ...apps.map((a) => project.container(a)));
  const lifted = await waitFor(
    async () => {
      const lines = await restarterLog(project);
      return apps.every((a) => lines.some((l) => l.includes(`${project.container(a)} is healthy again; the back-off is lifted`)));
    },
    240_000,
    2000,
  );
  if (lifted === undefined) failures.push("the back-off was not lifted after the apps turned healthy again");
  return checkResult(
    name,
    failures,
    `${kills} kills of ${gateway}: its ${apps.length} apps restarted ${restartedRounds} more times, then BACK-OFF for each ` +
      `(at most ${limits.restarts} restarts within ${limits.withinMinutes} min, the config's); after one more kill, ${touched.length} restarted in 10 s; ` +
      `restarted by hand, the back-off lifted when they were healthy ${lifted === undefined ? "never" : `after ${lifted.toFixed(0)} s`}; log: "${line ?? "none"}"`,
  );
}

const sleepSeconds = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * 10. Notifications: what the restarter did in the checks before this one (a restart of the
 * health check's app, the VPN recovery, the back-off) reached the local receiver that stands
 * for the channel (ntfy: POST to the topic URL, the title in a Title header), through the
 * restarter's egress network.
 */
export function notifications(file: string, project: Project, plan: Plan, url: string): CheckResult {
  const name = "notifications";
  const got = (existsSync(file) ? readFileSync(file, "utf8") : "")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { method: string; path: string; title?: string; body: string });
  const path = new URL(url).pathname;
  const expected = [
    { what: "a restart", test: (t: string) => t.startsWith("restarted ") },
    { what: "the VPN recovery", test: (t: string) => t === "VPN recovery" },
    ...(plan.vpnApps.length > 0
      ? plan.vpnApps.map((a) => ({ what: `the back-off of ${a}`, test: (t: string) => t === `BACK-OFF ${project.container(a)}` }))
      : []),
  ];
  const failures = expected
    .filter((e) => !got.some((n) => n.method === "POST" && n.path === path && e.test(n.title ?? "")))
    .map((e) => `no notification of ${e.what}`);
  const titles = [...new Set(got.map((n) => (n.title ?? "").replace(/ .*/, "")))];
  return checkResult(
    name,
    failures,
    `${got.length} notifications POSTed to the local receiver at ${url} (titles: ${titles.join(", ")}); each expected one arrived: ${expected.map((e) => e.what).join(", ")}` +
      (got[0]
        ? `; e.g. "${got.find((n) => n.title?.startsWith("restarted"))?.title}: ${got.find((n) => n.title?.startsWith("restarted"))?.body}"`
        : ""),
  );
}
