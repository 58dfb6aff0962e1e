import type { HostModel } from "../model/host-model";
import type { NetworkNode } from "../model/network-plan";
import { backupRelay } from "./backup-notify";
import { AUTOHEAL_LABEL, eventsQuery, RESTART_STOP_SECONDS, restarterPlan, unhealthyListQuery } from "./restarter";

/**
 * The host's support services: what runs beside the apps to keep them healthy (the restarter and
 * its Docker API proxy), and what each may ask the engine. compose/support-services.ts renders them.
 */
/**
 * One Docker engine API call a client may make, matched exactly: the method, the literal path
 * (no version prefix, no pattern) and the literal query string (or none at all).
 */
export interface DockerApiCall {
  readonly method: "GET" | "POST";
  readonly path: string;
  /** The whole query string without `?`; undefined means the request must carry none. */
  readonly query?: string;
  /** Why the client needs it (a comment in the generated config). */
  readonly why: string;
  /**
   * The answer is a stream that may be idle for long (the event stream): the proxy waits up to
   * STREAM_IDLE_TIMEOUT for the engine instead of the default 90 s, so the client is not cut
   * off (and reconnecting, with a gap) every 90 s of quiet.
   * @default false
   */
  readonly stream?: boolean;
}

/** How long a streamed answer may stay silent before the proxy closes it. */
export const STREAM_IDLE_TIMEOUT = "1h";

/** A client of the Docker API and the proxy that stands between it and the engine's socket. */
export interface DockerApiClient {
  /** The compose service that calls the API. */
  readonly client: string;
  /** The compose service of its proxy (one proxy per client: rules never add up across clients). */
  readonly proxy: string;
  readonly calls: readonly DockerApiCall[];
}

export const SOCKET_PROXY = "socket-proxy";

export const RESTARTER = "restarter";

/**
 * What the restarter may ask the engine, derived from the model: its listing, a restart of
 * each container that carries the autoheal label (the apps with a healthcheck), by name, and the
 * engine's event stream filtered to this project's containers (never another project's). Nothing
 * else: no inspect (it hands out every container's environment), no create, no exec, no
 * container of another project, no version prefix, no other query.
 */
export function restarterApi(host: HostModel): DockerApiClient {
  const { restartable } = restarterPlan(host);
  return {
    client: RESTARTER,
    proxy: SOCKET_PROXY,
    calls: [
      { method: "GET", path: "/_ping", why: "the proxy's own healthcheck: the engine answers" },
      {
        method: "GET",
        path: "/containers/json",
        query: unhealthyListQuery(host.name),
        why: `the restarter's listing: unhealthy containers of ${host.name} labelled ${AUTOHEAL_LABEL}=true`,
      },
      {
        method: "GET",
        path: "/events",
        query: eventsQuery(host.name),
        why: `the restarter's event stream: ${host.name}'s containers dying, starting, changing health`,
        stream: true,
      },
      ...restartable.map((name) => ({
        method: "POST" as const,
        path: `/containers/${name}/restart`,
        query: `t=${RESTART_STOP_SECONDS}`,
        why: `restart ${name} when it is unhealthy`,
      })),
    ],
  };
}

/**
 * The support services as nodes of the host's network plan: the proxy reaches nothing; the
 * restarter reaches its proxy, and the internet only to post notifications when the config names
 * a channel (and receives Kopia's reports on its relay, constructs/runtime/backup-notify.ts).
 */
export function supportNodes(host: HostModel): NetworkNode[] {
  return [
    { name: SOCKET_PROXY, talksTo: [], outside: false },
    { name: RESTARTER, talksTo: [SOCKET_PROXY], outside: host.recovery.notify !== undefined },
  ];
}

/** Whether the restarter runs the backup relay (a channel and a backup app): Kopia then talks to it. */
export function hasBackupRelay(host: HostModel): boolean {
  return backupRelay(host, RESTARTER) !== undefined;
}
