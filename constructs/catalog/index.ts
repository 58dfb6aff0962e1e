import type { AppKind } from "../model/app-traits";
import { build, type Preset, preset } from "./preset";

export { type RecyclarrOptions, recyclarr, unpackerr } from "./companions";
export { cloudflared, type GluetunOptions, gluetun, type KopiaOptions, kopia, uptimeKuma } from "./host-roles";
export type { Preset, PresetOptions } from "./preset";

// UIDs are fixed per app (never derived from list positions) so reordering the config never
// changes file ownership on the host. The group is the host's (13000 in the example).
// Relations name what the other app *is* (talksToKinds), never another preset: any subset of
// the catalog composes, and an absent kind is simply no peer. A kind reaches every instance of
// it (a 4K Sonarr too), except a kind the app works with one of (singlePeerKinds): with several
// declared, the config names the one in talksTo. Every preset takes a `name` for a second
// instance, whose uid and library derive from it (constructs/instances.ts).

export const plex = preset("plex", {
  description: "Organizes and streams the media library",
  kinds: ["media-server"],
  port: 32400,
  healthPath: "/identity",
  // First start on a big library (database upgrade, plugin setup) takes minutes before /identity answers.
  healthTiming: { startPeriodSeconds: 180 },
  uid: 13001,
  data: "media",
  environment: { VERSION: "docker" },
  egress: true,
  // Video through the CDN's cache breaks Cloudflare's terms and wastes the cache.
  cacheBypass: true,
});

export const jellyfin = preset("jellyfin", {
  description: "Free media server (an alternative to Plex)",
  kinds: ["media-server"],
  port: 8096,
  healthPath: "/health",
  // First start on a big library (database migration, scan setup) takes minutes before /health answers.
  healthTiming: { startPeriodSeconds: 180 },
  uid: 13012,
  data: "media",
  egress: true,
  cacheBypass: true,
});

export const seerr = preset("seerr", {
  api: "seerr",
  description: "Media discovery and requests (successor of Overseerr)",
  kinds: ["request-manager"],
  port: 5055,
  healthPath: "/api/v1/status",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
  identity: "user",
  uid: 13002,
  configPath: "/app/config",
  talksToKinds: ["media-server", "tv-manager", "movie-manager"],
  // One media server (server/lib/settings: one mediaServerType); any number of Sonarr/Radarr, 4K or not.
  singlePeerKinds: ["media-server"],
  egress: true,
});

const ARR_DOWNLOADS: readonly AppKind[] = ["indexer-manager", "download-client"];

/**
 * The *arr apps read `<APP>__<SECTION>__<KEY>` over their config.xml (NzbDrone.Host/Bootstrap.cs:
 * GetSection("<App>:Server"), ("<App>:Auth")): the port they listen on, and External
 * authentication, which leaves the UI login to the proxy in front (constructs/single-login.ts).
 */
const arrFacts = (app: string) => ({
  portEnv: `${app}__SERVER__PORT`,
  externalLogin: { [`${app}__AUTH__METHOD`]: "External" },
});

export const sonarr = preset("sonarr", {
  api: "sonarr",
  adminUi: true,
  description: "TV series management",
  kinds: ["tv-manager"],
  port: 8989,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13003,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "SONARR__AUTH__APIKEY",
  ...arrFacts("SONARR"),
  library: { rootFolder: "/data/media/tv" },
});

export const radarr = preset("radarr", {
  api: "radarr",
  adminUi: true,
  description: "Movie management",
  kinds: ["movie-manager"],
  port: 7878,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13004,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "RADARR__AUTH__APIKEY",
  ...arrFacts("RADARR"),
  library: { rootFolder: "/data/media/movies" },
});

export const lidarr = preset("lidarr", {
  api: "lidarr",
  adminUi: true,
  description: "Music management",
  kinds: ["music-manager"],
  port: 8686,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13013,
  data: "all",
  egress: true,
  talksToKinds: ARR_DOWNLOADS,
  apiKeyEnv: "LIDARR__AUTH__APIKEY",
  ...arrFacts("LIDARR"),
  library: { rootFolder: "/data/media/music" },
});

export const bazarr = preset("bazarr", {
  api: "bazarr",
  adminUi: true,
  description: "Subtitle downloader",
  kinds: ["subtitle-manager"],
  port: 6767,
  uid: 13005,
  data: "media",
  egress: true,
  talksToKinds: ["tv-manager", "movie-manager"],
  // One Sonarr and one Radarr (bazarr/app/config.py: a single sonarr.* and radarr.* section).
  singlePeerKinds: ["tv-manager", "movie-manager"],
});

export const prowlarr = preset("prowlarr", {
  api: "prowlarr",
  adminUi: true,
  description: "Indexer manager",
  kinds: ["indexer-manager"],
  port: 9696,
  healthPath: "/ping",
  // .NET apps: a database migration after an update delays the first answer.
  healthTiming: { startPeriodSeconds: 90 },
  uid: 13006,
  egress: true,
  talksToKinds: ["challenge-solver", "tv-manager", "movie-manager", "music-manager"],
  ...arrFacts("PROWLARR"),
  apiKeyEnv: "PROWLARR__AUTH__APIKEY",
});

export const flaresolverr = preset("flaresolverr", {
  api: "flaresolverr",
  description: "Proxy that solves Cloudflare challenges for indexers",
  kinds: ["challenge-solver"],
  port: 8191,
  healthPath: "/health",
  // Starts and checks a headless Chromium before it answers.
  healthTiming: { startPeriodSeconds: 90 },
  identity: "image",
  configPath: null,
  egress: true,
  // A slim Python image: no curl or wget.
  healthRunner: "python",
});

/** qBittorrent: behind the VPN it listens on the gateway's forwarded port; without one, on its default. */
export const qbittorrent: Preset = (host, options = {}) =>
  build(
    host,
    "qbittorrent",
    {
      adminUi: true,
      api: "qbittorrent",
      description: "BitTorrent client",
      kinds: ["download-client"],
      port: 8080,
      uid: 13007,
      data: "downloads",
      portEnv: "WEBUI_PORT",
      egress: true,
      healthPath: "/",
      healthTiming: { startPeriodSeconds: 60 },
      // The VPN provider's forwarded port becomes the listening port for incoming peers.
      ...(options.vpn ? { vpnPortEnv: "TORRENTING_PORT" } : {}),
    },
    options,
  );

export const sabnzbd = preset("sabnzbd", {
  api: "sabnzbd",
  adminUi: true,
  description: "Usenet downloader (TLS to the news server; no VPN needed)",
  kinds: ["download-client"],
  port: 8080,
  healthPath: "/api?mode=version",
  healthTiming: { startPeriodSeconds: 60 },
  uid: 13014,
  data: "usenet",
  egress: true,
});

export const maintainerr = preset("maintainerr", {
  adminUi: true,
  description: "Removes watched or stale media by rules",
  port: 6246,
  identity: "user",
  uid: 13008,
  configPath: "/opt/data",
  talksToKinds: ["media-server", "request-manager", "tv-manager", "movie-manager", "watch-statistics"],
  // One media server (its settings: one plex_hostname / jellyfin_url); Sonarr and Radarr servers, any number.
  singlePeerKinds: ["media-server"],
  egress: true,
  healthPath: "/api/health/live",
  // Node app: runs its database migrations before it listens.
  healthTiming: { startPeriodSeconds: 90 },
});

export const tautulli = preset("tautulli", {
  adminUi: true,
  description: "Plex usage monitoring and newsletters",
  kinds: ["watch-statistics"],
  port: 8181,
  healthPath: "/status",
  healthTiming: { startPeriodSeconds: 60 },
  uid: 13009,
  talksToKinds: ["media-server"],
  // One Plex server (plexpy/config.py: a single PMS_* section).
  singlePeerKinds: ["media-server"],
  egress: true,
});

export const wizarr = preset("wizarr", {
  description: "User invitations and onboarding",
  port: 5690,
  uid: 13010,
  configPath: "/data",
  talksToKinds: ["media-server"],
  egress: true,
});
