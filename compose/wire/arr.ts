/**
 * The *arr side of the wiring (Sonarr, Radarr, Lidarr, Prowlarr): download clients, root
 * folders, Prowlarr's applications and indexer proxy. Bodies are typed from each app's own
 * OpenAPI spec (wire/api/, generated from wire/specs/). A provider (download client,
 * application, indexer proxy) is found by name, created from the app's own schema template, and
 * on later runs only its managed fields are compared and put back; everything else stays as the
 * user set it. Secret fields come back as `********`: they are compared by the fingerprint of
 * what was written (wire/state.ts).
 */
import type { components as Lidarr } from "./api/lidarr.ts";
import type { components as Prowlarr } from "./api/prowlarr.ts";
import type { components as Sonarr } from "./api/sonarr.ts";
import type { Context } from "./context.ts";
import { call } from "./http.ts";
import { QBITTORRENT_USER, type Relation } from "./plan.ts";
import { fingerprintOf } from "./state.ts";

type Provider =
  | Sonarr["schemas"]["DownloadClientResource"]
  | Prowlarr["schemas"]["ApplicationResource"]
  | Prowlarr["schemas"]["IndexerProxyResource"];
type Field = Sonarr["schemas"]["Field"];
type RootFolder = Lidarr["schemas"]["RootFolderResource"];
type Tag = Prowlarr["schemas"]["TagResource"];
type Profile = { id?: number; name?: string | null };

/** The api version path of each *arr (Lidarr and Prowlarr are on v1). */
const API_PATH: Readonly<Record<string, string>> = { sonarr: "/api/v3", radarr: "/api/v3", lidarr: "/api/v1", prowlarr: "/api/v1" };
const CATEGORY_FIELD: Readonly<Record<string, string>> = { sonarr: "tvCategory", radarr: "movieCategory", lidarr: "musicCategory" };

interface Desired {
  readonly name: string;
  readonly implementation: string;
  /** Managed top-level values. */
  readonly top: Readonly<Record<string, unknown>>;
  /** Managed field values. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Managed secret fields: compared by fingerprint. */
  readonly secrets: Readonly<Record<string, string>>;
}

function base(ctx: Context, appName: string): { url: string; headers: Record<string, string> } {
  const app = ctx.app(appName);
  return { url: `${app.url}${API_PATH[app.api]}`, headers: { "X-Api-Key": ctx.key(appName) } };
}

async function get<T>(ctx: Context, appName: string, path: string): Promise<T> {
  const b = base(ctx, appName);
  return (await call(appName, `${b.url}${path}`, { headers: b.headers })).body as T;
}

/** Creates or updates one provider in `app` under `resource` (downloadclient, applications, indexerproxy). */
async function convergeProvider(ctx: Context, appName: string, kind: string, resource: string, d: Desired, label: string): Promise<void> {
  const b = base(ctx, appName);
  const list = (await call(appName, `${b.url}/${resource}`, { headers: b.headers })).body as Provider[];
  const current = list.find((p) => p.name === d.name);
  const printId = (field: string) => `${appName}/${resource}/${d.name}/${field}`;
  if (!current) {
    const schema = ((await call(appName, `${b.url}/${resource}/schema`, { headers: b.headers })).body as Provider[]).find(
      (p) => p.implementation === d.implementation,
    );
    if (!schema) throw new Error(`${appName}: no ${d.implementation} in ${resource}/schema`);
    const values = { ...d.fields, ...d.secrets };
    const body: Provider = {
      ...schema,
      name: d.name,
      ...d.top,
      fields: (schema.fields ?? []).map((f: Field) => (f.name && f.name in values ? { ...f, value: values[f.name] } : f)),
      tags: (d.top.tags as number[] | undefined) ?? [],
    };
    if (!ctx.dryRun) {
      await call(appName, `${b.url}/${resource}`, { method: "POST", headers: b.headers, json: body });
      for (const [field, secret] of Object.entries(d.secrets)) ctx.state.remember(printId(field), secret);
    }
    ctx.report("+", `${appName}: ${label}`);
    return;
  }
  const changed: string[] = [];
  for (const [key, value] of Object.entries(d.top))
    if (JSON.stringify((current as Record<string, unknown>)[key]) !== JSON.stringify(value)) changed.push(key);
  const fields = current.fields ?? [];
  const fieldValue = (field: string) => fields.find((f) => f.name === field)?.value;
  for (const [name, value] of Object.entries(d.fields)) if (JSON.stringify(fieldValue(name)) !== JSON.stringify(value)) changed.push(name);
  for (const [name, secret] of Object.entries(d.secrets)) {
    const now = fieldValue(name);
    const same = now === "********" ? ctx.state.fingerprint(printId(name)) === fingerprintOf(secret) : now === secret;
    if (!same) changed.push(name);
  }
  const managed = ctx.managed(appName, kind, changed);
  if (managed.length === 0) return ctx.report("=", `${appName}: ${label}`);
  const values: Record<string, unknown> = Object.fromEntries(
    Object.entries({ ...d.fields, ...d.secrets }).filter(([k]) => managed.includes(k)),
  );
  const top = Object.fromEntries(Object.entries(d.top).filter(([k]) => managed.includes(k)));
  const body: Provider = {
    ...current,
    ...top,
    fields: fields.map((f) => (f.name && f.name in values ? { ...f, value: values[f.name] } : f)),
  };
  if (!ctx.dryRun) {
    await call(appName, `${b.url}/${resource}/${current.id}`, { method: "PUT", headers: b.headers, json: body });
    for (const [field, secret] of Object.entries(d.secrets)) if (managed.includes(field)) ctx.state.remember(printId(field), secret);
  }
  ctx.report("~", `${appName}: ${label} (${managed.join(", ")})`);
}

async function convergeRootFolder(ctx: Context, appName: string, path: string): Promise<void> {
  const folders = await get<RootFolder[]>(ctx, appName, "/rootfolder");
  if (folders.some((f) => f.path?.replace(/\/$/, "") === path)) return ctx.report("=", `${appName}: root folder ${path}`);
  const body: RootFolder = { path };
  if (ctx.app(appName).api === "lidarr") {
    // Lidarr's root folder carries a name and the defaults for new artists: its first profiles.
    const [quality] = await get<Profile[]>(ctx, appName, "/qualityprofile");
    const [metadata] = await get<Profile[]>(ctx, appName, "/metadataprofile");
    Object.assign(body, { name: path.split("/").at(-1), defaultQualityProfileId: quality?.id, defaultMetadataProfileId: metadata?.id });
  }
  const b = base(ctx, appName);
  if (!ctx.dryRun) await call(appName, `${b.url}/rootfolder`, { method: "POST", headers: b.headers, json: body });
  ctx.report("+", `${appName}: root folder ${path}`);
}

/** The id of Prowlarr's tag `label`, created when missing (a proxy applies to indexers with its tag). */
async function tagId(ctx: Context, appName: string, label: string): Promise<number> {
  const tags = await get<Tag[]>(ctx, appName, "/tag");
  const found = tags.find((t) => t.label === label);
  if (found?.id !== undefined) return found.id;
  if (ctx.dryRun) return -1;
  const b = base(ctx, appName);
  const created = (await call(appName, `${b.url}/tag`, { method: "POST", headers: b.headers, json: { label } satisfies Tag })).body as Tag;
  ctx.report("+", `${appName}: tag ${label}`);
  return created.id as number;
}

/** Converges one relation of the *arr apps; false when the relation is not theirs. */
export async function convergeArr(r: Relation, ctx: Context): Promise<boolean> {
  switch (r.kind) {
    case "download-client": {
      const client = ctx.app(r.client.app);
      const torrent = r.implementation === "QBittorrent";
      await convergeProvider(
        ctx,
        r.app,
        r.kind,
        "downloadclient",
        {
          name: r.client.app,
          implementation: r.implementation,
          top: { enable: true, protocol: torrent ? "torrent" : "usenet" },
          fields: {
            host: r.client.host,
            port: r.client.port,
            useSsl: false,
            [CATEGORY_FIELD[ctx.app(r.app).api] as string]: r.category,
            ...(torrent ? { username: QBITTORRENT_USER } : {}),
          },
          secrets: torrent ? { password: ctx.key(client.name) } : { apiKey: ctx.key(client.name) },
        },
        `download client ${r.client.app} (category ${r.category})`,
      );
      return true;
    }
    case "root-folder":
      await convergeRootFolder(ctx, r.app, r.path);
      return true;
    case "prowlarr-application":
      await convergeProvider(
        ctx,
        r.app,
        r.kind,
        "applications",
        {
          name: r.target,
          implementation: r.implementation,
          top: { syncLevel: "fullSync" },
          fields: { prowlarrUrl: r.prowlarrUrl, baseUrl: r.baseUrl },
          secrets: { apiKey: ctx.key(r.target) },
        },
        `application ${r.target}`,
      );
      return true;
    case "indexer-proxy": {
      const tag = await tagId(ctx, r.app, r.tag);
      await convergeProvider(
        ctx,
        r.app,
        r.kind,
        "indexerproxy",
        { name: r.proxy, implementation: "FlareSolverr", top: { tags: [tag] }, fields: { host: r.url }, secrets: {} },
        `indexer proxy ${r.proxy} (tag ${r.tag})`,
      );
      return true;
    }
    default:
      return false;
  }
}
