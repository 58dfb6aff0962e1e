import type { Endpoint, Relation, WiredApp, WiringPlan } from "../../compose/wire/plan";
import { type AppApi, wiredAppNames } from "../model/app-api";
import type { AppModel, HostModel } from "../model/host-model";
import { fixedForwardedPort } from "../model/roles";
import { PORT_HOOK_OWNER, portHookClient } from "../runtime/port-forwarding";
import { endpointFrom } from "./endpoints";
import { libraryOf, TORRENTS_ROOT, torrentsPath } from "./libraries";
import { monitoringPlan } from "./monitoring";

export type { MonitoringPlan, Relation, WiringPlan } from "../../compose/wire/plan";
export { endpointFrom } from "./endpoints";

const ARR_APIS: ReadonlySet<AppApi> = new Set(["sonarr", "radarr", "lidarr"]);
const CLIENTS: Readonly<Partial<Record<AppApi, "QBittorrent" | "Sabnzbd">>> = { qbittorrent: "QBittorrent", sabnzbd: "Sabnzbd" };
const IMPLEMENTATION = { sonarr: "Sonarr", radarr: "Radarr", lidarr: "Lidarr" } as const;

const urlOf = (e: Endpoint) => `http://${e.host}:${e.port}`;

/**
 * The host's wiring, a pure function of its apps: their apis, kinds and relations (talksTo,
 * talksToKinds), and where each reaches the other (the VPN namespace). Only relations the model
 * declares are wired: Sonarr gets a download client only for a client it talks to.
 */
export function wiringPlan(host: HostModel): WiringPlan {
  const apps = host.apps.filter((a) => a.props.api !== undefined && a.port !== undefined);
  const byName = new Map(apps.map((a) => [a.name, a]));
  const peersOf = (a: AppModel) => a.peers.map((p) => byName.get(p)).filter((p): p is AppModel => p !== undefined);
  const api = (a: AppModel) => a.props.api as AppApi;
  const relations: Relation[] = [];
  const skipped: string[] = [];
  const add = (r: Relation) => {
    relations.push(r);
  };

  for (const app of apps) {
    const kind = api(app);
    if (ARR_APIS.has(kind)) {
      const library = libraryOf(app);
      if (library === undefined) {
        skipped.push(`${app.name}: no library (it is no tv, movie or music manager)`);
        continue;
      }
      add({ kind: "root-folder", app: app.name, path: library.rootFolder });
      for (const client of peersOf(app)) {
        const implementation = CLIENTS[api(client)];
        if (implementation)
          add({ kind: "download-client", app: app.name, client: endpointFrom(app, client), implementation, category: library.category });
      }
    }
    if (kind === "prowlarr")
      for (const peer of peersOf(app)) {
        const target = api(peer);
        if (target === "sonarr" || target === "radarr" || target === "lidarr")
          add({
            kind: "prowlarr-application",
            app: app.name,
            target: peer.name,
            implementation: IMPLEMENTATION[target],
            prowlarrUrl: urlOf(endpointFrom(peer, app)),
            baseUrl: urlOf(endpointFrom(app, peer)),
          });
        if (target === "flaresolverr")
          add({ kind: "indexer-proxy", app: app.name, proxy: peer.name, url: `${urlOf(endpointFrom(app, peer))}/`, tag: peer.name });
      }
    if (kind === "seerr" || kind === "bazarr")
      for (const service of ["sonarr", "radarr"] as const) {
        const targets = peersOf(app).filter((p) => api(p) === service);
        // Bazarr knows one Sonarr and one Radarr; Seerr many, the one named after its api (else the first) the default.
        const main = targets.find((t) => t.name === service) ?? targets[0];
        for (const target of kind === "bazarr" ? targets.slice(0, 1) : targets) {
          const library = libraryOf(target);
          if (kind === "bazarr") add({ kind: "bazarr-arr", app: app.name, service, target: endpointFrom(app, target) });
          else if (library)
            add({
              kind: "seerr-server",
              app: app.name,
              service,
              target: endpointFrom(app, target),
              rootFolder: library.rootFolder,
              is4k: library.fourK,
              isDefault: target === main,
            });
        }
        if (kind === "bazarr" && targets.length > 1 && main)
          skipped.push(
            `${app.name}: Bazarr connects to one ${service}; wired to ${targets[0]?.name}, not ${targets
              .slice(1)
              .map((t) => t.name)
              .join(", ")}`,
          );
      }
  }
  // The clients' side: a category per manager that sends to it, under the TRaSH folders.
  for (const client of apps.filter((a) => CLIENTS[api(a)])) {
    const categories = relations.flatMap((r) => (r.kind === "download-client" && r.client.app === client.name ? [r.category] : []));
    if (api(client) === "qbittorrent") {
      for (const category of categories) add({ kind: "torrent-category", app: client.name, category, savePath: torrentsPath(category) });
      const forwarded = client.vpn ? fixedForwardedPort(host.appWithRole("vpn-gateway")?.role) : undefined;
      add({
        kind: "torrent-preferences",
        app: client.name,
        savePath: TORRENTS_ROOT,
        ...(forwarded !== undefined ? { listenPort: forwarded } : {}),
        // The port moves: gluetun's hook sets it at each change, the wire job never touches it.
        ...(portHookClient(host) === client ? { listenPortOwner: PORT_HOOK_OWNER } : {}),
      });
    } else for (const category of categories) add({ kind: "usenet-category", app: client.name, category, dir: category });
  }
  const callable = new Set(wiredAppNames(apps));
  const wired: WiredApp[] = apps
    .filter((a) => callable.has(a.name))
    .map((a) => ({
      name: a.name,
      api: api(a),
      url: a.originUrl,
      ...(a.apiKeySecret !== undefined ? { secret: a.apiKeySecret } : {}),
      ...(a.props.leaveAlone?.length ? { leaveAlone: a.props.leaveAlone } : {}),
    }));
  const monitoring = monitoringPlan(host);
  skipped.push(...monitoring.skipped);
  return { host: host.name, apps: wired, relations, skipped, ...(monitoring.plan ? { monitoring: monitoring.plan } : {}) };
}

/** One line per relation, as the synth summary and the plan's header print them. */
export function describeRelation(r: Relation): string {
  switch (r.kind) {
    case "download-client":
      return `${r.app} → ${r.client.app}: download client (${r.implementation}), category ${r.category}, at ${urlOf(r.client)}`;
    case "root-folder":
      return `${r.app}: root folder ${r.path}`;
    case "prowlarr-application":
      return `${r.app} → ${r.target}: application (${r.implementation}) at ${r.baseUrl}, Prowlarr seen at ${r.prowlarrUrl}`;
    case "indexer-proxy":
      return `${r.app} → ${r.proxy}: indexer proxy at ${r.url}, for indexers tagged ${r.tag}`;
    case "seerr-server":
      return `${r.app} → ${r.target.app}: ${r.service} server at ${urlOf(r.target)}, root folder ${r.rootFolder}${r.isDefault ? ", default" : ""}`;
    case "bazarr-arr":
      return `${r.app} → ${r.target.app}: ${r.service} at ${urlOf(r.target)}`;
    case "torrent-category":
      return `${r.app}: category ${r.category} saving to ${r.savePath}`;
    case "usenet-category":
      return `${r.app}: category ${r.category} in folder ${r.dir}`;
    case "torrent-preferences":
      return `${r.app}: saves to ${r.savePath}${
        r.listenPort !== undefined
          ? `, listens on the VPN's forwarded port ${r.listenPort}`
          : r.listenPortOwner
            ? `; its listening port follows the VPN's forwarded port, set by ${r.listenPortOwner}`
            : ""
      }`;
  }
}
