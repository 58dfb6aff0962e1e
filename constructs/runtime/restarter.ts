import type { BackOff, Notify } from "../config/recovery";
import type { HostModel } from "../model/host-model";

/** Label the restarter looks for: only containers carrying it are restarted when unhealthy. */
export const AUTOHEAL_LABEL = "servarr.autoheal";

/** How often the restarter's fallback sweep looks for unhealthy containers. */
export const RESTARTER_INTERVAL_SECONDS = 20;
/** Seconds the engine gives a container to stop when the restarter restarts it. */
export const RESTART_STOP_SECONDS = 30;
/** Quiet time after the VPN gateway's last start before its namespace's apps are restarted (a crash loop restarts them once). */
export const GATEWAY_DEBOUNCE_SECONDS = 2;

/** Compose v2's name of a service's (single) container. */
export const containerName = (project: string, service: string) => `${project}-${service}-1`;

const query = (filters: Record<string, string[]>) => `filters=${encodeURIComponent(JSON.stringify(filters))}`;

/** The restarter's one listing: this project's unhealthy containers that carry the autoheal label. */
export function unhealthyListQuery(project: string): string {
  return query({ health: ["unhealthy"], label: [`${AUTOHEAL_LABEL}=true`, `com.docker.compose.project=${project}`] });
}

/**
 * The restarter's event stream: this project's containers dying, starting and changing health
 * (the engine matches `health_status` against `health_status: <status>`). Nothing of another
 * project, no other kind of object.
 */
export function eventsQuery(project: string): string {
  return query({ event: ["die", "health_status", "start"], label: [`com.docker.compose.project=${project}`], type: ["container"] });
}

/** What the restarter acts on, derived from the model. */
export interface RestarterPlan {
  readonly project: string;
  /** Containers it may restart (the apps with a healthcheck), by name. */
  readonly restartable: readonly string[];
  /** The VPN gateway's container, if any, and the containers living in its network namespace. */
  readonly gateway?: string;
  readonly namespace: readonly string[];
  readonly backOff: BackOff;
  readonly notify?: Notify["kind"];
}

export function restarterPlan(host: HostModel): RestarterPlan {
  const gateway = host.appWithRole("vpn-gateway");
  const name = (app: string) => containerName(host.name, app);
  const restartable = host.apps.filter((a) => a.healthProbe !== undefined).map((a) => name(a.name));
  return {
    project: host.name,
    restartable,
    ...(gateway ? { gateway: name(gateway.name) } : {}),
    namespace: gateway ? host.apps.filter((a) => a.vpn && restartable.includes(name(a.name))).map((a) => name(a.name)) : [],
    backOff: host.recovery.backOff,
    ...(host.recovery.notify ? { notify: host.recovery.notify.kind } : {}),
  };
}
