import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../compose/render/bundle";
import { restarterScript } from "../../compose/render/host/restarter-script";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { configHash, renderHaproxyConfig } from "../../compose/render/project/docker-api-proxy";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { Exposure } from "../../constructs/model/exposure";
import { SUPPORT_IMAGES } from "../../constructs/model/images";
import { restarterPlan } from "../../constructs/runtime/restarter";
import { restarterApi } from "../../constructs/runtime/support";
import { plus, synth } from "../support";
import { compose2 } from "../tool";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const { host } = synth();
const bundle = renderBundle(host);
const composeText = bundle.get("compose.yaml") as string;
const envExample = bundle.get(".env.example") as string;
const compose = parse(composeText) as ComposeFile;
const service = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

/** Variables compose.yaml reads from .env: `${VAR...}` references and the `environment:` sources of its secrets. */
const referenced = (text: string) =>
  new Set([
    ...[...text.matchAll(/\$\{([A-Z0-9_]+)[:?}-]/g)].map((m) => m[1]),
    ...Object.values((parse(text) as ComposeFile).secrets ?? {}).map((s) => s.environment),
  ]);
const listed = (text: string) => new Set([...text.matchAll(/^([A-Z0-9_]+)=$/gm)].map((m) => m[1]));

describe("healthchecks and self-healing", () => {
  const withHealth = Object.keys(compose.services).filter((s) => service(s).healthcheck);

  it("every long-running service that can be probed has a healthcheck", () => {
    // Without one: kopia (every route needs its login; distroless image), its one-shot jobs, wizarr
    // (no unauthenticated health route), and the restarter itself.
    expect(withHealth.sort()).toEqual(
      [
        "bazarr",
        "cloudflared",
        "flaresolverr",
        "gluetun",
        "maintainerr",
        "plex",
        "prowlarr",
        "qbittorrent",
        "radarr",
        "seerr",
        "socket-proxy",
        "sonarr",
        "tautulli",
        "uptime-kuma",
      ].sort(),
    );
  });

  it.each([
    ["plex", "http://127.0.0.1:32400/identity"],
    ["sonarr", "http://127.0.0.1:8989/ping"],
    ["radarr", "http://127.0.0.1:7878/ping"],
    ["prowlarr", "http://127.0.0.1:9696/ping"],
    ["seerr", "http://127.0.0.1:5055/api/v1/status"],
    ["tautulli", "http://127.0.0.1:8181/status"],
    ["flaresolverr", "http://127.0.0.1:8191/health"],
    ["maintainerr", "http://127.0.0.1:6246/api/health/live"],
  ])("%s probes its own health route %s", (name, url) => {
    expect(JSON.stringify(service(name).healthcheck?.test)).toContain(url);
  });

  it("every VPN-routed app also probes gluetun's health server, which exists only in gluetun's live namespace", () => {
    for (const app of host.apps.filter((a) => a.vpn)) {
      const probe = app.healthProbe;
      expect(probe?.kind, app.name).toBe("http");
      if (probe?.kind === "http") expect(probe.probes.map((p) => p.url)).toContain("http://127.0.0.1:9999");
      expect(JSON.stringify(service(app.name).healthcheck?.test)).toContain("http://127.0.0.1:9999");
    }
    expect(service("gluetun").environment?.HEALTH_SERVER_ADDRESS).toBe("127.0.0.1:9999");
  });

  it("shell probes work with curl or wget, so busybox stand-ins run the same command", () => {
    expect(service("sonarr").healthcheck?.test).toEqual([
      "CMD-SHELL",
      "{ curl -fsS -o /dev/null http://127.0.0.1:8989/ping || wget -q -O /dev/null http://127.0.0.1:8989/ping; } && " +
        "{ curl -fsS -o /dev/null http://127.0.0.1:9999 || wget -q -O /dev/null http://127.0.0.1:9999; }",
    ]);
  });

  it("every app with a healthcheck carries the restarter's label and a restart policy", () => {
    for (const app of host.apps) {
      const s = service(app.name);
      expect(s.restart, app.name).toBe("unless-stopped");
      expect(s.labels?.["servarr.autoheal"], app.name).toBe(s.healthcheck ? "true" : undefined);
    }
  });

  it("the restarter is the script restarterScript renders, with every $ escaped for Compose", () => {
    const entrypoint = service("restarter").entrypoint as string[];
    expect(entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect((entrypoint[2] as string).replaceAll("$$", "$")).toBe(restarterScript(restarterPlan(host), { state: "/tmp/restarter" }));
    expect(entrypoint[2]).not.toMatch(/(^|[^$])\$[a-z(]/);
  });
});

describe("the Docker socket", () => {
  it("is mounted only by the restarter's proxy, which runs HAProxy with the bundle's generated config", () => {
    const mounting = Object.entries(compose.services).filter(([, s]) => (s.volumes ?? []).some((v) => v.includes("docker.sock")));
    expect(mounting.map(([n]) => n)).toEqual(["socket-proxy"]);
    const proxy = service("socket-proxy");
    expect(proxy.image).toBe(SUPPORT_IMAGES.socketProxy);
    expect(proxy.volumes).toEqual([
      "/var/run/docker.sock:/var/run/docker.sock:ro",
      "./socket-proxy.haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro",
    ]);
    const config = bundle.get("socket-proxy.haproxy.cfg") as string;
    expect(config).toBe(renderHaproxyConfig(restarterApi(host)));
    // A changed config changes compose.yaml, so the deploy recreates the proxy.
    expect(proxy.labels?.["servarr.config-sha256"]).toBe(configHash(config));
  });

  it("the proxy runs with every capability dropped, read-only, no new privileges, bounded", () => {
    for (const name of ["socket-proxy", "restarter"]) {
      const s = service(name);
      expect(s.cap_drop, name).toEqual(["ALL"]);
      expect(s.read_only, name).toBe(true);
      expect(s.security_opt, name).toEqual(["no-new-privileges:true"]);
      expect(s.mem_limit, name).toBeDefined();
      expect(s.pids_limit, name).toBeDefined();
    }
  });

  it("the monitor has no way to the Docker API: it shares no network with the proxy", () => {
    expect(host.networkPlan().related("uptime-kuma", "socket-proxy")).toBe(false);
    expect(host.networkPlan().related("restarter", "socket-proxy")).toBe(true);
  });
});

describe("gluetun and the VPN", () => {
  const gluetun = service("gluetun");

  it("runs WireGuard with the provider from the config and the keys from .env", () => {
    expect(gluetun.environment).toMatchObject({
      VPN_SERVICE_PROVIDER: "airvpn",
      VPN_TYPE: "wireguard",
      // gluetun reads <KEY>_SECRETFILE (qdm12/gluetun internal/configuration/sources/secrets/wireguard.go).
      WIREGUARD_PRIVATE_KEY_SECRETFILE: "/run/secrets/wireguard_private_key",
      WIREGUARD_ADDRESSES_SECRETFILE: "/run/secrets/wireguard_addresses",
    });
    expect(gluetun.environment?.WIREGUARD_PRIVATE_KEY).toBeUndefined();
    expect(gluetun.secrets).toEqual(expect.arrayContaining([expect.objectContaining({ source: "wireguard_private_key" })]));
    // Everything dropped, NET_ADMIN (the WireGuard link and the kill switch) among what is added back.
    expect(gluetun.cap_drop).toEqual(["ALL"]);
    expect(gluetun.cap_add).toContain("NET_ADMIN");
    expect(gluetun.healthcheck?.test).toEqual(["CMD", "/gluetun-entrypoint", "healthcheck"]);
  });

  it("keeps the firewall kill switch: nothing turns it off", () => {
    for (const [k, v] of Object.entries(gluetun.environment ?? {})) {
      expect(k).not.toMatch(/^FIREWALL(_ENABLED.*)?$/);
      expect(`${k}=${v}`).not.toMatch(/FIREWALL.*=(off|no|false)$/i);
    }
  });

  it("opens the forwarded port in the firewall and hands it to qBittorrent as its listening port", () => {
    expect(gluetun.environment?.FIREWALL_VPN_INPUT_PORTS).toBe("47123");
    expect(service("qbittorrent").environment?.TORRENTING_PORT).toBe("47123");
  });

  it("lets peers reach exactly the ports of the apps in its namespace", () => {
    const ports = host.apps.filter((a) => a.vpn).map((a) => a.port);
    expect(gluetun.environment?.FIREWALL_INPUT_PORTS?.split(",").map(Number).sort()).toEqual([...ports].sort());
  });
});

describe(".env.example and secrets", () => {
  it("lists exactly the variables compose.yaml references, each with where it comes from", () => {
    expect([...listed(envExample)].sort()).toEqual([...referenced(composeText)].sort());
    for (const secret of host.secrets.for("host")) expect(envExample).toContain(`# ${secret.description}\n# Source: `);
  });

  it("holds no value, and no secret value or Terraform token is anywhere in the bundle", () => {
    expect(envExample).not.toMatch(/^[A-Z0-9_]+=.+$/m);
    for (const [name, content] of bundle) expect(content, name).not.toMatch(/TfToken|\$\{var\.|\$\{data\./);
    for (const s of Object.values(compose.services))
      for (const [k, v] of Object.entries(s.environment ?? {}))
        if (host.secrets.get(k)) expect(v, k).toBe(`\${${k}:?${k} must be set in .env}`);
  });
});

describe("adding an app reaches every host layer", () => {
  const after = synth(
    plus(
      (h) =>
        new ServarrApp(h, "jellyfin", {
          image: "jellyfin/jellyfin:10.11.3",
          port: 8096,
          uid: 13100,
          data: "media",
          healthPath: "/health",
          egress: true,
          talksTo: ["plex"],
          secretEnv: { JELLYFIN_API_KEY: "API key other apps use to call Jellyfin" },
          exposure: Exposure.private(),
        }),
    ),
  ).host;
  const files = renderBundle(after);
  const c = parse(files.get("compose.yaml") as string) as ComposeFile;
  const env = files.get(".env.example") as string;

  it("adds its service with its healthcheck and the restarter's label", () => {
    expect(JSON.stringify(c.services.jellyfin?.healthcheck?.test)).toContain("http://127.0.0.1:8096/health");
    expect(c.services.jellyfin?.labels).toEqual({ "servarr.autoheal": "true" });
  });

  it("adds its networks: its own egress, and shared ones only with whom it relates", () => {
    const plan = after.networkPlan();
    expect(c.services.jellyfin?.networks).toEqual(plan.networksOf("jellyfin"));
    expect(c.networks?.["jellyfin-egress"]).toEqual({ internal: false });
    const reach = Object.keys(c.services).filter((s) => s !== "jellyfin" && plan.canReach("jellyfin", s));
    expect(reach.sort()).toEqual(["cloudflared", "plex", "uptime-kuma"]);
  });

  it("adds its backup mount and puts it in the snapshot policy", () => {
    expect(c.services.kopia?.volumes).toContain("/opt/servarr/config/jellyfin:/sources/jellyfin:ro");
    expect(c.services["kopia-policy"]?.command).toContain("/sources/jellyfin");
  });

  it("adds its variables to .env.example, still exactly what compose.yaml references", () => {
    expect(env).toMatch(/# API key other apps use to call Jellyfin\n# Source: .*\nJELLYFIN_API_KEY=\n/);
    expect([...listed(env)].sort()).toEqual([...referenced(files.get("compose.yaml") as string)].sort());
  });
});

describe("real tools accept the bundle", () => {
  it.skipIf(!compose2.present)(
    `docker compose config -q (Compose v2) accepts compose.yaml with every .env.example variable set${compose2.missing}`,
    () => {
      const dir = path.join(scratch, "compose");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "compose.yaml"), composeText);
      writeFileSync(path.join(dir, ".env"), envExample.replace(/^([A-Z0-9_]+)=$/gm, "$1=placeholder"));
      const res = spawnSync("docker", ["compose", "-f", path.join(dir, "compose.yaml"), "config", "-q"], { cwd: dir, encoding: "utf8" });
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      const missing = spawnSync("docker", ["compose", "-f", path.join(dir, "compose.yaml"), "--env-file", "/dev/null", "config", "-q"], {
        cwd: scratch,
        encoding: "utf8",
      });
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/must be set in \.env/);
    },
  );

  it("dclint (compose linter) reports no error and no warning", () => {
    const file = path.join(scratch, "compose.yaml");
    writeFileSync(file, composeText);
    // service-keys-order is off: compose-spec.ts orders keys for readers (image, networking first).
    const res = spawnSync(
      process.execPath,
      [path.join(root, "node_modules/dclint/bin/dclint.cjs"), file, "--disable-rule", "service-keys-order", "--max-warnings", "0"],
      { encoding: "utf8" },
    );
    expect(res.stdout + res.stderr).not.toMatch(/warning|error/);
    expect(res.status).toBe(0);
  });
});

describe("cloudflared's metrics", () => {
  it("listen on loopback only, exactly where its readiness check reads them", () => {
    const cf = service("cloudflared");
    const metrics = (args: readonly string[] | undefined) => args?.[args.indexOf("--metrics") + 1];
    expect(metrics(cf.command)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(metrics(cf.healthcheck?.test)).toBe(metrics(cf.command));
  });
});
