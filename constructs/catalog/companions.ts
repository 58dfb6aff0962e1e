import { Document, Scalar } from "yaml";
import { ConfigError } from "../config/problems";
import type { Host } from "../host/host";
import { envRef, type ServarrApp } from "../host/servarr-app";
import type { AppKind, AppView, HostView } from "../model/app-traits";
import { appUrl } from "../model/app-url";
import { build, type PresetOptions, preset } from "./preset";

/**
 * The catalog's helpers of the *arr apps: they configure themselves for whichever tv, movie and
 * music managers are declared (by kind), so they compose with any subset of the catalog.
 */

/** The *arr apps Unpackerr and Recyclarr know, by kind, with the name their settings use. */
const ARRS: ReadonlyArray<readonly [AppKind, string]> = [
  ["tv-manager", "sonarr"],
  ["movie-manager", "radarr"],
  ["music-manager", "lidarr"],
];

/**
 * Unpackerr: extracts archived torrent downloads so the *arr apps can import them. It is
 * configured for every declared tv/movie/music manager with a Terraform-made API key
 * (apiKeyEnv): address from appUrl(), the key from the host's `.env` entry the app was given.
 */
export const unpackerr = preset("unpackerr", {
  description: "Extracts archived downloads for the *arr apps",
  identity: "user",
  uid: 13015,
  configPath: null,
  data: "downloads",
  talksToKinds: ARRS.map(([kind]) => kind),
  secretFiles: "none",
  reasons: {
    "secret-environment":
      "Unpackerr takes the *arr API keys as UN_*_API_KEY variables; no file variant verified for its image (golift/unpackerr)",
  },
  environmentFrom: (host) =>
    Object.fromEntries(
      ARRS.flatMap(([kind, label]) =>
        host.apps
          .filter((a) => a.is(kind) && a.port !== undefined && a.apiKeySecret !== undefined)
          .flatMap((a, i) => {
            const prefix = `UN_${label.toUpperCase()}_${i}`;
            return [
              [`${prefix}_URL`, appUrl(a.name)],
              [`${prefix}_PATHS_0`, "/data/torrents"],
              [`${prefix}_API_KEY`, envRef(a.apiKeySecret as string)],
            ];
          }),
      ),
    ),
});

export interface RecyclarrOptions extends PresetOptions {
  /**
   * When to sync, as cron (the image's built-in scheduler).
   * @default "@daily"
   */
  readonly schedule?: string;
  /**
   * TRaSH guide templates per kind (recyclarr config templates).
   * @default WEB-1080p for series, HD Bluray + WEB for movies
   */
  readonly templates?: Partial<Record<"tv-manager" | "movie-manager", readonly string[]>>;
}

const CRON = /^(@(yearly|annually|monthly|weekly|daily|hourly)|[\d*/,-]+( [\d*/,-]+){4})$/;

const RECYCLARR_TEMPLATES = {
  "tv-manager": ["sonarr-quality-definition-series", "sonarr-v4-quality-profile-web-1080p", "sonarr-v4-custom-formats-web-1080p"],
  "movie-manager": ["radarr-quality-definition-movie", "radarr-quality-profile-hd-bluray-web", "radarr-custom-formats-hd-bluray-web"],
} as const;

/**
 * Recyclarr: syncs TRaSH guide quality profiles and custom formats into every declared Sonarr
 * and Radarr on a schedule. Its recyclarr.yml is generated from the model (addresses from
 * appUrl(), API keys as `!env_var` of the host's `.env` entries) and mounted read-only.
 */
export function recyclarr(host: Host, { schedule = "@daily", templates = {}, ...options }: RecyclarrOptions = {}): ServarrApp {
  if (!CRON.test(schedule))
    throw new ConfigError(`${host.node.path}/recyclarr`, [
      { field: "schedule", value: schedule, allowed: 'a cron schedule: five fields such as "0 4 * * *", or @daily, @weekly, @hourly...' },
    ]);
  const kinds = ["tv-manager", "movie-manager"] as const;
  const managers = (h: HostView) =>
    kinds.flatMap((kind) =>
      h.apps.filter((a) => a.is(kind) && a.port !== undefined && a.apiKeySecret !== undefined).map((a) => ({ kind, app: a })),
    );
  return build(
    host,
    "recyclarr",
    {
      description: "Syncs TRaSH quality profiles into Sonarr and Radarr on a schedule",
      identity: "user",
      uid: 13016,
      talksToKinds: [...kinds],
      egress: true,
      environment: { CRON_SCHEDULE: schedule, RECYCLARR_CREATE_CONFIG: "false" },
      secretFiles: "none",
      environmentFrom: (h) =>
        Object.fromEntries(managers(h).map(({ app }) => [app.apiKeySecret as string, envRef(app.apiKeySecret as string)])),
      files: (h) => ({ "/config/recyclarr.yml": recyclarrYaml(managers(h), templates) }),
      reasons: {
        "secret-environment": "recyclarr.yml reads the *arr API keys with !env_var: Recyclarr has no file variant for them",
      },
    },
    options,
    { "environment.CRON_SCHEDULE": "schedule" },
  );
}

function recyclarrYaml(
  managers: ReadonlyArray<{ kind: "tv-manager" | "movie-manager"; app: AppView }>,
  templates: RecyclarrOptions["templates"],
): string {
  const section = (kind: "tv-manager" | "movie-manager") =>
    Object.fromEntries(
      managers
        .filter((m) => m.kind === kind)
        .map(({ app }) => {
          const key = new Scalar(app.apiKeySecret);
          key.tag = "!env_var";
          return [
            app.name,
            {
              base_url: appUrl(app.name),
              api_key: key,
              include: (templates?.[kind] ?? RECYCLARR_TEMPLATES[kind]).map((template) => ({ template })),
            },
          ];
        }),
    );
  const doc = new Document({ sonarr: section("tv-manager"), radarr: section("movie-manager") });
  return `# Generated by servarr from the model: do not edit (servarr.config.ts, then npm run synth).\n${doc.toString({ lineWidth: 0 })}`;
}
