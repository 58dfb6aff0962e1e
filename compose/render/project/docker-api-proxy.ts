import { createHash } from "node:crypto";
import { type DockerApiCall, type DockerApiClient, STREAM_IDLE_TIMEOUT } from "../../../constructs/runtime/support";
import { generatedMarker } from "../render";

/** Where the official haproxy image reads its configuration. */
export const HAPROXY_CONFIG_PATH = "/usr/local/etc/haproxy/haproxy.cfg";
/** The port every proxy listens on (the Docker API's conventional plain-HTTP port). */
export const DOCKER_API_PORT = 2375;
/** The engine's socket as mounted into the proxy. */
export const DOCKER_SOCKET_PATH = "/var/run/docker.sock";
/** What HAProxy answers to a refused call (its built-in 403 page says this). */
export const REFUSED_STATUS = 403;

/** The proxy's config file in the host bundle, next to compose.yaml. */
export function proxyConfigFile(client: DockerApiClient): string {
  return `${client.proxy}.haproxy.cfg`;
}

/**
 * The HAProxy configuration of one client's proxy: each allowed call is one `http-request allow`
 * line matching method, path and query as exact strings; everything else gets HAProxy's own 403
 * and never reaches the engine. Written for HAProxy 2.6 (Debian 12, which the e2e runs) and later.
 */
export function renderHaproxyConfig(client: DockerApiClient): string {
  const match = (call: DockerApiCall) =>
    `{ method ${call.method} } { path -m str ${haproxyWord(call.path)} } ${call.query === undefined ? "!{ query -m found }" : `{ query -m str ${haproxyWord(call.query)} }`}`;
  const allow = client.calls.map((call) => [`  # ${call.why}`, `  http-request allow if ${match(call)}`]);
  // Only allowed calls reach the backend; there a stream gets its longer idle timeout.
  const streams = client.calls
    .filter((c) => c.stream)
    .map((call) => `  http-request set-timeout server ${STREAM_IDLE_TIMEOUT} if ${match(call)}`);
  return [
    generatedMarker("#"),
    `# Docker API proxy of ${client.client}: ${client.calls.length} calls allowed, everything else refused (${REFUSED_STATUS}).`,
    "global",
    "  log stdout format raw local0 info",
    // Few connections: one client, one request at a time; keeps file descriptors under the default limit.
    "  maxconn 32",
    "",
    "defaults",
    "  mode http",
    "  log global",
    "  option httplog",
    "  timeout connect 5s",
    "  timeout client 30s",
    // A restart waits up to the client's stop timeout before the engine answers.
    "  timeout server 90s",
    "",
    "frontend docker-api",
    `  bind :${DOCKER_API_PORT}`,
    ...allow.flat(),
    `  http-request deny deny_status ${REFUSED_STATUS}`,
    "  default_backend engine",
    "",
    "backend engine",
    ...streams,
    `  server engine ${DOCKER_SOCKET_PATH}`,
    "",
  ].join("\n");
}

/** A config word: only characters that need no quoting in HAProxy or in a URL path/query. */
function haproxyWord(value: string): string {
  if (!/^[A-Za-z0-9/._~%=&-]+$/.test(value)) throw new Error(`not a literal HAProxy word: ${value}`);
  return value;
}

/** Label on the proxy service that changes with its config, so a new config recreates the container. */
export function configHash(config: string): string {
  return createHash("sha256").update(config).digest("hex");
}
