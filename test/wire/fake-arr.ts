import type { FakeRequest, FakeResponse } from "./fake-server";
import type { SpecCheck } from "./spec-validator";

/** What a fake needs to know about the others: their keys, and who is reachable at an address from where (compose.yaml). */
export interface World {
  keyOf(app: string): string;
  apiOf(app: string): string | undefined;
  /** The app `caller` reaches at host:port, as compose.yaml connects them; undefined when unreachable. */
  reach(caller: string, host: string, port: number): string | undefined;
  /** Whether `containerPath` exists in `app`'s container: a mount of a host dir setup.sh creates. */
  pathExists(app: string, containerPath: string): boolean;
}

interface Field {
  name: string;
  value?: unknown;
}
interface Provider {
  id: number;
  name: string;
  implementation: string;
  fields: Field[];
  tags: number[];
  [k: string]: unknown;
}

const MASKED = "********";
const SECRET_FIELDS = new Set(["password", "apiKey"]);
const CATEGORY = { sonarr: "tvCategory", radarr: "movieCategory", lidarr: "musicCategory" } as Record<string, string>;
const VERSION = { sonarr: "/api/v3", radarr: "/api/v3", lidarr: "/api/v1", prowlarr: "/api/v1" } as Record<string, string>;

const f = (name: string, value: unknown = null): Field => ({ name, value });

/** The implementations each resource offers (GET …/schema), with a few fields servarr does not manage. */
function templates(api: string, resource: string): Provider[] {
  const t = (implementation: string, fields: Field[], extra: Record<string, unknown> = {}): Provider => ({
    id: 0,
    name: "",
    implementation,
    implementationName: implementation,
    configContract: `${implementation}Settings`,
    fields,
    tags: [],
    ...extra,
  });
  if (resource === "downloadclient")
    return [
      t(
        "QBittorrent",
        [
          f("host", "localhost"),
          f("port", 8080),
          f("useSsl", false),
          f("urlBase"),
          f("username"),
          f("password"),
          f(CATEGORY[api] as string, api),
          f("initialState", 0),
        ],
        { enable: true, protocol: "torrent", priority: 1, removeCompletedDownloads: true, removeFailedDownloads: true },
      ),
      t(
        "Sabnzbd",
        [
          f("host", "localhost"),
          f("port", 8080),
          f("useSsl", false),
          f("urlBase"),
          f("apiKey"),
          f("username"),
          f("password"),
          f(CATEGORY[api] as string, api),
        ],
        {
          enable: true,
          protocol: "usenet",
          priority: 1,
          removeCompletedDownloads: true,
          removeFailedDownloads: true,
        },
      ),
    ];
  if (resource === "applications")
    return ["Sonarr", "Radarr", "Lidarr"].map((i) =>
      t(i, [f("prowlarrUrl", "http://localhost:9696"), f("baseUrl", "http://localhost:8989"), f("apiKey"), f("syncCategories", [5000])], {
        syncLevel: "addOnly",
      }),
    );
  return [t("FlareSolverr", [f("host", "http://localhost:8191/"), f("requestTimeout", 60)], { onHealthIssue: false })];
}

/**
 * A fake Sonarr, Radarr, Lidarr or Prowlarr: every request checked against the app's spec,
 * 401 without its key, secrets answered as `********`, a provider tested on POST/PUT (its
 * peer must answer at the address, with the key given), 409 on a duplicate name, a root folder
 * refused when its path does not exist.
 */
export function fakeArr(name: string, api: string, spec: SpecCheck, world: World) {
  const base = VERSION[api] as string;
  const store: Record<string, Provider[]> = { downloadclient: [], applications: [], indexerproxy: [] };
  const roots: Array<{ id: number; path: string }> = [];
  const tags: Array<{ id: number; label: string }> = [];
  let next = 1;
  const mask = (p: Provider): Provider => ({
    ...p,
    fields: p.fields.map((x) => (SECRET_FIELDS.has(x.name) && x.value ? { ...x, value: MASKED } : x)),
  });
  const value = (p: Provider, n: string) => p.fields.find((x) => x.name === n)?.value;

  /** The provider test the real apps run before saving. */
  function test(resource: string, p: Provider): string | undefined {
    if (resource === "downloadclient") {
      const peer = world.reach(name, String(value(p, "host")), Number(value(p, "port")));
      if (!peer) return `Unable to connect to ${p.implementation} at ${value(p, "host")}:${value(p, "port")}`;
      const secret = p.implementation === "QBittorrent" ? value(p, "password") : value(p, "apiKey");
      if (secret !== world.keyOf(peer)) return `Authentication failure at ${peer}`;
      return undefined;
    }
    if (resource === "applications") {
      const target = new URL(String(value(p, "baseUrl")));
      const peer = world.reach(name, target.hostname, Number(target.port));
      if (!peer || world.apiOf(peer) !== p.implementation.toLowerCase()) return `Unable to reach ${p.implementation} at ${target}`;
      if (value(p, "apiKey") !== world.keyOf(peer)) return `Unauthorized by ${peer}`;
      const back = new URL(String(value(p, "prowlarrUrl")));
      if (world.reach(peer, back.hostname, Number(back.port)) !== name) return `${peer} cannot reach Prowlarr at ${back}`;
      return undefined;
    }
    const host = new URL(String(value(p, "host")));
    const peer = world.reach(name, host.hostname, Number(host.port));
    return peer && world.apiOf(peer) === "flaresolverr" ? undefined : `FlareSolverr unreachable at ${host}`;
  }

  return (req: FakeRequest): FakeResponse => {
    if (req.headers["x-api-key"] !== world.keyOf(name)) return { status: 401 };
    const refused = spec.check(req.method, req.path, req.body);
    if (refused) return { status: 400, body: { message: refused } };
    const rel = req.path.slice(base.length + 1).split("/");
    const [resource, idOrSchema] = rel as [string, string?];
    if (resource === "qualityprofile") return { status: 200, body: [{ id: 1, name: "Any" }] };
    if (resource === "metadataprofile") return { status: 200, body: [{ id: 1, name: "Standard" }] };
    if (resource === "tag") {
      if (req.method === "GET") return { status: 200, body: tags };
      const tag = { id: next++, label: (req.body as { label: string }).label };
      tags.push(tag);
      return { status: 201, body: tag };
    }
    if (resource === "rootfolder") {
      if (req.method === "GET") return { status: 200, body: roots };
      const path = (req.body as { path: string }).path;
      if (roots.some((r) => r.path === path))
        return { status: 409, body: [{ propertyName: "Path", errorMessage: "Path is already configured as a root folder" }] };
      if (!world.pathExists(name, path))
        return { status: 400, body: [{ propertyName: "Path", errorMessage: `Folder '${path}' does not exist` }] };
      const root = { id: next++, path };
      roots.push(root);
      return { status: 201, body: root };
    }
    const list = store[resource];
    if (!list) return { status: 404 };
    if (idOrSchema === "schema") return { status: 200, body: templates(api, resource) };
    if (req.method === "GET") return { status: 200, body: list.map(mask) };
    const body = req.body as Provider;
    const existing = idOrSchema ? list.find((p) => p.id === Number(idOrSchema)) : undefined;
    // A masked secret sent back means "keep the stored one" (as the arrs do).
    const fields = body.fields.map((x) => (x.value === MASKED && existing ? { ...x, value: value(existing, x.name) } : x));
    const candidate = { ...body, fields, id: existing?.id ?? next } as Provider;
    if (list.some((p) => p.name === candidate.name && p.id !== candidate.id))
      return { status: 409, body: [{ propertyName: "Name", errorMessage: "Should be unique" }] };
    const failure = test(resource, candidate);
    if (failure) return { status: 400, body: [{ propertyName: "", errorMessage: `Test was aborted due to an error: ${failure}` }] };
    if (req.method === "POST") {
      next++;
      list.push(candidate);
      return { status: 201, body: mask(candidate) };
    }
    if (!existing) return { status: 404 };
    list.splice(list.indexOf(existing), 1, candidate);
    return { status: 202, body: mask(candidate) };
  };
}

/** The fake's stored state, for the tests to inspect and to change "by hand". */
export type ArrHandler = ReturnType<typeof fakeArr>;
