/**
 * What the wire job sends to Uptime Kuma, and how it compares what Kuma answers (field names
 * as Kuma's socket handlers and models read them, louislam/uptime-kuma 2.5.3: server/server.js
 * `add`/`editMonitor`, server/model/monitor.js toJSON, server/notification.js save,
 * server/notification-providers/ntfy.js and apprise.js).
 */
import { WireError } from "../http.ts";
import type { KumaMonitor, MonitoringPlan } from "../plan.ts";

/** A monitor as Kuma's `monitorList` event gives it (Monitor.toJSON): the fields read here, the rest sent back as it came. */
export interface KumaMonitorJson {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly url: string | null;
  readonly method: string;
  readonly interval: number;
  readonly maxretries: number;
  readonly accepted_statuscodes: readonly string[];
  readonly notificationIDList: Readonly<Record<string, boolean>>;
  readonly tags: ReadonlyArray<{ readonly tag_id: number; readonly name: string; readonly value: string }>;
  readonly [other: string]: unknown;
}

/** Kuma's answer to an emitted event: `{ ok, msg, … }` (every socket handler's callback). */
export interface KumaAck {
  readonly ok?: boolean;
  readonly msg?: string;
  readonly [other: string]: unknown;
}

/** The fields servarr keeps on a monitor it manages (compared, put back when changed by hand). */
export const MONITOR_MANAGED = ["type", "url", "method", "interval", "maxretries"] as const;

/** How many failed checks in a row before Kuma reports a monitor down (one retry: a blip is not an alert). */
const RETRIES = 1;

/** The managed fields' values for a planned monitor. */
export function monitorFields(m: KumaMonitor): Pick<KumaMonitorJson, (typeof MONITOR_MANAGED)[number]> {
  return { type: "http", url: m.url, method: "GET", interval: m.intervalSeconds, maxretries: RETRIES };
}

/** A new monitor, as Kuma's `add` takes it (its columns only: bean.import stores every key it is given), with its form's defaults. */
export function newMonitor(m: KumaMonitor, notificationId: number | undefined): Record<string, unknown> {
  return {
    ...monitorFields(m),
    name: m.name,
    description: "Kept by servarr from its model (remove the servarr tag to keep it yourself)",
    active: true,
    retryInterval: m.intervalSeconds,
    resendInterval: 0,
    // Kuma's form default for an HTTP monitor: 80 % of the interval.
    timeout: Math.round(m.intervalSeconds * 0.8),
    accepted_statuscodes: ["200-299"],
    maxredirects: 10,
    ignoreTls: false,
    upsideDown: false,
    expiryNotification: false,
    // What Kuma's form sends (src/pages/EditMonitor.vue monitorDefaults); `add` stores them as JSON.
    kafkaProducerBrokers: [],
    kafkaProducerSaslOptions: { mechanism: "None" },
    conditions: [],
    rabbitmqNodes: [],
    notificationIDList: notificationId === undefined ? {} : { [notificationId]: true },
  };
}

/** Managed fields that differ, and the notification when it is not attached. */
export function monitorChanges(current: KumaMonitorJson, m: KumaMonitor, notificationId: number | undefined): string[] {
  const want = monitorFields(m);
  const changed: string[] = MONITOR_MANAGED.filter((k) => current[k] !== want[k]);
  if (notificationId !== undefined && current.notificationIDList?.[notificationId] !== true) changed.push("notification");
  return changed;
}

/** The monitor as `editMonitor` takes it: all of it as Kuma gave it (the handler writes every field), the changed ones replaced. */
export function editedMonitor(current: KumaMonitorJson, m: KumaMonitor, changed: readonly string[], notificationId: number | undefined) {
  const want = monitorFields(m) as Record<string, unknown>;
  const update = Object.fromEntries(changed.filter((k) => k in want).map((k) => [k, want[k]]));
  const notifications =
    changed.includes("notification") && notificationId !== undefined
      ? { ...current.notificationIDList, [notificationId]: true }
      : current.notificationIDList;
  return { ...current, ...update, notificationIDList: notifications };
}

/**
 * The notification Kuma keeps for the host's channel, from the channel's URL (the NOTIFY_URL
 * secret; never printed): ntfy posts JSON with the topic to the server (ntfy.js), so
 * `https://user:pass@ntfy.example/topic` becomes server, topic and basic auth; apprise runs
 * the Apprise CLI on a URL (apprise.js), where an Apprise API `http(s)://host/notify/<key>`
 * is `apprise(s)://host/<key>`.
 */
export function notificationConfig(n: NonNullable<MonitoringPlan["notify"]>, channel: string): Record<string, unknown> {
  const bad = (what: string) => new WireError(`${n.name} notification: the ${n.secret} secret is not ${what}`);
  let u: URL;
  try {
    u = new URL(channel);
  } catch {
    throw bad("a URL");
  }
  const base = { name: n.name, type: n.kind, isDefault: false, applyExisting: false, active: true };
  const user = u.username ? decodeURIComponent(u.username) : "";
  if (n.kind === "ntfy") {
    const parts = u.pathname.split("/").filter(Boolean);
    const topic = parts.pop();
    if (!topic || !/^https?:$/.test(u.protocol)) throw bad("an ntfy topic URL (https://<server>/<topic>)");
    return {
      ...base,
      ntfyserverurl: `${u.protocol}//${u.host}${parts.map((p) => `/${p}`).join("")}`,
      ntfytopic: decodeURIComponent(topic),
      ntfyPriority: 5,
      ntfyAuthenticationMethod: user ? "usernamePassword" : "none",
      ...(user ? { ntfyusername: user, ntfypassword: decodeURIComponent(u.password) } : {}),
    };
  }
  const api = /^(.*)\/notify\/([^/]+)\/?$/.exec(u.pathname);
  if (!api || !/^https?:$/.test(u.protocol)) throw bad("an Apprise API URL (http(s)://<host>/notify/<key>)");
  const auth = user ? `${u.username}${u.password ? `:${u.password}` : ""}@` : "";
  return { ...base, appriseURL: `${u.protocol === "https:" ? "apprises" : "apprise"}://${auth}${u.host}${api[1]}/${api[2]}` };
}

/** The keys of `want` whose value differs in the notification Kuma keeps (its `config`, a JSON string). */
export function notificationChanges(config: string | undefined, want: Record<string, unknown>): string[] {
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(config ?? "{}") as Record<string, unknown>;
  } catch {
    // unreadable: every field changes
  }
  return Object.keys(want).filter((k) => k !== "applyExisting" && current[k] !== want[k]);
}

/** The ack's message when Kuma refused, as a WireError naming the event (never the arguments: they hold the password). */
export function refused(app: string, event: string, ack: unknown): WireError {
  const msg = (ack as KumaAck | undefined)?.msg ?? JSON.stringify(ack)?.slice(0, 200);
  return new WireError(`${app}: ${event} refused: ${msg}`);
}
