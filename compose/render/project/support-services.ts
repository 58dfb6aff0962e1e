import { NOTIFY_SECRET } from "../../../constructs/config/recovery";
import { secretFileName } from "../../../constructs/config/secrets";
import { DEFAULT_HEALTH_TIMING } from "../../../constructs/model/health";
import type { HostModel } from "../../../constructs/model/host-model";
import { SUPPORT_IMAGES } from "../../../constructs/model/images";
import type { NetworkNode } from "../../../constructs/model/network-plan";
import { backupRelay } from "../../../constructs/runtime/backup-notify";
import { restarterPlan } from "../../../constructs/runtime/restarter";
import { type DockerApiClient, RESTARTER, restarterApi, SOCKET_PROXY, supportNodes } from "../../../constructs/runtime/support";
import { relayStart } from "../host/backup-relay";
import { restarterScript } from "../host/restarter-script";
import type { ComposeService } from "./compose-spec";
import {
  configHash,
  DOCKER_API_PORT,
  DOCKER_SOCKET_PATH,
  HAPROXY_CONFIG_PATH,
  proxyConfigFile,
  renderHaproxyConfig,
} from "./docker-api-proxy";
import { composeEscape, composeTiming } from "./healthcheck";

/** A host service that is not an app: no UI, no config dir, no user; only a job. */
export interface SupportService {
  readonly name: string;
  readonly service: ComposeService;
  readonly node: NetworkNode;
  /** Files of the host bundle the service reads (name in the bundle → content). */
  readonly files?: ReadonlyMap<string, string>;
}

/** The restarter's state (restart times for the back-off): a tmpfs, its root filesystem is read-only. */
const RESTARTER_STATE = "/tmp/restarter";

/**
 * A client's Docker API proxy: HAProxy with the generated rules (compose/docker-api-proxy.ts).
 * It runs as root only because the engine's socket is root's (mode 0660); with every capability
 * dropped, root can open the socket it owns and nothing more. Root filesystem read-only.
 */
function proxyService(api: DockerApiClient, config: string): ComposeService {
  return {
    image: SUPPORT_IMAGES.socketProxy,
    restart: "unless-stopped",
    user: "0:0",
    volumes: [`${DOCKER_SOCKET_PATH}:${DOCKER_SOCKET_PATH}:ro`, `./${proxyConfigFile(api)}:${HAPROXY_CONFIG_PATH}:ro`],
    read_only: true,
    cap_drop: ["ALL"],
    security_opt: ["no-new-privileges:true"],
    mem_limit: "64m",
    // HAProxy runs one thread per CPU by default: room for a many-core host.
    pids_limit: 128,
    // The bind-mounted config is not part of compose.yaml: its hash is, so a new config recreates the proxy.
    labels: { "servarr.config-sha256": configHash(config) },
    healthcheck: {
      test: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${DOCKER_API_PORT}/_ping`],
      ...composeTiming({ ...DEFAULT_HEALTH_TIMING, startPeriodSeconds: 10 }),
    },
  };
}

/**
 * The self-healing layer:
 * - socket-proxy: the restarter's Docker API proxy (the only container that mounts the socket);
 * - restarter: restarts unhealthy containers (the engine itself never does) as soon as the
 *   engine reports them, and the VPN gateway's apps as soon as the engine restarted the gateway
 *   (they would be left in its dead namespace); see constructs/runtime/restarter.ts.
 * The monitor gets no proxy: it checks apps over HTTP, and each container's health is already
 * its healthcheck, acted on by the restarter.
 */
export function supportServices(host: HostModel): SupportService[] {
  const api = restarterApi(host);
  const config = renderHaproxyConfig(api);
  const relay = backupRelay(host, RESTARTER);
  const nodes = supportNodes(host);
  return [
    {
      name: SOCKET_PROXY,
      service: proxyService(api, config),
      node: nodes[0] as NetworkNode,
      files: new Map([[proxyConfigFile(api), config]]),
    },
    {
      name: RESTARTER,
      service: {
        image: SUPPORT_IMAGES.autoheal,
        restart: "unless-stopped",
        entrypoint: [
          "/bin/sh",
          "-c",
          composeEscape(restarterScript(restarterPlan(host), { state: RESTARTER_STATE, ...(relay ? { relay: relayStart(relay) } : {}) })),
        ],
        environment: { TZ: host.timezone },
        // With a channel, its URL comes as a Compose secret file; Compose writes such a file into the
        // container's filesystem, which a read-only root refuses (docker/compose pkg/compose/secrets.go),
        // so the root is read-only only without one.
        ...(host.recovery.notify ? { secrets: [secretFileName(NOTIFY_SECRET)] } : { read_only: true }),
        tmpfs: [`${RESTARTER_STATE}:size=1m,mode=0700`],
        cap_drop: ["ALL"],
        security_opt: ["no-new-privileges:true"],
        mem_limit: "32m",
        // Two loops; when the gateway is back, a restart and a notification per namespace app at once; the relay's handlers.
        pids_limit: 64,
        depends_on: { [SOCKET_PROXY]: { condition: "service_healthy" } },
      },
      node: nodes[1] as NetworkNode,
    },
  ];
}
