import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import { FIXTURES } from "../../fixtures";
import { synth } from "../../support";

/**
 * Every preset's health route and probe tool, checked against the app's and the image's own
 * source (read with the search tools; repository, path and the commit read). The stand-ins of
 * the e2e answer any route, so only this table ties a preset to what the real app serves: a
 * wrong route would make the restarter restart a healthy app (up to the back-off).
 */
interface Source {
  readonly repo: string;
  readonly path: string;
  readonly commit: string;
  /** What the file shows. */
  readonly shows: string;
}
interface Checked {
  readonly healthPath?: string;
  readonly healthCommand?: readonly string[];
  readonly runner: "shell" | "python" | "exec";
  /** The route: served without authentication, 2xx while the app is up. */
  readonly route?: Source;
  /** The probe tool in the image (curl or wget for "shell", python3 for "python"). */
  readonly tool?: Source;
  /** Not checked against a source, and why. */
  readonly unchecked?: string;
}

const LSIO_CURL: Source = {
  repo: "linuxserver/docker-baseimage-alpine",
  path: "Dockerfile",
  commit: "00d175e3eecf7fb127f071fa04e795520ad169bb",
  shows: "the LinuxServer base image installs curl (runtime packages: ... coreutils curl findutils ...)",
};
const SERVARR_PING = (repo: string, dir: string, commit: string): Source => ({
  repo,
  path: `src/${dir}.Http/Ping/PingController.cs`,
  commit,
  shows: '[AllowAnonymous] [HttpGet("/ping")] answers 200 {"status":"OK"} (500 when the config database fails)',
});

const CHECKED: Record<string, Checked> = {
  sonarr: {
    healthPath: "/ping",
    runner: "shell",
    route: SERVARR_PING("Sonarr/Sonarr", "Sonarr", "49df353fa"),
    tool: LSIO_CURL,
  },
  // Radarr and Prowlarr share Sonarr's HTTP layer: the same controller at the same path.
  radarr: {
    healthPath: "/ping",
    runner: "shell",
    route: SERVARR_PING("Radarr/Radarr", "Radarr", "7553b89c201f597501f075afc3069c1799178f6f"),
    tool: LSIO_CURL,
  },
  lidarr: {
    healthPath: "/ping",
    runner: "shell",
    route: SERVARR_PING("Lidarr/Lidarr", "Lidarr", "d281ae178d4217ea6d0306a565a2a58a4a64d997"),
    tool: LSIO_CURL,
  },
  jellyfin: {
    healthPath: "/health",
    runner: "shell",
    route: {
      repo: "jellyfin/jellyfin",
      path: "Jellyfin.Server/Startup.cs",
      commit: "006cd3d0b65c714ef00a9add1e69bb4b1e124857",
      shows:
        'endpoints.MapHealthChecks("/health") inside the BaseUrl map, outside the controllers\' authorization: the database health check, 200 "Healthy"',
    },
    tool: LSIO_CURL,
  },
  sabnzbd: {
    healthPath: "/api?mode=version",
    runner: "shell",
    route: {
      repo: "sabnzbd/sabnzbd",
      path: "sabnzbd/api.py",
      commit: "67581bf3f64fd1067e805729c69d8b84e8e739a4",
      shows: 'api_handler skips check_apikey for mode "version" and "auth": the version answers without the API key',
    },
    tool: LSIO_CURL,
  },
  prowlarr: {
    healthPath: "/ping",
    runner: "shell",
    route: SERVARR_PING("Prowlarr/Prowlarr", "Prowlarr", "d55a38da4a0679c27bf077467d65e13c7eead595"),
    tool: LSIO_CURL,
  },
  seerr: {
    healthPath: "/api/v1/status",
    runner: "shell",
    route: {
      repo: "seerr-team/seerr",
      path: "server/routes/index.ts",
      commit: "06cb635a4d9220341213e175a846db3c04289dc9",
      shows: "router.get('/status') is declared before any isAuthenticated() route and returns 200 (GitHub errors are caught)",
    },
    tool: {
      repo: "seerr-team/seerr",
      path: "Dockerfile",
      commit: "f74306ed",
      shows: "FROM node:22-alpine: busybox wget, no curl (the shell probe falls through to wget)",
    },
  },
  maintainerr: {
    healthPath: "/api/health/live",
    runner: "shell",
    route: {
      repo: "Maintainerr/Maintainerr",
      path: "apps/server/src/app/health.controller.ts",
      commit: "c27472948bfbb2428c4891ed94bed761d6b5aa3e",
      shows: "@Controller('/api/health') @Get('/live'): 200 while the process is up (liveness)",
    },
    unchecked: "the image's probe tool (a Node image: wget expected) was not read",
  },
  flaresolverr: {
    healthPath: "/health",
    runner: "python",
    route: {
      repo: "FlareSolverr/FlareSolverr",
      path: "src/flaresolverr.py",
      commit: "01f97f7a611e8acd220fc66b77c45c11695146d0",
      shows: "@app.route('/health') returns health_endpoint() (status ok); the app itself runs on Python",
    },
  },
  tautulli: {
    healthPath: "/status",
    runner: "shell",
    route: {
      repo: "Tautulli/Tautulli",
      path: "plexpy/webserve.py, plexpy/webstart.py",
      commit: "c7153deb (v2.17.2, the pinned version)",
      shows: "def status() returns {'result': 'success'} and checks auth only with arguments; '/status' has tools.auth.on False",
    },
    tool: LSIO_CURL,
  },
  plex: {
    healthPath: "/identity",
    runner: "shell",
    tool: LSIO_CURL,
    unchecked: "Plex Media Server is closed source: /identity is its documented unauthenticated endpoint",
  },
  qbittorrent: {
    healthPath: "/",
    runner: "shell",
    tool: LSIO_CURL,
    unchecked: "the WebUI's login page at / was not read in qBittorrent's source",
  },
  "uptime-kuma": {
    healthPath: "/",
    runner: "shell",
    unchecked: "/ (a redirect to the dashboard, which curl -f accepts) and the image's curl were not read",
  },
  cloudflared: {
    healthCommand: ["cloudflared", "tunnel", "--metrics", "127.0.0.1:2000", "ready"],
    runner: "exec",
    unchecked: "the ready subcommand was not read in cloudflared's source",
  },
  gluetun: {
    healthCommand: ["/gluetun-entrypoint", "healthcheck"],
    runner: "exec",
    unchecked: "the healthcheck subcommand was not read in cmd/gluetun/main.go",
  },
};

// The "large" fixture declares every preset of the catalog.
const { host } = synth(FIXTURES.large);

describe("every preset's health route and probe tool, against the app's and image's source", () => {
  it("the table covers exactly the presets with a health route or command of their own", () => {
    // A VPN app without one (bazarr) probes only gluetun's health server, its namespace probe.
    // Presets only: the fixture's own app written from scratch (navidrome) is the user's claim.
    const presets = new Set(Object.keys(catalog));
    expect(
      host.apps
        .filter((a) => presets.has(a.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())))
        .filter((a) => a.props.healthPath !== undefined || a.props.healthCommand !== undefined)
        .map((a) => a.name)
        .sort(),
    ).toEqual(Object.keys(CHECKED).sort());
  });

  it.each(Object.entries(CHECKED))("%s probes what the table says", (name, checked) => {
    const app = host.app(name);
    expect(app?.props.healthPath).toBe(checked.healthPath);
    expect(app?.props.healthCommand).toEqual(checked.healthCommand);
    const runner = app?.props.healthCommand ? "exec" : (app?.props.healthRunner ?? "shell");
    expect(runner).toBe(checked.runner);
    // Checked, or said plainly why not.
    expect(checked.route !== undefined || checked.unchecked !== undefined).toBe(true);
  });

  it("says which are not checked against a source", () => {
    expect(
      Object.entries(CHECKED)
        .filter(([, c]) => c.unchecked)
        .map(([n]) => n)
        .sort(),
    ).toEqual(["cloudflared", "gluetun", "maintainerr", "plex", "qbittorrent", "uptime-kuma"]);
  });
});
