import type { World } from "./fake-arr";
import type { FakeRequest, FakeResponse } from "./fake-server";
import type { SpecCheck } from "./spec-validator";

/**
 * A fake qBittorrent (web API v2 as release-5.2.3 answers it: src/webui/webapplication.cpp,
 * src/webui/api/authcontroller.cpp, src/webui/api/appcontroller.cpp): auth/login by the keys job's
 * user and password answers 204 and the session cookie QBT_SID_<web UI port>, a wrong password 401,
 * and after 5 failures (WebUI\MaxAuthenticationFailCount) 403; without the session every other
 * call is 403; a call with no result (setPreferences, createCategory) answers 204.
 */
export function fakeQbittorrent(name: string, world: World, webUiPort = 8080) {
  const categories: Record<string, { name: string; savePath: string }> = {};
  const prefs: Record<string, unknown> = { save_path: "/downloads/", listen_port: 6881, web_ui_username: "admin" };
  const cookieName = `QBT_SID_${webUiPort}`;
  const sid = "ZmFrZS1zaWQrLz0=";
  let failedLogins = 0;
  const handler = (req: FakeRequest): FakeResponse => {
    const form = (req.body ?? {}) as Record<string, string>;
    if (req.path === "/api/v2/auth/login") {
      if (req.method !== "POST") return { status: 405, body: "Method Not Allowed" };
      if (failedLogins >= 5) return { status: 403, body: "Your IP address has been banned after too many failed authentication attempts." };
      if (form.username === "admin" && form.password === world.keyOf(name)) {
        failedLogins = 0;
        return { status: 204, headers: { "Set-Cookie": `${cookieName}=${sid}; HttpOnly; SameSite=Lax; path=/` } };
      }
      failedLogins += 1;
      return { status: 401, body: "Unauthorized" };
    }
    const cookie = String(req.headers.cookie ?? "")
      .split(";")
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${cookieName}=`));
    if (cookie !== `${cookieName}=${sid}`) return { status: 403, body: "Forbidden" };
    switch (req.path) {
      case "/api/v2/torrents/categories":
        return { status: 200, body: categories };
      case "/api/v2/torrents/createCategory":
        if (!form.category) return { status: 400, body: "Category name is empty" };
        if (categories[form.category]) return { status: 409, body: "Category already exists" };
        categories[form.category] = { name: form.category, savePath: form.savePath ?? "" };
        return { status: 204 };
      case "/api/v2/torrents/editCategory":
        if (!form.category || !categories[form.category]) return { status: 409, body: "Category does not exist" };
        categories[form.category] = { name: form.category, savePath: form.savePath ?? "" };
        return { status: 204 };
      case "/api/v2/app/preferences":
        return { status: 200, body: prefs };
      case "/api/v2/app/setPreferences":
        if (req.method !== "POST") return { status: 405, body: "Method Not Allowed" };
        if (form.json === undefined) return { status: 400, body: "Missing required parameter: json" };
        Object.assign(prefs, JSON.parse(form.json));
        return { status: 204 };
      case "/api/v2/auth/logout":
        return { status: 200, body: "" };
      default:
        return { status: 404, body: "Not Found" };
    }
  };
  return Object.assign(handler, { categories, prefs });
}

/** A fake Bazarr (bazarr/api/system/settings.py v1.5.2): X-API-KEY, settings read as JSON, written as `settings-<section>-<key>` form fields. */
export function fakeBazarr(name: string, world: World) {
  const settings: Record<string, Record<string, unknown>> = {
    general: { use_sonarr: false, use_radarr: false },
    sonarr: { ip: "127.0.0.1", port: 8989, apikey: "", base_url: "/", ssl: false },
    radarr: { ip: "127.0.0.1", port: 7878, apikey: "", base_url: "/", ssl: false },
  };
  const handler = (req: FakeRequest): FakeResponse => {
    if (req.headers["x-api-key"] !== world.keyOf(name)) return { status: 401, body: { message: "Unauthorized" } };
    if (req.path !== "/api/system/settings") return { status: 404 };
    if (req.method === "GET") return { status: 200, body: settings };
    for (const [key, v] of Object.entries(req.body as Record<string, string>)) {
      const [, section, field] = key.split("-") as [string, string, string];
      settings[section] = settings[section] ?? {};
      (settings[section] as Record<string, unknown>)[field] =
        v === "true" ? true : v === "false" ? false : field === "port" ? Number(v) : v;
    }
    return { status: 204 };
  };
  return Object.assign(handler, { settings });
}

/** A fake SABnzbd (sabnzbd/api.py 4.5.5): apikey in the query, categories by get_config / set_config. */
export function fakeSabnzbd(name: string, world: World) {
  const categories: Array<{ name: string; dir: string }> = [{ name: "*", dir: "" }];
  const handler = (req: FakeRequest): FakeResponse => {
    if (req.path !== "/api") return { status: 404 };
    if (req.query.get("apikey") !== world.keyOf(name)) return { status: 200, body: { status: false, error: "API Key Incorrect" } };
    const mode = req.query.get("mode");
    if (mode === "get_config") return { status: 200, body: { config: { categories } } };
    if (mode === "set_config" && req.query.get("section") === "categories") {
      const keyword = req.query.get("keyword") as string;
      const found = categories.find((c) => c.name === keyword);
      if (found) found.dir = req.query.get("dir") ?? "";
      else categories.push({ name: keyword, dir: req.query.get("dir") ?? "" });
      return { status: 200, body: { status: true } };
    }
    return { status: 200, body: { status: false, error: "not implemented" } };
  };
  return Object.assign(handler, { categories });
}

/** A fake Seerr: its spec checks every request; settings answer only once the owner signed in (initialized). */
export function fakeSeerr(name: string, spec: SpecCheck, world: World) {
  const servers: Record<string, Array<Record<string, unknown>>> = { sonarr: [], radarr: [] };
  const state = { initialized: false };
  let next = 0;
  const handler = (req: FakeRequest): FakeResponse => {
    const refused = spec.check(req.method, req.path, req.body);
    if (refused) return { status: 400, body: { message: refused } };
    if (req.path === "/api/v1/settings/public") return { status: 200, body: { initialized: state.initialized } };
    if (req.headers["x-api-key"] !== world.keyOf(name))
      return { status: 403, body: { message: "You do not have permission to access this endpoint" } };
    // Before the first sign-in there is no owner for the API key to act as.
    if (!state.initialized) return { status: 403, body: { message: "Seerr is not set up" } };
    const [, , , , service, id] = req.path.split("/") as string[];
    const list = servers[service as string];
    if (!list) return { status: 404 };
    if (req.method === "GET") return { status: 200, body: list };
    const body = req.body as Record<string, unknown>;
    if (req.method === "POST") {
      const created = { ...body, id: next++ };
      list.push(created);
      return { status: 201, body: created };
    }
    const at = list.findIndex((s) => s.id === Number(id));
    if (at < 0) return { status: 404 };
    list[at] = { ...body, id: Number(id) };
    return { status: 200, body: list[at] };
  };
  return Object.assign(handler, { servers, state });
}
