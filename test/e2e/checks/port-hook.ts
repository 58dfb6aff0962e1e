import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PORT_HOOK_MOUNT, PORT_HOOK_SCRIPT } from "../../../compose/render/project/port-forward-hook";
import { bundledScript } from "../../../compose/render/shell";
import { QBITTORRENT_USER } from "../../../compose/wire/plan";
import type { HostModel } from "../../../constructs/model/host-model";
import { docker, type Project, run, waitFor } from "../docker";
import { fakeAppCommand } from "../standin";
import { type CheckResult, checkResult } from "./checks";

/**
 * A forwarded port that moves, on the real engine: the bundle's hook (compose/scripts/qbittorrent-port.sh
 * as the bundle carries it) runs inside the gateway's stand-in container the way gluetun runs its
 * VPN_PORT_FORWARDING_UP_COMMAND (compose/render/project/port-forward-hook.ts: the script, {{PORT}},
 * qBittorrent's loopback URL, the user, the password file), with one port and then another; after
 * each, qBittorrent's listening port is read back through its API. A wrong password must fail and
 * leave the port alone.
 *
 * qBittorrent's API is its stand-in in the stack: the spec-faithful fake (test/wire/fake-others.ts,
 * run by test/e2e/fake-app.ts in qBittorrent's container, so on gluetun's loopback). For "qBittorrent
 * away" (after a VPN restart, until the restarter restarts it) the check stops that fake and starts
 * it again.
 */
const DIR = "/tmp/servarr-e2e-port-hook";

/** Logs in and reads listen_port from app/preferences, from inside the namespace (busybox wget). */
const readPort = (url: string, passwordFile: string) => `set -e
cd "$(mktemp -d)"
printf 'username=${QBITTORRENT_USER}&password=%s' "$(cat ${passwordFile})" >login
timeout 5 wget -q -S -O /dev/null --post-file login ${url}/api/v2/auth/login 2>headers || true
cookie=$(sed -n 's/^ *[Ss]et-[Cc]ookie: *\\(\\(QBT_\\)\\{0,1\\}SID[_0-9]*=[^;]*\\).*/\\1/p' headers | head -n 1)
timeout 5 wget -q -O - --header "Cookie: $cookie" ${url}/api/v2/app/preferences | sed -n 's/.*"listen_port": *\\([0-9]*\\).*/\\1/p'`;

/** `env`: the run's .env (the stand-ins' dummy secrets): qBittorrent's password is its entry. */
export async function portHook(
  project: Project,
  host: HostModel,
  work: string,
  env: Readonly<Record<string, string>>,
): Promise<CheckResult> {
  const name = "port-hook";
  const gateway = host.appWithRole("vpn-gateway");
  const client = host.apps.find((a) => a.vpn && a.props.api === "qbittorrent");
  const password = client?.apiKeySecret ? env[client.apiKeySecret] : undefined;
  if (!gateway || !client?.port || !password)
    return { name, ok: true, failures: [], line: `PASS ${name}: no VPN-routed qBittorrent in the model, nothing to follow` };
  const failures: string[] = [];
  const files = path.join(work, "port-hook");
  mkdirSync(files, { recursive: true });
  writeFileSync(path.join(files, PORT_HOOK_SCRIPT), bundledScript(PORT_HOOK_SCRIPT));
  writeFileSync(path.join(files, "password"), password, { mode: 0o400 });
  writeFileSync(path.join(files, "wrong"), "NotThePassword1", { mode: 0o400 });
  chmodSync(files, 0o755);
  const g = project.container(gateway.name);
  const q = project.container(client.name);
  await docker("exec", g, "mkdir", "-p", PORT_HOOK_MOUNT);
  await docker("cp", path.join(files, PORT_HOOK_SCRIPT), `${g}:${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT}`);
  await docker("cp", files, `${g}:${DIR}`);

  const url = `http://127.0.0.1:${client.port}`;
  const seenPort = async () => (await project.exec(gateway.name, readPort(url, `${DIR}/password`))).stdout.trim();
  if ((await seenPort()) === "") failures.push(`qBittorrent's stand-in does not answer its Web API at ${url} (test/e2e/fake-app.ts)`);

  const times: string[] = [];
  const move = async (port: number) => {
    const started = Date.now();
    const run = await docker(
      "exec",
      g,
      "/bin/sh",
      `${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT}`,
      String(port),
      url,
      QBITTORRENT_USER,
      `${DIR}/password`,
    ).catch((e: Error) => `FAILED ${e.message}`);
    const ms = Date.now() - started;
    const seen = await seenPort();
    times.push(`${port} in ${ms} ms`);
    if (!run.includes(`qBittorrent listens on the forwarded port ${port}`))
      failures.push(`hook for ${port}: ${run.trim() || "(no output)"}`);
    if (seen !== String(port)) failures.push(`after the hook for ${port}, qBittorrent's API says listen_port ${seen || "(nothing)"}`);
  };
  await move(51413);
  await move(40123);
  const wrong = await project.exec(
    gateway.name,
    `/bin/sh ${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT} 45000 ${url} ${QBITTORRENT_USER} ${DIR}/wrong`,
  );
  const after = await seenPort();
  if (wrong.code === 0 || !wrong.stderr.includes("(HTTP 401)"))
    failures.push(`a wrong password: exit ${wrong.code}, ${wrong.stderr.trim()}`);
  if (after !== "40123") failures.push(`a wrong password changed listen_port to ${after}`);
  // After a VPN restart qBittorrent is away until the restarter restarts it: the hook returns at
  // once and follows in the background, logging to the gateway's own log (its PID 1's output).
  // Stop the fake (its process, found by its command line) and wait until nothing answers.
  const stop = await project.exec(
    client.name,
    `for p in /proc/[0-9]*; do case "$(tr '\\0' ' ' <"$p/cmdline" 2>/dev/null)" in *fake-app.js*) kill "\${p#/proc/}" ;; esac; done`,
  );
  if ((await waitFor(async () => (await seenPort()) === "", 10_000, 100)) === undefined)
    failures.push(`qBittorrent away: its fake still answers after the stop (${stop.stderr.trim() || `exit ${stop.code}`})`);
  const started = Date.now();
  const away = await project.exec(
    gateway.name,
    `/bin/sh ${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT} 46000 ${url} ${QBITTORRENT_USER} ${DIR}/password`,
  );
  const returned = Date.now() - started;
  if (away.code !== 0 || !away.stdout.includes("not answering"))
    failures.push(`qBittorrent away: exit ${away.code}, ${away.stdout}${away.stderr}`);
  const back = Date.now();
  await docker("exec", "-d", q, "sh", "-c", fakeAppCommand(client.name, client.port));
  const applied = await waitFor(async () => (await seenPort()) === "46000", 15_000, 100);
  const logged = (await run("docker", ["logs", g])).stdout.includes("qbittorrent-port: qBittorrent listens on the forwarded port 46000");
  if (applied === undefined) failures.push("qBittorrent back: the port 46000 never arrived");
  if (!logged) failures.push(`qBittorrent back: no "listens on the forwarded port 46000" in ${gateway.name}'s log`);
  const later = `; with qBittorrent away the hook returned in ${returned} ms and set 46000 ${((Date.now() - back) / 1000).toFixed(1)} s after its API was started again (in ${gateway.name}'s log)`;
  await project.exec(gateway.name, `rm -rf ${DIR} ${PORT_HOOK_MOUNT}`);

  return checkResult(
    name,
    failures,
    `the bundle's hook in ${gateway.name}'s container moved ${client.name}'s listening port (${times.join(", ")}, docker exec included), read back through the API at ${url}; a wrong password fails (HTTP 401) and leaves it${later}`,
  );
}
