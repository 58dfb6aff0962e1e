import { type LogCap, NOTIFY_SECRET_FILE, type Notify } from "../../../constructs/config/recovery";
import {
  eventsQuery,
  GATEWAY_DEBOUNCE_SECONDS,
  RESTART_STOP_SECONDS,
  RESTARTER_INTERVAL_SECONDS,
  type RestarterPlan,
  unhealthyListQuery,
} from "../../../constructs/runtime/restarter";
import { shellQuote, shellSource } from "../shell";
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

/** Compose's `logging` of every service: bounded on disk whatever the engine's default driver. */
export function composeLogging(cap: LogCap): { driver: string; options: Record<string, string> } {
  return { driver: "local", options: { "max-size": `${cap.maxSizeMegabytes}m`, "max-file": String(cap.maxFiles) } };
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
 * `relay`: more lines started before the loops (the backup reports' relay, constructs/runtime/backup-notify.ts).
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
    "# The restarter's data (compose/restarter-script.ts), then its loop (compose/scripts/restarter.sh).",
    ...data.map(([name, value]) => `${name}=${shellQuote(value)}`),
    ...(relay ? [`relay=$(cat <<'RELAY'\n${relay.handler.trimEnd()}\nRELAY\n)`] : []),
    // The channel's URL (with its credentials) arrives as a file, never in the container's environment.
    ...(plan.notify ? [`NOTIFY_URL=$(cat ${NOTIFY_SECRET_FILE})`] : []),
    notifyFunction(plan.notify, "wget"),
    shellSource("restarter.sh"),
  ].join("\n");
}
