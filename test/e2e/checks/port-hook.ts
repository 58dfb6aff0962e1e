import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PORT_HOOK_MOUNT, PORT_HOOK_SCRIPT } from "../../../compose/render/project/port-forward-hook";
import { bundledScript } from "../../../compose/render/shell";
import { QBITTORRENT_USER } from "../../../compose/wire/plan";
import type { HostModel } from "../../../constructs/model/host-model";
import { docker, type Project, run, waitFor } from "../docker";
import { type CheckResult, checkResult } from "./checks";

/**
 * A forwarded port that moves, on the real engine: the bundle's hook (compose/scripts/qbittorrent-port.sh
 * as the bundle carries it) runs inside the gateway's stand-in container the way gluetun runs its
 * VPN_PORT_FORWARDING_UP_COMMAND (compose/render/project/port-forward-hook.ts: the script, {{PORT}},
 * qBittorrent's loopback URL, the user, the password file), with one port and then another; after
 * each, qBittorrent's listening port is read back through its API. A wrong password must fail and
 * leave the port alone.
 *
 * The API answering is qBittorrent's stand-in when it speaks the Web API (login gives a session
 * cookie); the plain busybox stand-in does not, so this check then starts its own minimal one in
 * qBittorrent's container (same namespace): busybox nc and sh answering the four calls the hook
 * makes as qBittorrent release-5.2.3 does (see test/compose/port-forward-hook-run.test.ts).
 */
const OWN_API_PORT = 18080;
const DIR = "/tmp/servarr-e2e-port-hook";

/** One HTTP exchange per connection (busybox `nc -ll -e`): the hook's four calls, with qBittorrent 5.2.3's answers. */
const MINIMAL_API = `set -u
port=$1 pw=$(cat ${DIR}/password) sid=c3RhbmQtaW4rLz0= state=${DIR}/listen_port
read -r method target _
len=0 cookie=
while IFS= read -r line; do
  line=$(printf '%s' "$line" | tr -d '\\r')
  [ -n "$line" ] || break
  case $line in
  [Cc]ontent-[Ll]ength:*) len=\${line#*: } ;;
  [Cc]ookie:*) cookie=\${line#*: } ;;
  esac
done
body=
[ "$len" -eq 0 ] || body=$(head -c "$len")
reply() { printf 'HTTP/1.1 %s\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n%b\\r\\n%s' "$1" "\${#3}" "$2" "$3"; }
if [ "$method $target" = "POST /api/v2/auth/login" ]; then
  if [ "$body" = "username=${QBITTORRENT_USER}&password=$pw" ]; then reply "204 No Content" "Set-Cookie: QBT_SID_$port=$sid; HttpOnly; path=/\\r\\n" ""
  else reply "401 Unauthorized" "" "Unauthorized"; fi
  exit 0
fi
[ "$cookie" = "QBT_SID_$port=$sid" ] || { reply "403 Forbidden" "" "Forbidden"; exit 0; }
case "$method $target" in
"POST /api/v2/app/setPreferences")
  new=$(printf '%s' "$body" | sed -n 's/^json=%7B%22listen_port%22%3A\\([0-9][0-9]*\\)%7D$/\\1/p')
  if [ -n "$new" ]; then echo "$new" >"$state"; reply "204 No Content" "" ""; else reply "400 Bad Request" "" "json"; fi ;;
"GET /api/v2/app/preferences") reply "200 OK" "Content-Type: application/json\\r\\n" "{\\"listen_port\\":$(cat "$state"),\\"save_path\\":\\"/data/torrents/\\"}" ;;
"POST /api/v2/auth/logout") reply "200 OK" "" "" ;;
*) reply "404 Not Found" "" "Not Found" ;;
esac
`;

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
  writeFileSync(path.join(files, "api.sh"), MINIMAL_API);
  writeFileSync(path.join(files, "password"), password, { mode: 0o400 });
  writeFileSync(path.join(files, "wrong"), "NotThePassword1", { mode: 0o400 });
  chmodSync(files, 0o755);
  const g = project.container(gateway.name);
  const q = project.container(client.name);
  await docker("exec", g, "mkdir", "-p", PORT_HOOK_MOUNT);
  await docker("cp", path.join(files, PORT_HOOK_SCRIPT), `${g}:${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT}`);
  await docker("cp", files, `${g}:${DIR}`);

  // qBittorrent's own stand-in, if it speaks the API; else the minimal one, in its namespace.
  let url = `http://127.0.0.1:${client.port}`;
  let own = false;
  const seenPort = async () => (await project.exec(gateway.name, readPort(url, `${DIR}/password`))).stdout.trim();
  const startApi = async () => {
    await docker("exec", "-d", q, "sh", "-c", `nc -ll -p ${OWN_API_PORT} -e sh ${DIR}/api.sh ${OWN_API_PORT} & echo $! >${DIR}/nc.pid`);
    return waitFor(async () => (await seenPort()) !== "", 10_000, 100);
  };
  if ((await project.exec(gateway.name, readPort(url, `${DIR}/password`))).stdout.trim() === "") {
    own = true;
    url = `http://127.0.0.1:${OWN_API_PORT}`;
    await docker("cp", files, `${q}:${DIR}`);
    await project.exec(client.name, `echo 6881 >${DIR}/listen_port`);
    if ((await startApi()) === undefined) failures.push(`the minimal API stand-in did not answer at ${url}`);
  }

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
  let later = "";
  if (own) {
    await project.exec(client.name, `kill "$(cat ${DIR}/nc.pid)"`);
    const started = Date.now();
    const away = await project.exec(
      gateway.name,
      `/bin/sh ${PORT_HOOK_MOUNT}/${PORT_HOOK_SCRIPT} 46000 ${url} ${QBITTORRENT_USER} ${DIR}/password`,
    );
    const returned = Date.now() - started;
    if (away.code !== 0 || !away.stdout.includes("not answering"))
      failures.push(`qBittorrent away: exit ${away.code}, ${away.stdout}${away.stderr}`);
    const back = Date.now();
    await startApi();
    const applied = await waitFor(async () => (await seenPort()) === "46000", 10_000, 100);
    const logged = (await run("docker", ["logs", g])).stdout.includes("qbittorrent-port: qBittorrent listens on the forwarded port 46000");
    if (applied === undefined) failures.push("qBittorrent back: the port 46000 never arrived");
    if (!logged) failures.push(`qBittorrent back: no "listens on the forwarded port 46000" in ${gateway.name}'s log`);
    later = `; with qBittorrent away the hook returned in ${returned} ms and set 46000 ${((Date.now() - back) / 1000).toFixed(1)} s after it answered again (in ${gateway.name}'s log)`;
    await project.exec(client.name, `kill "$(cat ${DIR}/nc.pid)"; rm -rf ${DIR}`);
  }
  await project.exec(gateway.name, `rm -rf ${DIR} ${PORT_HOOK_MOUNT}`);

  return checkResult(
    name,
    failures,
    `the bundle's hook in ${gateway.name}'s container moved ${client.name}'s listening port (${times.join(", ")}, docker exec included), read back through the API${own ? ` of the check's minimal stand-in at ${url}` : ` at ${url}`}; a wrong password fails (HTTP 401) and leaves it${later}`,
  );
}
