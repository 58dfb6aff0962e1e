import { shellQuote, shellSource } from "../../compose/shell";
import type { Problem } from "../validation/problems";
import type { Host } from "./host";

/** Label the restarter looks for: only containers carrying it are restarted when unhealthy. */
export const AUTOHEAL_LABEL = "servarr.autoheal";

/** How the restarter keeps from restarting a container forever (a wrong health route, a broken app). */
export interface BackOff {
  /** Restarts of one container the restarter makes within the window before it leaves it alone. */
  readonly restarts: number;
  readonly withinMinutes: number;
}

/** Every container's log cap: Docker's `local` driver rotates at `maxSizeMegabytes` and keeps `maxFiles`. */
export interface LogCap {
  readonly maxSizeMegabytes: number;
  readonly maxFiles: number;
}

/**
 * Where the host reports what it did: the restarter's restarts, back-offs and VPN recoveries,
 * and deploy.sh's outcome. The URL (topic, credentials) is the host secret NOTIFY_URL, set like
 * every other secret; the kind says how to post to it:
 * - ntfy: POST the message as the body, the title in a `Title` header (ntfy.sh or self-hosted),
 * - apprise: POST JSON `{"title","body"}` to an Apprise API URL (`http(s)://<apprise>/notify/<key>`).
 */
export interface Notify {
  readonly kind: "ntfy" | "apprise";
}

/** The host secret holding the notification URL. */
export const NOTIFY_SECRET = "NOTIFY_URL";
/** Where the restarter reads it: the Compose secret of the same name (constructs/host/secrets.ts secretFileName). */
export const NOTIFY_SECRET_FILE = `/run/secrets/${NOTIFY_SECRET.toLowerCase()}`;

export interface RecoveryOptions {
  /**
   * A container the restarter restarted `restarts` times within `withinMinutes` is left alone
   * (until it reports healthy again) and reported: one `restarter: BACK-OFF <container>` line.
   * @default { restarts: 5, withinMinutes: 60 }
   */
  readonly backOff?: BackOff;
  /** @default { maxSizeMegabytes: 10, maxFiles: 3 } (at most 30 MB of logs per container) */
  readonly logs?: LogCap;
  /** @default none (only the logs tell) */
  readonly notify?: Notify;
}

/** The host's recovery settings with the defaults filled in. */
export interface Recovery {
  readonly backOff: BackOff;
  readonly logs: LogCap;
  readonly notify?: Notify;
}

export function resolveRecovery(options: RecoveryOptions | undefined): Recovery {
  return {
    backOff: options?.backOff ?? DEFAULT_BACK_OFF,
    logs: options?.logs ?? DEFAULT_LOG_CAP,
    ...(options?.notify ? { notify: options.notify } : {}),
  };
}

/**
 * The POSIX sh function `notify TITLE MESSAGE` (compose/scripts/notify.sh) for the kind, after
 * the two data lines it reads; it reads the URL from $NOTIFY_URL, and a failed post is logged,
 * never fatal. `post: "wget"` (the restarter, busybox) uses curl when the image has it and
 * falls back to busybox wget; `post: "curl"` uses curl only.
 */
export function notifyFunction(kind: Notify["kind"] | undefined, post: "wget" | "curl"): string {
  if (kind === undefined) return "notify() { :; }";
  return `notify_kind=${shellQuote(kind)}\nnotify_post=${shellQuote(post)}\n${shellSource("notify.sh").trimEnd()}`;
}

export const DEFAULT_BACK_OFF: BackOff = { restarts: 5, withinMinutes: 60 };
export const DEFAULT_LOG_CAP: LogCap = { maxSizeMegabytes: 10, maxFiles: 3 };

/** Compose's `logging` of every service: bounded on disk whatever the engine's default driver. */
export function composeLogging(cap: LogCap): { driver: string; options: Record<string, string> } {
  return { driver: "local", options: { "max-size": `${cap.maxSizeMegabytes}m`, "max-file": String(cap.maxFiles) } };
}

export function recoveryProblems(options: RecoveryOptions | undefined): Problem[] {
  const problems: Problem[] = [];
  const kind = options?.notify?.kind;
  if (options?.notify && kind !== "ntfy" && kind !== "apprise")
    problems.push({ field: "recovery.notify.kind", value: kind, allowed: '"ntfy" or "apprise"' });
  const int = (field: string, v: number, min: number, max: number) => {
    if (!(Number.isInteger(v) && v >= min && v <= max)) problems.push({ field, value: v, allowed: `an integer from ${min} to ${max}` });
  };
  if (options?.backOff) {
    int("recovery.backOff.restarts", options.backOff.restarts, 1, 100);
    int("recovery.backOff.withinMinutes", options.backOff.withinMinutes, 1, 7 * 24 * 60);
  }
  if (options?.logs) {
    int("recovery.logs.maxSizeMegabytes", options.logs.maxSizeMegabytes, 1, 1024);
    int("recovery.logs.maxFiles", options.logs.maxFiles, 1, 100);
  }
  return problems;
}

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

export function restarterPlan(host: Host): RestarterPlan {
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

/**
 * The restarter, busybox-only (sh, wget, grep, cut, awk, date, sleep) so the e2e stand-in runs
 * the same script. Two loops, one state directory (tmpfs):
 * - events: follows the engine's event stream through its proxy. `health_status: unhealthy`
 *   restarts that container at once. The gateway's `die` then `start` of the SAME container
 *   (the engine restarted it; a deploy's recreate is a new container that Compose handles)
 *   restarts every app of its namespace at once, after a quiet time (a crash loop restarts them
 *   once). The proxy keeps a quiet stream open for an hour; when it ends it is followed again
 *   a second later.
 * - sweep: every `interval` seconds, lists this project's unhealthy labelled containers and
 *   restarts them: the fallback for anything the stream missed.
 * Every restart is by name (the proxy allows restarts of this project's names only) and goes
 * through the back-off: a container restarted `backOff.restarts` times within the window is left
 * alone, reported once (`BACK-OFF`), until it reports healthy again.
 * `relay`: more lines started before the loops (the backup reports' relay, constructs/host/backup-notify.ts).
 */
export function restarterScript(
  plan: RestarterPlan,
  {
    proxy = "http://socket-proxy:2375",
    interval = RESTARTER_INTERVAL_SECONDS,
    debounce = GATEWAY_DEBOUNCE_SECONDS,
    state = "/tmp/restarter",
    relay,
  }: { proxy?: string; interval?: number; debounce?: number; state?: string; relay?: { port: number; handler: string } } = {},
): string {
  const { backOff } = plan;
  const data: Array<[string, string | number]> = [
    ["proxy", proxy],
    ["state", state],
    ["gateway", plan.gateway ?? ""],
    ["namespace", plan.namespace.join(" ")],
    ["restartable", ` ${plan.restartable.join(" ")} `],
    ["max", backOff.restarts],
    ["window", backOff.withinMinutes * 60],
    ["within_minutes", backOff.withinMinutes],
    ["interval", interval],
    ["debounce", debounce],
    ["stop_seconds", RESTART_STOP_SECONDS],
    ["project", plan.project],
    ["events_query", eventsQuery(plan.project)],
    ["unhealthy_query", unhealthyListQuery(plan.project)],
    ...(relay ? ([["relay_port", relay.port]] as Array<[string, number]>) : []),
  ];
  return [
    "# The restarter's data (constructs/host/restarter.ts), then its loop (compose/scripts/restarter.sh).",
    ...data.map(([name, value]) => `${name}=${shellQuote(value)}`),
    ...(relay ? [`relay=$(cat <<'RELAY'\n${relay.handler.trimEnd()}\nRELAY\n)`] : []),
    // The channel's URL (with its credentials) arrives as a file, never in the container's environment.
    ...(plan.notify ? [`NOTIFY_URL=$(cat ${NOTIFY_SECRET_FILE})`] : []),
    notifyFunction(plan.notify, "wget"),
    shellSource("restarter.sh"),
  ].join("\n");
}
