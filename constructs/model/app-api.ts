/**
 * Which HTTP API an app speaks, and how it takes its key before its first start. A fact of the
 * model (a preset sets `api`); the wiring (constructs/wiring/) reads it to configure one app
 * in another. Named instances of a preset ("sonarr-4k") share their preset's api.
 *
 * How each image takes its key (sources read at the nearest stored tag of the pinned version):
 * - env: Sonarr, Radarr, Lidarr, Prowlarr bind `<APP>:Auth` from the environment
 *   (src/NzbDrone.Host/Bootstrap.cs: AddEnvironmentVariables, `Configure<AuthOptions>(
 *   config.GetSection("Prowlarr:Auth"))`, Prowlarr v2.3.5.5327; Sonarr v4.0.19.2979), so
 *   `<APP>__AUTH__APIKEY` sets the key; LinuxServer's `FILE__` keeps it out of the environment.
 * - seeded: the image reads the key only from its config file, which the `<app>-keys` job
 *   writes before the app starts: Bazarr `config/config.yaml` auth.apikey (bazarr/app/config.py
 *   v1.5.2), SABnzbd `sabnzbd.ini` [misc] api_key (sabnzbd/cfg.py 4.5.5), qBittorrent
 *   `qBittorrent.conf` WebUI\Password_PBKDF2 (src/base/utils/password.cpp release-5.2.3:
 *   PBKDF2-SHA512, 100000 iterations, base64(salt):base64(hash)), Seerr `settings.json`
 *   main.apiKey (server/lib/settings/index.ts v3.1.0: the file is merged over the defaults; its
 *   `API_KEY` variable would put the key in the environment).
 * - setup: the app takes its first user through its own first-run setup, which the wire job
 *   calls: Uptime Kuma's `setup` socket event (server/server.js 2.5.3) creates the admin user
 *   with the password the job reads from its secret file (compose/wire/kuma/converge.ts).
 * - none: no key (FlareSolverr).
 */
export type AppApi =
  | "sonarr"
  | "radarr"
  | "lidarr"
  | "prowlarr"
  | "bazarr"
  | "sabnzbd"
  | "qbittorrent"
  | "seerr"
  | "flaresolverr"
  | "uptime-kuma";

export type KeyMechanism = "env" | "seeded" | "setup" | "none";

interface ApiFacts {
  readonly key: KeyMechanism;
  /** What the secret is: an API key, or the password of the web UI's user (qBittorrent has no API key). */
  readonly credential?: "api-key" | "webui-password";
}

export const API_FACTS: Readonly<Record<AppApi, ApiFacts>> = {
  sonarr: { key: "env", credential: "api-key" },
  radarr: { key: "env", credential: "api-key" },
  lidarr: { key: "env", credential: "api-key" },
  prowlarr: { key: "env", credential: "api-key" },
  bazarr: { key: "seeded", credential: "api-key" },
  sabnzbd: { key: "seeded", credential: "api-key" },
  qbittorrent: { key: "seeded", credential: "webui-password" },
  seerr: { key: "seeded", credential: "api-key" },
  flaresolverr: { key: "none" },
  "uptime-kuma": { key: "setup", credential: "webui-password" },
};

/**
 * The host `.env` entry holding an app's credential: `<NAME>_API_KEY` (SONARR_API_KEY), or
 * `<NAME>_WEBUI_PASSWORD` for qBittorrent (one secret, read by the keys job, the wire job and
 * anything later that logs in to it). Undefined for an app without a key.
 */
export function credentialSecretName(appName: string, api: AppApi | undefined, apiKeyEnv?: string): string | undefined {
  const base = appName.toUpperCase().replaceAll("-", "_");
  if (api === undefined) return apiKeyEnv ? `${base}_API_KEY` : undefined;
  const facts = API_FACTS[api];
  if (facts.credential === undefined) return undefined;
  return facts.credential === "webui-password" ? `${base}_WEBUI_PASSWORD` : `${base}_API_KEY`;
}

/** The one-shot service that wires the apps together (compose/wire-service.ts renders it). */
export const WIRE_JOB = "wire";

/** The one-shot service that writes an app's seeded key into its config dir before it starts. */
export const keysJobName = (appName: string) => `${appName}-keys`;

/** The apps the wire job calls: every app with a keyed api and a port (the model's fact; the plan says what it does there). */
export function wiredAppNames(
  apps: ReadonlyArray<{ readonly name: string; readonly port?: number; readonly props: { readonly api?: AppApi } }>,
): string[] {
  return apps.filter((a) => a.props.api !== undefined && API_FACTS[a.props.api].key !== "none" && a.port !== undefined).map((a) => a.name);
}

/** Whether a host's compose project has the wire job: some app has an API it can call. */
export function hasWireJob(apps: Parameters<typeof wiredAppNames>[0]): boolean {
  return wiredAppNames(apps).length > 0;
}
