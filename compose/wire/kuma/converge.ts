/**
 * Uptime Kuma's monitors, status page and notification, kept from the plan. Kuma 2.x has no
 * REST API for them: the job speaks its Socket.IO API (./socketio.ts) as Kuma's own web UI
 * does, with the handlers of louislam/uptime-kuma 2.5.3 (server/server.js: `needSetup`,
 * `setup`, `login`, `add`, `editMonitor`, `getTags`, `addTag`, `addMonitorTag`,
 * `addNotification`; server/socket-handlers/status-page-socket-handler.js: `addStatusPage`,
 * `getStatusPage`, `saveStatusPage`; the groups from GET /api/status-page/<slug>,
 * server/routers/status-page-router.js). Kuma registers its handlers after its connection
 * handler's first awaits and says `loginRequired` (or `autoLogin`) once they are in place:
 * the job waits for that before its first event.
 *
 * Converge, never clobber: a monitor servarr made carries the tag `servarr`; one of the
 * plan's names without it is yours and left alone; monitors, tags, groups and notifications
 * you add stay. Only the status page group named in the plan is completed (its other entries stay).
 */
import type { Context } from "../context.ts";
import { call, WireError } from "../http.ts";
import { KUMA_TAG, KUMA_USER, type MonitoringPlan } from "../plan.ts";
import {
  editedMonitor,
  type KumaAck,
  type KumaMonitorJson,
  monitorChanges,
  newMonitor,
  notificationChanges,
  notificationConfig,
  refused,
} from "./parts.ts";
import { SocketIo } from "./socketio.ts";

interface Group {
  readonly id?: number;
  readonly name: string;
  readonly monitorList: ReadonlyArray<{ readonly id: number }>;
}

export async function convergeKuma(m: MonitoringPlan, ctx: Context): Promise<void> {
  const kuma = ctx.app(m.app);
  const password = ctx.key(m.app);
  const io = await SocketIo.connect(m.app, kuma.url, ["loginRequired", "autoLogin"]);
  try {
    const ask = async (event: string, ...args: unknown[]): Promise<KumaAck> => {
      const ack = (await io.emit(event, ...args)) as KumaAck;
      if (ack?.ok !== true) throw refused(m.app, event, ack);
      return ack;
    };
    if (!(await signIn(io, m.app, password, ctx, ask))) return;
    const notificationId = m.notify ? await notification(io, m, ctx, ask) : undefined;
    const tagId = await tag(m, ctx, ask);
    const list = Object.values((io.last("monitorList")?.[0] ?? {}) as Record<string, KumaMonitorJson>);
    const ours = new Map<string, number>();
    for (const planned of m.monitors) {
      const same = list.filter((x) => x.name === planned.name);
      const current = same.find((x) => x.tags?.some((t) => t.name === KUMA_TAG)) ?? same[0];
      const label = `${m.app}: monitor ${planned.name} (${planned.url})`;
      if (!current) {
        const ack = ctx.dryRun ? undefined : await ask("add", newMonitor(planned, notificationId));
        const id = ack?.monitorID as number | undefined;
        if (id !== undefined && tagId !== undefined) await ask("addMonitorTag", tagId, id, "");
        if (id !== undefined) ours.set(planned.name, id);
        ctx.report("+", label);
        continue;
      }
      if (!current.tags?.some((t) => t.name === KUMA_TAG)) {
        ctx.report("=", `${m.app}: monitor ${planned.name} is yours (no ${KUMA_TAG} tag): left as it is`);
        continue;
      }
      ours.set(planned.name, current.id);
      const changed = ctx.managed(m.app, "monitor", monitorChanges(current, planned, notificationId));
      if (changed.length === 0) {
        ctx.report("=", label);
        continue;
      }
      if (!ctx.dryRun) await ask("editMonitor", editedMonitor(current, planned, changed, notificationId));
      ctx.report("~", `${label} (${changed.join(", ")})`);
    }
    if (m.statusPage) await statusPage(io, m, ctx, ask, ours);
  } finally {
    await io.close();
  }
}

type Ask = (event: string, ...args: unknown[]) => Promise<KumaAck>;

/** First run: Kuma has no user yet, the job creates the admin with the generated password. Then signs in. False on a dry run before the setup. */
async function signIn(io: SocketIo, app: string, password: string, ctx: Context, ask: Ask): Promise<boolean> {
  if (io.last("autoLogin")) return true;
  if ((await io.emit("needSetup")) === true) {
    if (ctx.dryRun) {
      ctx.report("+", `${app}: admin user ${KUMA_USER} (Kuma's first-run setup); the rest after it`);
      return false;
    }
    await ask("setup", KUMA_USER, password);
    ctx.report("+", `${app}: admin user ${KUMA_USER} (Kuma's first-run setup)`);
  }
  const ack = (await io.emit("login", { username: KUMA_USER, password, token: "" })) as KumaAck;
  if (ack?.tokenRequired)
    throw new WireError(
      `${app}: the admin ${KUMA_USER} has two-factor sign-in on; the wire job cannot sign in (turn it off in Kuma's settings)`,
    );
  if (ack?.ok !== true)
    throw new WireError(
      `${app}: sign-in as ${KUMA_USER} refused (${ack?.msg ?? "no answer"}): Kuma's admin must be ${KUMA_USER} with the password in the host secret ${ctx.app(app).secret} (docs/wiring.md#uptime-kuma)`,
    );
  return true;
}

/** The host's channel as one notification named in the plan: created, or its settings put back. Its id, or undefined on a dry run before it exists. */
async function notification(io: SocketIo, m: MonitoringPlan, ctx: Context, ask: Ask): Promise<number | undefined> {
  const n = m.notify as NonNullable<MonitoringPlan["notify"]>;
  const want = notificationConfig(n, ctx.secret(n.secret));
  const list = (io.last("notificationList")?.[0] ?? []) as Array<{ id: number; name: string; config?: string }>;
  const current = list.find((x) => x.name === n.name);
  const label = `${m.app}: notification ${n.name} (${n.kind}, the host's channel)`;
  if (!current) {
    const ack = ctx.dryRun ? undefined : await ask("addNotification", want, null);
    ctx.report("+", label);
    return ack?.id as number | undefined;
  }
  const changed = ctx.managed(m.app, "notification", notificationChanges(current.config, want));
  if (changed.length === 0) ctx.report("=", label);
  else {
    if (!ctx.dryRun) await ask("addNotification", want, current.id);
    ctx.report("~", `${label} (${changed.join(", ")})`);
  }
  return current.id;
}

/** The tag marking servarr's monitors; created once. */
async function tag(m: MonitoringPlan, ctx: Context, ask: Ask): Promise<number | undefined> {
  const tags = (await ask("getTags")).tags as Array<{ id: number; name: string }>;
  const found = tags.find((t) => t.name === KUMA_TAG);
  if (found) return found.id;
  const ack = ctx.dryRun ? undefined : await ask("addTag", { name: KUMA_TAG, color: "#4B5563" });
  ctx.report("+", `${m.app}: tag ${KUMA_TAG} (on every monitor servarr keeps)`);
  return (ack?.tag as { id: number } | undefined)?.id;
}

/** The status page (created once; title and looks are yours) and its group holding the public hostnames' monitors. */
async function statusPage(io: SocketIo, m: MonitoringPlan, ctx: Context, ask: Ask, ours: ReadonlyMap<string, number>): Promise<void> {
  const page = m.statusPage as NonNullable<MonitoringPlan["statusPage"]>;
  const pages = Object.values((io.last("statusPageList")?.[0] ?? {}) as Record<string, { slug: string }>);
  const label = `${m.app}: status page ${page.url ?? page.slug}`;
  const exists = pages.some((p) => p.slug === page.slug);
  if (!exists) {
    if (!ctx.dryRun) await ask("addStatusPage", page.title, page.slug);
    ctx.report("+", label);
  }
  const want = page.monitors.flatMap((name) => {
    const id = ours.get(name);
    return id === undefined ? [] : [id];
  });
  const groups =
    exists || !ctx.dryRun
      ? ((await call(m.app, `${ctx.app(m.app).url}/api/status-page/${page.slug}`)).body as { publicGroupList: Group[] }).publicGroupList
      : [];
  const group = groups.find((g) => g.name === page.group);
  const missing = want.filter((id) => !group?.monitorList.some((x) => x.id === id));
  const groupLabel = `${label}: group ${page.group} (${page.monitors.join(", ")})`;
  if (group && missing.length === 0 && want.length === page.monitors.length) return ctx.report("=", groupLabel);
  if (group && missing.length === 0) return ctx.report("=", `${groupLabel}; yours or not made yet: left out`);
  const next = group
    ? groups.map((g) => (g === group ? { ...g, monitorList: [...g.monitorList, ...missing.map((id) => ({ id }))] } : g))
    : [...groups, { name: page.group, monitorList: want.map((id) => ({ id })) }];
  if (!ctx.dryRun) {
    const config = (await ask("getStatusPage", page.slug)).config as { icon?: string };
    await ask("saveStatusPage", page.slug, config, config.icon ?? "", next);
  }
  ctx.report(group ? "~" : "+", group ? `${groupLabel} (${missing.length} added)` : groupLabel);
}
