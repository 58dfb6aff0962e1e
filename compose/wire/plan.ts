/**
 * The wiring plan of one host: which app configures which resource in which other app, at
 * which address and with which key. Rendered by synth from the model (constructs/wiring/plan.ts)
 * into the bundle as wire/plan.json, read by the wire job (wire/main.ts). Types and one constant,
 * no imports: this file is the one definition both sides read.
 */

/** qBittorrent's web UI user (written by the keys job, used by whoever logs in); its password is the host secret `<APP>_WEBUI_PASSWORD`. */
export const QBITTORRENT_USER = "admin";

/** An app the wire job calls: where it reaches it, which api it speaks, which secret file holds its key. */
export interface WiredApp {
  readonly name: string;
  readonly api: string;
  /** The app's address as the wire job sees it (http://gluetun:8989 for a VPN-routed Sonarr). */
  readonly url: string;
  /** The host secret holding its key (SONARR_API_KEY); the job reads /run/secrets/<lower case>. */
  readonly secret?: string;
  /** `<relation kind>.<field>` the job sets on creation only, then leaves to the user (ServarrAppProps.leaveAlone). */
  readonly leaveAlone?: readonly string[];
}

/** The address of `target` as the app that calls it sees it: host and port (localhost inside a shared VPN namespace). */
export interface Endpoint {
  readonly app: string;
  readonly host: string;
  readonly port: number;
}

export type Relation =
  | {
      /** A download client in an *arr app: `app` (Sonarr) sends downloads to `client` under `category`. */
      readonly kind: "download-client";
      readonly app: string;
      readonly client: Endpoint;
      readonly implementation: "QBittorrent" | "Sabnzbd";
      readonly category: string;
    }
  | { readonly kind: "root-folder"; readonly app: string; readonly path: string }
  | {
      /** Prowlarr syncs its indexers into `target`: Prowlarr's address as target sees it, target's as Prowlarr sees it. */
      readonly kind: "prowlarr-application";
      readonly app: string;
      readonly target: string;
      readonly implementation: "Sonarr" | "Radarr" | "Lidarr";
      readonly prowlarrUrl: string;
      readonly baseUrl: string;
    }
  | {
      /** FlareSolverr as Prowlarr's indexer proxy; it applies to indexers carrying `tag`. */
      readonly kind: "indexer-proxy";
      readonly app: string;
      readonly proxy: string;
      readonly url: string;
      readonly tag: string;
    }
  | {
      /** A Sonarr/Radarr server in Seerr (requests go there), with its library root folder. */
      readonly kind: "seerr-server";
      readonly app: string;
      readonly service: "sonarr" | "radarr";
      readonly target: Endpoint;
      readonly rootFolder: string;
      /** Seerr's 4K server for this service (the arr's library says fourK). */
      readonly is4k: boolean;
      readonly isDefault: boolean;
    }
  | { readonly kind: "bazarr-arr"; readonly app: string; readonly service: "sonarr" | "radarr"; readonly target: Endpoint }
  | { readonly kind: "torrent-category"; readonly app: string; readonly category: string; readonly savePath: string }
  | { readonly kind: "usenet-category"; readonly app: string; readonly category: string; readonly dir: string }
  | {
      /** qBittorrent's default save path, and its listening port = the VPN's forwarded port (when there is one). */
      readonly kind: "torrent-preferences";
      readonly app: string;
      readonly savePath: string;
      readonly listenPort?: number;
      /** Who sets the listening port instead of the wire job (the forwarded port moves), when someone does. */
      readonly listenPortOwner?: string;
    };

/** Uptime Kuma's admin user: created by the wire job's first run (Kuma's `setup`), its password the host secret `<APP>_WEBUI_PASSWORD`. */
export const KUMA_USER = "admin";

/** The tag on every monitor servarr manages in Uptime Kuma: remove it from one and servarr leaves that monitor to you. */
export const KUMA_TAG = "servarr";

/** One Uptime Kuma HTTP monitor: an app's health route as Kuma reaches it, or a public hostname as the internet does. */
export interface KumaMonitor {
  /** The monitor's name in Kuma: the app's name, or the public hostname. */
  readonly name: string;
  readonly app: string;
  readonly url: string;
  readonly intervalSeconds: number;
}

/** What the wire job keeps in Uptime Kuma (compose/wire/kuma/converge.ts), derived by constructs/wiring/monitoring.ts. */
export interface MonitoringPlan {
  /** The monitor app (uptime-kuma), one of the plan's apps. */
  readonly app: string;
  readonly monitors: readonly KumaMonitor[];
  /** The public status page: one group listing the public hostnames' monitors (by name). */
  readonly statusPage?: {
    readonly slug: string;
    readonly title: string;
    readonly group: string;
    readonly monitors: readonly string[];
    /** Where visitors open it: the monitor app's public hostname whose path rule admits /status/<slug>, if any. */
    readonly url?: string;
  };
  /** The host's one notification channel, attached to every managed monitor; its URL is the host secret `secret`. */
  readonly notify?: { readonly name: string; readonly kind: "ntfy" | "apprise"; readonly secret: string };
}

export interface WiringPlan {
  readonly host: string;
  readonly apps: readonly WiredApp[];
  readonly relations: readonly Relation[];
  /** Monitors and the status page in the host's monitor app, when it runs Uptime Kuma. */
  readonly monitoring?: MonitoringPlan;
  /** Relations the model implies that servarr does not wire, each with why (shown in the summary). */
  readonly skipped: readonly string[];
}
