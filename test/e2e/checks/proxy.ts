import { request } from "node:http";
import { DOCKER_API_PORT, REFUSED_STATUS } from "../../../compose/render/project/docker-api-proxy";
import type { DockerApiClient } from "../../../constructs/runtime/support";
import { docker, type Project } from "../docker";
import { type CheckResult, checkResult } from "./checks";

/** One raw request to a Docker API proxy, sent from its client's container. */
export interface ProxyCall {
  readonly method: string;
  /** Request target exactly as sent (path and query, or an absolute URL). */
  readonly target: string;
  readonly allowed: boolean;
  readonly what: string;
}

/** What HAProxy's built-in 403 page says: a refusal by the proxy, not an error of the engine. */
const HAPROXY_REFUSAL = "Request forbidden by administrative rules";

/**
 * The calls the model allows (each must be answered by the engine: 2xx) and a table of calls a
 * compromised client would try (each must get the proxy's 403, i.e. never reach the engine).
 * `own` is a container of the project the client may restart; `foreign` one of another project.
 */
export function proxyCalls(api: DockerApiClient, own: { name: string; id: string }, foreign: string): ProxyCall[] {
  // Of the restarts, only the one of `own` is sent: the others would restart the whole project.
  const restarts = (c: DockerApiClient["calls"][number]) => c.method === "POST" && c.path.endsWith("/restart");
  const sent = api.calls.filter((c) => !restarts(c) || c.path === `/containers/${own.name}/restart`);
  const allowed = sent.map((c) => ({
    method: c.method,
    target: c.query === undefined ? c.path : `${c.path}?${c.query}`,
    allowed: true,
    what: c.why,
  }));
  const list = api.calls.find((c) => c.path === "/containers/json");
  const restart = api.calls.find((c) => c.path === `/containers/${own.name}/restart`);
  const refused: Array<[string, string, string]> = [
    ["GET", `/containers/${own.name}/json`, "inspect (every container's environment)"],
    ["GET", `/containers/${own.id}/json`, "inspect by id"],
    ["GET", `/v1.41/containers/${own.name}/json`, "inspect with an API version prefix"],
    ["HEAD", `/containers/${own.name}/json`, "inspect with HEAD"],
    ["GET", "/containers/json", "list without the filter (every container of every project)"],
    ["GET", `/containers/json?all=1&${list?.query ?? ""}`, "list with another query"],
    ["GET", `/v1.41/containers/json?${list?.query ?? ""}`, "list with an API version prefix"],
    ["POST", "/containers/create", "create (a privileged container is root on the host)"],
    ["POST", `/containers/${own.name}/exec`, "exec"],
    ["POST", "/exec/0000/start", "exec start"],
    ["POST", `/containers/${own.name}/attach?stream=1&stdout=1`, "attach"],
    ["GET", `/containers/${own.name}/logs?stdout=1&stderr=1`, "logs"],
    ["GET", `/containers/${own.name}/archive?path=/`, "archive: read files"],
    ["PUT", `/containers/${own.name}/archive?path=/`, "archive: write files"],
    ["GET", `/containers/${own.name}/export`, "export the filesystem"],
    ["POST", `/containers/${own.name}/stop?t=30`, "stop"],
    ["POST", `/containers/${own.name}/kill`, "kill"],
    ["DELETE", `/containers/${own.name}?force=1`, "remove"],
    ["POST", `/containers/${own.name}/update`, "update limits"],
    ["POST", `/containers/${own.id}/restart?${restart?.query ?? ""}`, "restart by id instead of by name"],
    ["POST", `/containers/${foreign}/restart?${restart?.query ?? ""}`, "restart a container of another project"],
    ["POST", `/containers/${own.name}/restart`, "restart with another query"],
    ["GET", `/containers/${own.name}/restart?${restart?.query ?? ""}`, "restart path with GET"],
    ["GET", `/containers/json/../${own.name}/json?${list?.query ?? ""}`, "dot segments"],
    ["GET", `//containers/json?${list?.query ?? ""}`, "double slash"],
    ["GET", `/containers%2Fjson?${list?.query ?? ""}`, "encoded slash"],
    ["GET", `http://${api.proxy}/containers/${own.name}/json`, "absolute-form inspect"],
    ["GET", "/secrets", "secrets"],
    ["GET", "/configs", "configs"],
    ["GET", "/volumes", "volumes"],
    ["POST", "/volumes/create", "create a volume"],
    ["GET", "/images/json", "images"],
    ["POST", "/images/create?fromImage=busybox", "pull an image"],
    ["POST", "/build", "build"],
    ["GET", "/events", "events of every project"],
    ["GET", `/events?filters=${encodeURIComponent('{"type":["container"]}')}`, "events with another filter"],
    ["GET", "/info", "engine info"],
    ["GET", "/version", "version"],
    ["GET", "/networks", "networks"],
    ["POST", "/networks/create", "create a network"],
    ["GET", "/system/df", "disk usage"],
    ["GET", "/plugins", "plugins"],
    ["POST", "/session", "session (BuildKit)"],
  ];
  return [...allowed, ...refused.map(([method, target, what]) => ({ method, target, allowed: false, what }))];
}

/** Sends one call from the client's container with busybox nc; resolves to the raw response. */
async function send(project: Project, client: string, proxy: string, call: ProxyCall): Promise<string> {
  // printf's format: a literal % (the query's percent-encoding) is written %%.
  const target = call.target.replaceAll("%", "%%");
  const head = `${call.method} ${target} HTTP/1.1\\r\\nHost: ${proxy}\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n`;
  // An allowed event stream never ends on its own: its first seconds (the status line) are enough.
  const limit = call.allowed && call.target.startsWith("/events?") ? 5 : 40;
  const result = await project.exec(client, `printf '${head}' | timeout ${limit} nc ${proxy} ${DOCKER_API_PORT}`, 60_000);
  return result.stdout;
}

/** The engine's own answer to a GET, straight on its socket (no proxy): the control of the marker scan. */
function engineGet(socket: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * 6. The Docker API proxy, the real HAProxy with the generated config in front of the real
 * engine, as its client sees it: every allowed call answers 2xx, every call of the table gets
 * the proxy's 403, and no answer contains a secret (`markers`: the values of the .env every
 * container got). Control: the engine itself hands out inspect, so the scan is not vacuous
 * while secrets live in environments.
 */
export async function proxy(
  project: Project,
  api: DockerApiClient,
  markers: readonly string[],
  own: string,
  engineSocket: string,
): Promise<CheckResult> {
  const name = `proxy ${api.proxy}`;
  const id = await project.inspect<string>(own, ".Id");
  const ownName = project.container(own);
  const foreign = `other-${own}-1`;
  await docker(
    "create",
    "--name",
    foreign,
    "--label",
    "servarr.autoheal=true",
    await project.inspect<string>(own, ".Config.Image"),
    "/bin/sh",
  );
  const failures: string[] = [];
  const calls = proxyCalls(api, { name: ownName, id }, foreign);
  const before = (await docker("ps", "-aq")).split("\n").length;
  const answers = await Promise.all(calls.map(async (call) => [call, await send(project, api.client, api.proxy, call)] as const));
  let leaks = 0;
  for (const [call, answer] of answers) {
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
    // HEAD gets the status without HAProxy's page.
    const refused = status === REFUSED_STATUS && (call.method === "HEAD" || answer.includes(HAPROXY_REFUSAL));
    if (call.allowed && !(status >= 200 && status < 300))
      failures.push(`${call.method} ${call.target} (${call.what}): ${status || "no answer"}, expected 2xx`);
    if (!call.allowed && !refused)
      failures.push(`${call.method} ${call.target} (${call.what}): ${status || "no answer"}, expected the proxy's 403`);
    for (const marker of markers)
      if (answer.includes(marker)) {
        leaks++;
        failures.push(`${call.method} ${call.target}: the answer contains the secret ${marker}`);
      }
  }
  const after = (await docker("ps", "-aq")).split("\n").length;
  // The restart rules not sent name containers of this project, and nothing else.
  const restartable = api.calls
    .filter((c) => c.method === "POST")
    .map((c) => /^\/containers\/([^/]+)\/restart$/.exec(c.path)?.[1] ?? c.path);
  for (const container of restartable) {
    const owner = await docker("inspect", "-f", '{{index .Config.Labels "com.docker.compose.project"}}', container).catch(() => "(none)");
    if (owner !== project.name)
      failures.push(`the proxy allows restarting ${container}, which is not a container of ${project.name} (${owner})`);
  }
  if (after !== before) failures.push(`the engine has ${after - before} more containers after the table`);
  // The control: what inspect, refused above, hands out straight from the engine for this project.
  const ids = (await docker("ps", "-q", "--filter", `label=com.docker.compose.project=${project.name}`)).split("\n").filter(Boolean);
  const direct = (await Promise.all(ids.map((i) => engineGet(engineSocket, `/containers/${i}/json`)))).join("\n");
  const visible = markers.filter((m) => direct.includes(m)).length;
  await docker("rm", "-f", foreign);
  const allowed = calls.filter((c) => c.allowed).length;
  return checkResult(
    name,
    failures,
    `from ${api.client}, ${allowed} allowed calls answered by the engine ` +
      `(${restartable.length} restart rules, each a container of ${project.name}), ` +
      `${calls.length - allowed} forbidden calls refused by haproxy (403); ${leaks} of ${markers.length} secret markers in any answer ` +
      `(control: the engine's own inspect of the ${ids.length} containers shows ${visible})`,
  );
}
