import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../../compose/render/bundle";
import type { ComposeFile } from "../../../compose/render/project/compose-spec";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { appUrl } from "../../../constructs/model/app-url";
import { Exposure } from "../../../constructs/model/exposure";
import { IMAGES } from "../../../constructs/model/images";
import { FIXTURES } from "../../fixtures";
import { ingressRules, synth, withApps } from "../../support";

type Declare = (host: Host, options?: catalog.PresetOptions) => ServarrApp;
/** Every preset, with the options it cannot do without. */
const PRESETS: Record<string, Declare> = {
  ...Object.fromEntries(
    Object.entries(catalog)
      .filter(([name, f]) => typeof f === "function" && name !== "gluetun")
      .map(([name, f]) => [name, f as Declare]),
  ),
  gluetun: (host, options) => catalog.gluetun(host, { provider: "mullvad", ...options }),
};
const compose = (host: Host) => parse(renderBundle(host).get("compose.yaml") as string) as ComposeFile;
const cannotBeVpnRouted = new Set(["gluetun", "cloudflared"]);
/** No web interface: nothing to expose. */
const portless = new Set(["gluetun", "cloudflared", "unpackerr", "recyclarr"]);

describe("catalog: presets compose in any subset", () => {
  it("has a preset for every pinned image", () => {
    const names = Object.keys(PRESETS).map((n) => (n === "uptimeKuma" ? "uptime-kuma" : n));
    expect(names.sort()).toEqual(Object.keys(IMAGES).sort());
  });

  it.each(Object.keys(PRESETS))("%s synthesizes alone (with cloudflared when exposed), without a VPN", (name) => {
    const declare = PRESETS[name] as Declare;
    const exposure = portless.has(name) ? {} : { exposure: Exposure.private() };
    const { host } = synth(
      withApps((h) => {
        declare(h, exposure);
        if (name !== "cloudflared") catalog.cloudflared(h);
      }),
    );
    expect(
      compose(host).services[host.apps.find((a) => a.role?.kind !== "tunnel-connector" || name === "cloudflared")?.name ?? ""],
    ).toBeDefined();
  });

  it.each(Object.keys(PRESETS).filter((n) => !cannotBeVpnRouted.has(n)))("%s synthesizes behind the VPN gateway", (name) => {
    const declare = PRESETS[name] as Declare;
    const { host, json } = synth(
      withApps((h) => {
        catalog.gluetun(h, { provider: "mullvad", forwardedPort: 51820 });
        const app = declare(h, { vpn: true, ...(portless.has(name) ? {} : { exposure: Exposure.private() }) });
        expect(app.vpn).toBe(true);
        catalog.cloudflared(h);
      }),
    );
    const app = host.apps.find((a) => a.vpn);
    expect(compose(host).services[app?.name ?? ""]?.network_mode).toBe("service:gluetun");
    if (app?.port !== undefined)
      expect(ingressRules(json)).toContainEqual(expect.objectContaining({ service: `http://gluetun:${app.port}` }));
  });

  it("seerr and wizarr follow whichever media server is declared; with none they simply have no peer", () => {
    const plan = (media?: "plex" | "jellyfin") =>
      synth(
        withApps((h) => {
          if (media) (media === "plex" ? catalog.plex : catalog.jellyfin)(h);
          catalog.seerr(h);
          catalog.wizarr(h);
        }),
      ).host.networkPlan();
    expect(plan("jellyfin").related("seerr", "jellyfin")).toBe(true);
    expect(plan("jellyfin").related("wizarr", "jellyfin")).toBe(true);
    expect(plan("plex").related("seerr", "plex")).toBe(true);
    const apps = new Set(["seerr", "wizarr"]);
    // No peer among the apps; only the wire job, which configures Seerr (its key), reaches it.
    expect(
      plan()
        .relations()
        .filter(([a, b]) => apps.has(a) || apps.has(b)),
    ).toEqual([["seerr", "wire"]]);
  });

  it("qBittorrent without a VPN: no forwarded-port wiring; behind one, the gateway's forwarded port", () => {
    const direct = compose(synth(withApps((h) => void catalog.qbittorrent(h))).host).services.qbittorrent;
    expect(direct?.environment?.TORRENTING_PORT).toBeUndefined();
    const routed = compose(
      synth(
        withApps((h) => {
          catalog.gluetun(h, { provider: "airvpn", forwardedPort: 47123 });
          catalog.qbittorrent(h, { vpn: true });
        }),
      ).host,
    ).services.qbittorrent;
    expect(routed?.environment?.TORRENTING_PORT).toBe("47123");
  });

  it("hardware transcoding reaches compose (/dev/dri, the render group) and setup.sh (the group id is checked)", () => {
    const { host } = synth(withApps((h) => void catalog.jellyfin(h, { hardwareTranscoding: { renderGroupId: 993 } })));
    const service = compose(host).services.jellyfin;
    expect(service?.devices).toEqual(["/dev/dri:/dev/dri"]);
    expect(service?.group_add).toEqual(["993"]);
    const files = renderBundle(host);
    expect(files.get("bundle.env")).toContain("render_groups=(\n  'jellyfin' 993\n)");
    expect(files.get("setup.sh")).toContain('check_render_group "${render_groups[i]}" "${render_groups[i + 1]}"');
    expect(files.get("setup-lib.sh")).toMatch(
      /\[ "\$render" = "\$gid" \] \|\| die "hardware transcoding for \$app: the render group of this host is \$render/,
    );
  });
});

describe("app-to-app addresses come from the model", () => {
  const declare = (vpn: boolean) =>
    withApps((h) => {
      if (vpn) catalog.gluetun(h, { provider: "mullvad" });
      catalog.sonarr(h, { vpn });
      catalog.radarr(h, { vpn });
      catalog.lidarr(h);
      catalog.unpackerr(h);
      catalog.recyclarr(h, { schedule: "0 5 * * *" });
      new ServarrApp(h, "notifier", {
        image: "busybox:1.37.0",
        identity: "image",
        configPath: null,
        environment: { SONARR_URL: appUrl("sonarr", "/api/v3") },
      });
    });

  it.each([
    [true, "http://gluetun:8989"],
    [false, "http://sonarr:8989"],
  ])("vpn %s: sonarr is reached at %s by unpackerr, recyclarr and appUrl()", (vpn, url) => {
    const { host } = synth(declare(vpn));
    const c = compose(host);
    expect(c.services.unpackerr?.environment).toMatchObject({
      UN_SONARR_0_URL: url,
      UN_SONARR_0_API_KEY: "${SONARR_API_KEY:?SONARR_API_KEY must be set in .env}",
      UN_SONARR_0_PATHS_0: "/data/torrents",
      UN_LIDARR_0_URL: "http://lidarr:8686",
    });
    // Sonarr itself reads the same .env entry as a file (LinuxServer's FILE__ convention).
    expect(c.services.sonarr?.environment?.FILE__SONARR__AUTH__APIKEY).toBe("/run/secrets/sonarr_api_key");
    expect(c.secrets?.sonarr_api_key).toEqual({ environment: "SONARR_API_KEY" });
    expect(c.services.notifier?.environment?.SONARR_URL).toBe(`${url}/api/v3`);
    const yml = parse(c.configs?.["recyclarr-file-1"]?.content ?? "", { logLevel: "error" }) as Record<
      string,
      Record<string, { base_url: string }>
    >;
    expect(yml.sonarr?.sonarr?.base_url).toBe(url);
    expect(c.configs?.["recyclarr-file-1"]?.content).toContain("api_key: !env_var SONARR_API_KEY");
    expect(c.services.recyclarr?.configs).toEqual([{ source: "recyclarr-file-1", target: "/config/recyclarr.yml" }]);
    expect(c.services.recyclarr?.environment).toMatchObject({
      CRON_SCHEDULE: "0 5 * * *",
      RADARR_API_KEY: expect.stringMatching(/^\$\{RADARR_API_KEY:\?/),
    });
  });

  it("recyclarr's schedule must be cron; the error names the option", () => {
    expect(() => synth(withApps((h) => void catalog.recyclarr(h, { schedule: "every night" })))).toThrow(
      /\[servarr\/servarr\/recyclarr\] schedule: "every night" is not allowed; allowed: a cron schedule/,
    );
  });

  it("every fixture's compose.yaml is free of unresolved appUrl() placeholders", () => {
    for (const config of Object.values(FIXTURES))
      expect(renderBundle(synth(config).host).get("compose.yaml")).not.toContain("{{servarr.url:");
  });
});
