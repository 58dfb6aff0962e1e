/**
 * The wiring of the apps without an *arr API: Seerr (OpenAPI spec, wire/api/seerr.ts), Bazarr,
 * qBittorrent and SABnzbd (no published spec: their web APIs as their sources define them).
 */
import type { components as Seerr } from "./api/seerr.ts";
import type { components as Sonarr } from "./api/sonarr.ts";
import type { Context } from "./context.ts";
import { call, WireError } from "./http.ts";
import { QBITTORRENT_USER, type Relation } from "./plan.ts";

type SeerrServer = Seerr["schemas"]["SonarrSettings"] | Seerr["schemas"]["RadarrSettings"];
type Profile = Sonarr["schemas"]["QualityProfileResource"];

/** Managed fields compared on a Seerr server; the profile is chosen once (first of the arr's), then the user's. */
const SEERR_MANAGED = ["hostname", "port", "apiKey", "useSsl", "activeDirectory", "is4k", "isDefault"] as const;

async function seerrServer(r: Extract<Relation, { kind: "seerr-server" }>, ctx: Context, waiting: Set<string>): Promise<void> {
  const seerr = ctx.app(r.app);
  const pub = (await call(r.app, `${seerr.url}/api/v1/settings/public`)).body as Seerr["schemas"]["PublicSettings"];
  if (!pub.initialized) {
    waiting.add(r.app);
    return ctx.report("…", `${r.app}: waiting for the first sign-in (the next deploy wires it)`);
  }
  const headers = { "X-Api-Key": ctx.key(r.app) };
  const url = `${seerr.url}/api/v1/settings/${r.service}`;
  const servers = (await call(r.app, url, { headers })).body as SeerrServer[];
  const current = servers.find((s) => s.name === r.target.app);
  const managed = {
    hostname: r.target.host,
    port: r.target.port,
    apiKey: ctx.key(r.target.app),
    useSsl: false,
    activeDirectory: r.rootFolder,
    is4k: r.is4k,
    isDefault: r.isDefault,
  };
  const label = `${r.service} server ${r.target.app} (root folder ${r.rootFolder})`;
  if (!current) {
    const arr = ctx.app(r.target.app);
    const profiles = (await call(arr.name, `${arr.url}/api/v3/qualityprofile`, { headers: { "X-Api-Key": ctx.key(arr.name) } }))
      .body as Profile[];
    const profile = profiles[0];
    if (!profile?.id) throw new WireError(`${arr.name}: no quality profile to give Seerr`);
    const body = {
      name: r.target.app,
      ...managed,
      baseUrl: "",
      activeProfileId: profile.id,
      activeProfileName: profile.name ?? "",
      ...(r.service === "sonarr" ? { enableSeasonFolders: true } : { minimumAvailability: "released" }),
    } as SeerrServer;
    if (!ctx.dryRun) await call(r.app, url, { method: "POST", headers, json: body });
    return ctx.report("+", `${r.app}: ${label}`);
  }
  const changed = ctx.managed(
    r.app,
    r.kind,
    SEERR_MANAGED.filter((k) => current[k] !== managed[k]),
  );
  if (changed.length === 0) return ctx.report("=", `${r.app}: ${label}`);
  const { id, ...rest } = current;
  const update = Object.fromEntries(changed.map((k) => [k, managed[k as keyof typeof managed]]));
  if (!ctx.dryRun) await call(r.app, `${url}/${id}`, { method: "PUT", headers, json: { ...rest, ...update } });
  ctx.report("~", `${r.app}: ${label} (${changed.join(", ")})`);
}

/** Bazarr: one Sonarr and one Radarr, in its settings (bazarr/api/system/settings.py: a form of `settings-<section>-<key>`). */
async function bazarrArr(r: Extract<Relation, { kind: "bazarr-arr" }>, ctx: Context): Promise<void> {
  const bazarr = ctx.app(r.app);
  const headers = { "X-API-KEY": ctx.key(r.app) };
  const settings = (await call(r.app, `${bazarr.url}/api/system/settings`, { headers })).body as Record<string, Record<string, unknown>>;
  const section = settings[r.service] ?? {};
  const key = ctx.key(r.target.app);
  const want: Record<string, string> = { ip: r.target.host, port: String(r.target.port), apikey: key, base_url: "", ssl: "false" };
  const changed = ctx.managed(
    r.app,
    r.kind,
    Object.keys(want).filter((k) => String(section[k] ?? "") !== want[k] && !(k === "base_url" && section[k] === "/")),
  );
  if (settings.general?.[`use_${r.service}`] !== true) changed.unshift(`use_${r.service}`);
  const label = `${r.service} ${r.target.app}`;
  if (changed.length === 0) return ctx.report("=", `${r.app}: ${label}`);
  const form: Record<string, string> = { [`settings-general-use_${r.service}`]: "true" };
  for (const [k, v] of Object.entries(want))
    if (changed.includes(k) || changed.includes(`use_${r.service}`)) form[`settings-${r.service}-${k}`] = v;
  if (!ctx.dryRun) await call(r.app, `${bazarr.url}/api/system/settings`, { method: "POST", headers, form });
  ctx.report(
    changed.includes(`use_${r.service}`) ? "+" : "~",
    `${r.app}: ${label}${changed.includes(`use_${r.service}`) ? "" : ` (${changed.join(", ")})`}`,
  );
}

/**
 * A qBittorrent session (API v2, release-5.2.3 src/webui/webapplication.cpp): auth/login answers
 * 204 and the cookie QBT_SID_<web UI port> (SID before 5.2), 401 for a wrong password (a WireError).
 */
async function qbittorrent(ctx: Context, appName: string): Promise<{ url: string; headers: Record<string, string> }> {
  const app = ctx.app(appName);
  const url = `${app.url}/api/v2`;
  const login = await call(appName, `${url}/auth/login`, { form: { username: QBITTORRENT_USER, password: ctx.key(appName) } });
  const sid = /(?:^|[\s,;])((?:QBT_)?SID(?:_\d+)?=[^;,\s]+)/.exec(login.cookie ?? "")?.[1];
  if (!sid) throw new WireError(`${appName}: POST /api/v2/auth/login: no session cookie in the answer (wrong password?)`, 401);
  return { url, headers: { Cookie: sid, Referer: app.url } };
}

async function torrentCategory(r: Extract<Relation, { kind: "torrent-category" }>, ctx: Context): Promise<void> {
  const q = await qbittorrent(ctx, r.app);
  const categories = (await call(r.app, `${q.url}/torrents/categories`, { headers: q.headers })).body as Record<
    string,
    { savePath?: string }
  >;
  const current = categories[r.category];
  const label = `category ${r.category} saving to ${r.savePath}`;
  if (current && current.savePath?.replace(/\/$/, "") === r.savePath) return ctx.report("=", `${r.app}: ${label}`);
  const action = current ? "editCategory" : "createCategory";
  if (!ctx.dryRun)
    await call(r.app, `${q.url}/torrents/${action}`, { headers: q.headers, form: { category: r.category, savePath: r.savePath } });
  ctx.report(current ? "~" : "+", `${r.app}: ${label}${current ? " (savePath)" : ""}`);
}

async function torrentPreferences(r: Extract<Relation, { kind: "torrent-preferences" }>, ctx: Context): Promise<void> {
  const q = await qbittorrent(ctx, r.app);
  const prefs = (await call(r.app, `${q.url}/app/preferences`, { headers: q.headers })).body as Record<string, unknown>;
  const want: Record<string, unknown> = { save_path: r.savePath, ...(r.listenPort !== undefined ? { listen_port: r.listenPort } : {}) };
  const changed = ctx.managed(
    r.app,
    r.kind,
    Object.keys(want).filter((k) => String(prefs[k] ?? "").replace(/\/$/, "") !== String(want[k])),
  );
  const label = `preferences (save path ${r.savePath}${r.listenPort !== undefined ? `, listening port ${r.listenPort}` : ""})`;
  if (changed.length === 0) return ctx.report("=", `${r.app}: ${label}`);
  const update = Object.fromEntries(changed.map((k) => [k, want[k]]));
  if (!ctx.dryRun) await call(r.app, `${q.url}/app/setPreferences`, { headers: q.headers, form: { json: JSON.stringify(update) } });
  ctx.report("~", `${r.app}: ${label} (${changed.join(", ")})`);
}

/** SABnzbd's categories (its api: mode=get_config / set_config, section categories). */
async function usenetCategory(r: Extract<Relation, { kind: "usenet-category" }>, ctx: Context): Promise<void> {
  const app = ctx.app(r.app);
  const api = (params: Record<string, string>) =>
    `${app.url}/api?${new URLSearchParams({ ...params, output: "json", apikey: ctx.key(r.app) }).toString()}`;
  const config = (await call(r.app, api({ mode: "get_config", section: "categories" }))).body as {
    config?: { categories?: Array<{ name: string; dir?: string }> };
  };
  const current = config.config?.categories?.find((c) => c.name === r.category);
  const label = `category ${r.category} in folder ${r.dir}`;
  if (current?.dir === r.dir) return ctx.report("=", `${r.app}: ${label}`);
  if (!ctx.dryRun) await call(r.app, api({ mode: "set_config", section: "categories", keyword: r.category, dir: r.dir }));
  ctx.report(current ? "~" : "+", `${r.app}: ${label}`);
}

export async function convergeOther(r: Relation, ctx: Context, waiting: Set<string>): Promise<void> {
  switch (r.kind) {
    case "seerr-server":
      return seerrServer(r, ctx, waiting);
    case "bazarr-arr":
      return bazarrArr(r, ctx);
    case "torrent-category":
      return torrentCategory(r, ctx);
    case "torrent-preferences":
      return torrentPreferences(r, ctx);
    case "usenet-category":
      return usenetCategory(r, ctx);
    default:
      throw new WireError(`${r.app}: no way to wire ${r.kind}`);
  }
}
