/**
 * A fake Uptime Kuma 2.x for the wire job's tests. Its transport is the real thing: the
 * `socket.io` server Kuma runs (4.8.3, louislam/uptime-kuma 2.5.3 package-lock.json), so the
 * job's hand-written Engine.IO/Socket.IO framing (compose/wire/kuma/socketio.ts) is tried against
 * the library that speaks it in Kuma, over HTTP long-polling. Its handlers behave as Kuma's
 * (server/server.js, server/socket-handlers/status-page-socket-handler.js at 2.5.3): they are
 * registered only after the connection handler's first await and `loginRequired` comes last;
 * `setup` only while there is no user and refuses a weak password; every other handler wants
 * a signed-in socket ("You are not logged in."); `login` sends monitorList, notificationList
 * and statusPageList before its answer; `editMonitor` writes every field from what it is
 * given; `saveStatusPage` replaces the page's groups with the list it is given; the public
 * GET /api/status-page/<slug> shows a monitor's URL only when the group entry says sendUrl
 * (Monitor.toPublicJSON), the one thing Kuma hides there.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { ADD_EXTRA, checkSlug, checkStatusCodes, MONITOR_FIELDS, tooWeak, validateMonitor } from "./fake-kuma-rules";

type Row = Record<string, unknown>;
type Monitor = Row & { id: number; notifications: Set<number>; tags: Array<{ tagId: number; value: string }> };
type Callback = (answer: unknown) => void;
interface Group {
  id: number;
  name: string;
  entries: Array<{ monitorId: number; sendUrl: boolean; url?: string }>;
}
interface Page {
  id: number;
  slug: string;
  title: string;
  config: Row;
  groups: Group[];
}

export interface KumaState {
  user?: { username: string; password: string };
  monitors: Map<number, Monitor>;
  tags: Array<{ id: number; name: string; color: string }>;
  notifications: Array<{ id: number; name: string; config: string; isDefault: boolean }>;
  pages: Page[];
  /** Every event a socket emitted, in order (name only: the tests count writes). */
  events: string[];
}

export class FakeKuma {
  readonly state: KumaState = { monitors: new Map(), tags: [], notifications: [], pages: [], events: [] };
  url = "";
  private nextId = 1;
  private http: HttpServer | undefined;
  private io: Server | undefined;

  /** `heartbeat`: Engine.IO's ping interval and timeout in ms (Kuma keeps socket.io's 25000 and 20000). */
  constructor(private readonly heartbeat?: { pingInterval: number; pingTimeout: number }) {}

  /** `port`, `address`: where it listens (the e2e runs it in Kuma's container); `healthPaths`: GETs answered 200, as the stand-in's healthcheck probes them. */
  async start(port = 0, address = "127.0.0.1", healthPaths: readonly string[] = []): Promise<string> {
    const health = new Set(healthPaths);
    this.http = createServer((req, res) => {
      if (req.method === "GET" && health.has(req.url ?? "")) {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("ok\n");
        return;
      }
      const slug = /^\/api\/status-page\/([^/?]+)$/.exec(req.url ?? "")?.[1];
      const page = this.state.pages.find((p) => p.slug === slug?.toLowerCase());
      res.writeHead(page ? 200 : 404, { "Content-Type": "application/json" });
      res.end(JSON.stringify(page ? this.publicData(page) : { ok: false, msg: "Status Page Not Found" }));
    });
    this.io = new Server(this.http, { ...this.heartbeat });
    this.io.on("connection", (socket) => void this.connected(socket));
    await new Promise<void>((resolve) => this.http?.listen(port, address, resolve));
    this.url = `http://${address}:${(this.http.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.io?.disconnectSockets(true);
    await new Promise<void>((resolve) => this.io?.close(() => resolve()));
  }

  /** The monitors as Kuma's monitorList gives them to the owner (toJSON with sensitive data). */
  monitorList(): Record<number, Row> {
    return Object.fromEntries([...this.state.monitors.values()].map((m) => [m.id, this.toJSON(m)]));
  }

  private toJSON(m: Monitor): Row {
    const { notifications, tags, ...fields } = m;
    return {
      ...Object.fromEntries(MONITOR_FIELDS.map((k) => [k, fields[k] ?? null])),
      ...fields,
      accepted_statuscodes: fields.accepted_statuscodes ?? ["200-299"],
      notificationIDList: Object.fromEntries([...notifications].map((n) => [n, true])),
      tags: tags.map((t) => ({ tag_id: t.tagId, monitor_id: m.id, value: t.value, ...this.tagNamed(t.tagId) })),
      includeSensitiveData: true,
    };
  }

  private tagNamed(id: number) {
    const t = this.state.tags.find((x) => x.id === id);
    return { name: t?.name, color: t?.color };
  }

  private publicData(page: Page): Row {
    return {
      config: { slug: page.slug, title: page.title, ...page.config },
      incidents: [],
      maintenanceList: [],
      publicGroupList: page.groups.map((g, i) => ({
        id: g.id,
        name: g.name,
        weight: i + 1,
        monitorList: g.entries.map((e) => {
          const m = this.state.monitors.get(e.monitorId);
          return { id: e.monitorId, name: m?.name, sendUrl: e.sendUrl, type: m?.type, ...(e.sendUrl ? { url: e.url ?? m?.url } : {}) };
        }),
      })),
    };
  }

  private async connected(socket: Socket): Promise<void> {
    let userID: number | undefined;
    const on = (event: string, handler: (...args: unknown[]) => unknown, auth = true) =>
      socket.on(event, async (...args: unknown[]) => {
        this.state.events.push(event);
        const callback = args[args.length - 1] as Callback;
        try {
          if (auth && userID === undefined) throw new Error("You are not logged in.");
          const answer = await handler(...args.slice(0, -1));
          if (answer !== undefined) callback(answer);
        } catch (e) {
          callback({ ok: false, msg: (e as Error).message });
        }
      });
    socket.emit("info", { primaryBaseURL: null, serverTimezone: "UTC" });
    if (!this.state.user) socket.emit("setup");
    // Kuma awaits its settings here (server.js): handlers come after, events sent earlier are lost.
    await new Promise((r) => setTimeout(r, 30));
    on("needSetup", () => !this.state.user, false);
    on(
      "setup",
      (username, password) => {
        if (tooWeak(password)) throw new Error("passwordTooWeak");
        if (this.state.user)
          throw new Error("Uptime Kuma has been initialized. If you want to run setup again, please delete the database.");
        this.state.user = { username: username as string, password: password as string };
        return { ok: true, msg: "successAdded", msgi18n: true };
      },
      false,
    );
    on(
      "login",
      (data) => {
        const d = data as { username?: string; password?: string } | undefined;
        if (!d) return undefined;
        const user = this.state.user;
        if (!user || d.username !== user.username || d.password !== user.password)
          return { ok: false, msg: "authIncorrectCreds", msgi18n: true };
        userID = 1;
        socket.emit("monitorList", this.monitorList());
        this.sendNotificationList(socket);
        socket.emit("statusPageList", Object.fromEntries(this.state.pages.map((p) => [p.id, { id: p.id, slug: p.slug, title: p.title }])));
        return { ok: true, token: "a.jwt.token" };
      },
      false,
    );
    on("getMonitorList", () => {
      socket.emit("monitorList", this.monitorList());
      return { ok: true };
    });
    on("add", (monitor) => this.add(socket, monitor as Row));
    on("editMonitor", (monitor) => this.edit(socket, monitor as Row));
    on("getTags", () => ({ ok: true, tags: this.state.tags }));
    on("addTag", (tag) => {
      const t = { id: this.nextId++, name: (tag as Row).name as string, color: (tag as Row).color as string };
      this.state.tags.push(t);
      return { ok: true, tag: t };
    });
    on("addMonitorTag", (tagId, monitorId, value) => {
      const m = this.state.monitors.get(monitorId as number);
      if (!m || !this.state.tags.some((t) => t.id === tagId)) throw new Error("FOREIGN KEY constraint failed");
      m.tags.push({ tagId: tagId as number, value: value as string });
      return { ok: true, msg: "successAdded", msgi18n: true };
    });
    on("addNotification", (notification, id) => this.saveNotification(socket, notification as Row, id as number | null));
    on("addStatusPage", (title, slug) => this.addPage(title, slug));
    on("getStatusPage", (slug) => {
      const page = this.state.pages.find((p) => p.slug === slug);
      if (!page) throw new Error("No slug?");
      return { ok: true, config: { id: page.id, slug: page.slug, title: page.title, ...page.config } };
    });
    on("saveStatusPage", (slug, config, img, groups) => this.savePage(slug as string, config as Row, img as string, groups as Row[]));
    socket.emit("loginRequired");
  }

  private add(socket: Socket, monitor: Row): Row {
    checkStatusCodes(monitor);
    const unknown = Object.keys(monitor).filter((k) => !(MONITOR_FIELDS as readonly string[]).includes(k) && !ADD_EXTRA.includes(k));
    if (unknown.length) throw new Error(`SQLITE_ERROR: table monitor has no column named ${unknown[0]}`);
    validateMonitor(monitor);
    const { notificationIDList, ...fields } = monitor;
    const id = this.nextId++;
    const notifications = new Set(Object.entries((notificationIDList ?? {}) as Row).flatMap(([k, v]) => (v ? [Number(k)] : [])));
    this.state.monitors.set(id, { ...fields, id, notifications, tags: [] });
    socket.emit("updateMonitorIntoList", { [id]: this.toJSON(this.state.monitors.get(id) as Monitor) });
    return { ok: true, msg: "successAdded", msgi18n: true, monitorID: id };
  }

  private edit(socket: Socket, monitor: Row): Row {
    const bean = this.state.monitors.get(monitor.id as number);
    if (!bean) throw new Error("Cannot read properties of null (reading 'user_id')");
    checkStatusCodes(monitor);
    validateMonitor(monitor);
    for (const k of MONITOR_FIELDS) if (k !== "active" && k !== "weight") bean[k] = monitor[k];
    bean.accepted_statuscodes = monitor.accepted_statuscodes;
    bean.notifications = new Set(Object.entries((monitor.notificationIDList ?? {}) as Row).flatMap(([k, v]) => (v ? [Number(k)] : [])));
    socket.emit("updateMonitorIntoList", { [bean.id]: this.toJSON(bean) });
    return { ok: true, msg: "Saved.", msgi18n: true, monitorID: bean.id };
  }

  private sendNotificationList(socket: Socket): void {
    socket.emit(
      "notificationList",
      this.state.notifications.map((n) => ({ ...n, active: true, userId: 1 })),
    );
  }

  private saveNotification(socket: Socket, notification: Row, id: number | null): Row {
    const existing = id ? this.state.notifications.find((n) => n.id === id) : undefined;
    if (id && !existing) throw new Error("notification not found");
    const config = JSON.stringify({ ...notification, applyExisting: false });
    const bean = existing ?? { id: this.nextId++, name: "", config: "", isDefault: false };
    Object.assign(bean, { name: notification.name, config, isDefault: notification.isDefault === true });
    if (!existing) this.state.notifications.push(bean);
    this.sendNotificationList(socket);
    return { ok: true, msg: "Saved.", msgi18n: true, id: bean.id };
  }

  private addPage(title: unknown, slug: unknown): Row {
    const t = (title as string | undefined)?.trim();
    const s = (slug as string | undefined)?.trim();
    if (!t || !s) throw new Error("Please input all fields");
    checkSlug(s.toLowerCase());
    if (this.state.pages.some((p) => p.slug === s.toLowerCase()))
      throw new Error("SQLITE_CONSTRAINT: UNIQUE constraint failed: status_page.slug");
    const config = { description: null, icon: "/icon.svg", theme: "auto", autoRefreshInterval: 300, published: true, analyticsType: null };
    this.state.pages.push({ id: this.nextId++, slug: s.toLowerCase(), title: t, config, groups: [] });
    return { ok: true, msg: "successAdded", msgi18n: true, slug: s.toLowerCase() };
  }

  private savePage(slug: string, config: Row, img: string, groups: Row[]): Row {
    const page = this.state.pages.find((p) => p.slug === slug);
    if (!page) throw new Error("No slug?");
    checkSlug(config.slug);
    if (img.startsWith("data:") && !img.startsWith("data:image/png;base64,")) throw new Error("Only allowed PNG logo.");
    if (config.analyticsType !== null && !["google", "umami", "plausible", "matomo", "rybbit"].includes(config.analyticsType as string))
      throw new Error("Invalid analytics type");
    const next: Group[] = groups.map((g) => {
      const found = g.id ? page.groups.find((x) => x.id === g.id) : undefined;
      const monitors = g.monitorList as Row[];
      for (const m of monitors) if (!this.state.monitors.has(m.id as number)) throw new Error("FOREIGN KEY constraint failed");
      return {
        id: found?.id ?? this.nextId++,
        name: g.name as string,
        entries: monitors.map((m) => ({
          monitorId: m.id as number,
          sendUrl: m.sendUrl === true,
          ...(m.url !== undefined ? { url: m.url as string } : {}),
        })),
      };
    });
    page.groups = next;
    page.title = config.title as string;
    return { ok: true, publicGroupList: groups };
  }
}
