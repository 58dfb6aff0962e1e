import type { ComposeService } from "../compose/compose-spec";
import { composeEscape, HEALTH_TIMING } from "./health";
import type { Host } from "./host";
import { SUPPORT_IMAGES } from "./images";
import type { NetworkNode } from "./network-plan";
import { AUTOHEAL_LABEL } from "./servarr-app";

/** A host service that is not an app: no UI, no config dir, no user; only a job. */
export interface SupportService {
  readonly name: string;
  readonly service: ComposeService;
  readonly node: NetworkNode;
}

export const SOCKET_PROXY = "socket-proxy";
export const RESTART_PROXY = "restart-proxy";
export const RESTARTER = "restarter";

/** How often the restarter looks for unhealthy containers. */
export const RESTARTER_INTERVAL_SECONDS = 20;

const SOCKET = "/var/run/docker.sock:/var/run/docker.sock:ro";

/** Docker socket proxies allow nothing unless enabled (tecnativa's haproxy rules). */
function socketProxy(allow: Record<string, string>): ComposeService {
  return {
    image: SUPPORT_IMAGES.socketProxy,
    restart: "unless-stopped",
    environment: { EVENTS: "0", PING: "1", VERSION: "1", ...allow },
    volumes: [SOCKET],
    read_only: true,
    tmpfs: ["/run", "/tmp"],
    healthcheck: {
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:2375/_ping"],
      ...HEALTH_TIMING,
      start_period: "10s",
    },
  };
}

/**
 * The restarter's loop, busybox-only (sh, wget, grep, cut, sleep) so the e2e stand-in runs the
 * same script: list this project's unhealthy containers that carry the autoheal label through
 * the read-only proxy, restart each through the restart-only proxy.
 */
export function restarterScript(
  project: string,
  { read = `http://${SOCKET_PROXY}:2375`, write = `http://${RESTART_PROXY}:2375`, interval = RESTARTER_INTERVAL_SECONDS } = {},
): string {
  const filters = encodeURIComponent(
    JSON.stringify({ health: ["unhealthy"], label: [`${AUTOHEAL_LABEL}=true`, `com.docker.compose.project=${project}`] }),
  );
  return [
    "set -u",
    `echo "restarter: restarting unhealthy containers of ${project} every ${interval}s"`,
    "while :; do",
    `  ids=$(wget -q -O - "${read}/containers/json?filters=${filters}" | grep -o '"Id":"[0-9a-f]*"' | cut -d '"' -f 4)`,
    "  for id in $ids; do",
    '    echo "restarter: $id is unhealthy, restarting"',
    `    wget -q -O /dev/null --post-data '' "${write}/containers/$id/restart?t=30" || echo "restarter: restart of $id failed"`,
    "  done",
    `  sleep ${interval}`,
    "done",
    "",
  ].join("\n");
}

/**
 * The self-healing layer and the socket proxy:
 * - socket-proxy: read-only Docker API (GET on /containers only), for the monitor's container
 *   checks and the restarter's listing;
 * - restart-proxy: only POST /containers/<id>/{stop,restart,kill}; the restarter's write path.
 *   tecnativa's CONTAINERS=1 would also allow POST /containers/create (root on the host), so
 *   listing and restarting go through two proxies and neither can create a container;
 * - restarter: restarts unhealthy containers (the engine itself never does), which also
 *   recovers VPN-routed apps left in a dead namespace after the gateway was restarted.
 * No other container mounts the Docker socket.
 */
export function supportServices(host: Host): SupportService[] {
  return [
    {
      name: SOCKET_PROXY,
      service: socketProxy({ CONTAINERS: "1", POST: "0" }),
      node: { name: SOCKET_PROXY, talksTo: [], outside: false },
    },
    {
      name: RESTART_PROXY,
      service: socketProxy({ CONTAINERS: "0", POST: "1", ALLOW_RESTARTS: "1" }),
      node: { name: RESTART_PROXY, talksTo: [], outside: false },
    },
    {
      name: RESTARTER,
      service: {
        image: SUPPORT_IMAGES.autoheal,
        restart: "unless-stopped",
        entrypoint: ["/bin/sh", "-c", composeEscape(restarterScript(host.name))],
        environment: { TZ: host.timezone },
        read_only: true,
        depends_on: {
          [RESTART_PROXY]: { condition: "service_healthy" },
          [SOCKET_PROXY]: { condition: "service_healthy" },
        },
      },
      node: { name: RESTARTER, talksTo: [SOCKET_PROXY, RESTART_PROXY], outside: false },
    },
  ];
}
