import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../../compose/render/bundle";
import type { ComposeFile } from "../../../compose/render/project/compose-spec";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { Exposure } from "../../../constructs/model/exposure";
import type { ServarrConfig } from "../../../stacks/config";
import { summarize } from "../../../stacks/summary";
import { synthesize } from "../../../stacks/synth";
import { FIXTURES } from "../../fixtures";
import { plus, resources, synth, withApps } from "../../support";

/**
 * What `login: "access"` turns off, read in each app's source. The pinned tags
 * (constructs/images.ts: Sonarr 4.0.20, Radarr 6.4.4, Lidarr 3.1.0, Prowlarr 2.5.2) are newer than
 * any stored snapshot of these repositories; read at the newest release tag stored, where each
 * file below last changed between 2022 and 2025:
 * - src/NzbDrone.Host/Bootstrap.cs: `services.Configure<AuthOptions>(config.GetSection("<App>:Auth"))`
 *   over environment variables, so `<APP>__AUTH__METHOD` is read (and `<App>:Server` for the port);
 * - src/NzbDrone.Core/Configuration/ConfigFileProvider.cs: AuthenticationMethod parses
 *   `_authOptions.Method` before config.xml (the environment wins over the UI's setting);
 * - src/<App>.Http/Authentication/AuthenticationBuilderExtensions.cs: AddExternal registers
 *   NoAuthenticationHandler, which authenticates every request (as "Anonymous");
 * - src/<App>.Http/Authentication/UiAuthorizationPolicyProvider.cs: the "UI" policy uses the
 *   configured method's scheme: with External, every UI request passes, and the v4 frontend's
 *   "authentication required" modal (shown only for "none") stays away;
 * - src/<App>.Http/Frontend/InitializeJsonController.cs: `[Authorize(Policy = "UI")]`
 *   GET /initialize.json writes `"apiKey"`: whoever passes the UI policy gets the API key;
 * - src/NzbDrone.Host/Startup.cs: `FallbackPolicy = new AuthorizationPolicyBuilder("API")
 *   .RequireAuthenticatedUser()`: every /api route still needs the key (ApiKeyAuthenticationHandler:
 *   X-Api-Key header or apikey query).
 * Hence the rule: only Access may let anyone reach the port (constructs/single-login.ts).
 */
const READ = {
  sonarr: { repo: "Sonarr/Sonarr", tag: "v4.0.19.2979", section: "Sonarr" },
  radarr: { repo: "Radarr/Radarr", tag: "v6.0.3.10276", section: "Radarr" },
  lidarr: { repo: "Lidarr/Lidarr", tag: "v2.14.5.4836", section: "Lidarr" },
  prowlarr: { repo: "Prowlarr/Prowlarr", tag: "v2.3.5.5327", section: "Prowlarr" },
} as const;

const compose = (host: Host) => parse(renderBundle(host).get("compose.yaml") as string) as ComposeFile;
const privately = Exposure.private();

/** No way in but Access: the apps Sonarr shares networks with are private or internal, the monitor has no status page. */
const closed = (extra: (h: Host) => void = () => {}, login: catalog.PresetOptions = { login: "access" }) =>
  withApps((h) => {
    catalog.sonarr(h, { exposure: privately, ...login });
    catalog.prowlarr(h, { exposure: privately });
    catalog.qbittorrent(h, { exposure: Exposure.private({ subdomain: "torrent" }) });
    catalog.flaresolverr(h);
    catalog.uptimeKuma(h, { exposure: Exposure.private({ subdomain: "uptime" }) });
    catalog.cloudflared(h);
    extra(h);
  });

describe('login: "access" where every way in passes Access', () => {
  it.each(Object.entries(READ))("%s: External authentication from the variable its source reads, its API key still set", (name, read) => {
    const declare: catalog.Preset = { sonarr: catalog.sonarr, radarr: catalog.radarr, lidarr: catalog.lidarr, prowlarr: catalog.prowlarr }[
      name as keyof typeof READ
    ];
    const { host } = synth(closed((h) => void declare(h, { name: `${name}-one`, exposure: privately, login: "access" })));
    const env = compose(host).services[`${name}-one`]?.environment ?? {};
    const prefix = read.section.toUpperCase();
    expect(env[`${prefix}__AUTH__METHOD`]).toBe("External");
    if (name !== "prowlarr") expect(env[`FILE__${prefix}__AUTH__APIKEY`]).toBe(`/run/secrets/${name}_one_api_key`);
  });

  it("changes nothing else: the same Access application and policies guard the app, the UI login is all that moves", () => {
    const [own, access] = [synth(closed(undefined, {})), synth(closed())];
    expect(resources(access.json, "cloudflare_zero_trust_access_application")).toEqual(
      resources(own.json, "cloudflare_zero_trust_access_application"),
    );
    const [before, after] = [compose(own.host).services.sonarr, compose(access.host).services.sonarr];
    expect({ ...after, environment: { ...after?.environment, SONARR__AUTH__METHOD: undefined } }).toEqual({
      ...before,
      environment: { ...before?.environment, SONARR__AUTH__METHOD: undefined },
    });
    expect(before?.environment?.SONARR__AUTH__METHOD).toBeUndefined();
  });

  it("the synth summary says which hostnames have Access as their only sign-in", () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "servarr-login-"));
    try {
      const text = summarize(synthesize(closed(), { outdir: path.join(scratch, "cdktf.out"), bundleRoot: path.join(scratch, "compose") }));
      expect(text).toContain("sonarr.example.com (Access, the only sign-in)");
      expect(text).toContain("prowlarr.example.com (Access)\n");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('login: "access" is refused where a way in bypasses Access', () => {
  const refused = /\[servarr\/servarr\/sonarr\] login: "access" is not allowed; allowed: "app": /;

  it.each([
    [
      "a public app",
      { exposure: Exposure.public(), reasons: { "public-admin": "demo" } },
      /the app is public: anyone on the internet reaches it/,
    ],
    [
      "an internal app (no hostname behind Access)",
      { exposure: Exposure.internal() },
      /the app is internal: no hostname of it passes Access/,
    ],
    ["a LAN port", { exposure: Exposure.private({ lanPort: 8989 }) }, /exposure.lanPort 8989 lets the LAN in without Access/],
    [
      "a public second hostname",
      { alsoExpose: [Exposure.public({ subdomain: "tv", path: "^/feed" })] },
      /alsoExpose\[0\] is public \(tv\): a way in without Access/,
    ],
  ])("on %s (on construction)", (_, options, why) => {
    const config = withApps((h) => void catalog.sonarr(h, { exposure: privately, login: "access", ...options }));
    expect(() => synth(config)).toThrow(refused);
    expect(() => synth(config)).toThrow(why);
  });

  it("around the option: the variable it sets, written by hand", () => {
    expect(() => synth(withApps((h) => void catalog.sonarr(h, { environment: { SONARR__AUTH__METHOD: "External" } })))).toThrow(
      /\[servarr\/servarr\/sonarr\] environment.SONARR__AUTH__METHOD: "External" is not allowed; allowed: unset: login: "access" sets it/,
    );
  });

  it("on an app that cannot leave its login to a proxy", () => {
    expect(() => synth(withApps((h) => void catalog.bazarr(h, { exposure: privately, login: "access" })))).toThrow(
      /\[servarr\/servarr\/bazarr\] login: "access" is not allowed; allowed: "app": the image has no known way to leave its login to a proxy/,
    );
  });

  const reach = (config: ServarrConfig, service: string, why: string) => () =>
    expect(() => synth(config)).toThrow(
      `sonarr.login: "access" is not allowed; allowed: "app": ${service} can reach it and is not behind Access (${why}): a container that reaches the app gets its UI, and the UI hands out its API key`,
    );

  it(
    "when a public app shares a network with it (Seerr, a request manager, talks to every tv manager)",
    reach(
      closed((h) => void catalog.seerr(h, { exposure: Exposure.public() })),
      "seerr",
      "public hostname seerr.example.com",
    ),
  );

  it(
    "when the monitor has a public status page (it reaches every app)",
    reach(
      withApps((h) => {
        catalog.sonarr(h, { exposure: privately, login: "access" });
        catalog.uptimeKuma(h, { exposure: privately, alsoExpose: [Exposure.public({ subdomain: "status", path: "^/status" })] });
        catalog.cloudflared(h);
      }),
      "uptime-kuma",
      "public hostname status.example.com",
    ),
  );

  it(
    "when an app with a LAN port talks to it",
    reach(
      closed(
        (h) =>
          new ServarrApp(h, "lister", {
            image: "nginx:1.27.3",
            port: 8080,
            uid: 13300,
            talksTo: ["sonarr"],
            exposure: Exposure.internal({ lanPort: 8080 }),
          }),
      ),
      "lister",
      "LAN port 8080",
    ),
  );

  it("when it shares the VPN gateway's namespace with the app on the forwarded port, or talks to that app", () => {
    const vpn = (sonarrVpn: boolean) =>
      withApps((h) => {
        catalog.gluetun(h, { provider: "airvpn", forwardedPort: 47123 });
        catalog.sonarr(h, { vpn: sonarrVpn, exposure: privately, login: "access" });
        catalog.qbittorrent(h, { vpn: true, exposure: Exposure.private({ subdomain: "torrent" }) });
        catalog.cloudflared(h);
      });
    const why = "listens on the VPN's forwarded port 47123, which internet peers connect to";
    reach(vpn(true), "qbittorrent", why)();
    reach(vpn(false), "qbittorrent", why)();
    // Without a forwarded port nothing comes in through the VPN: allowed.
    const noForward = withApps((h) => {
      catalog.gluetun(h, { provider: "airvpn" });
      catalog.sonarr(h, { vpn: true, exposure: privately, login: "access" });
      catalog.qbittorrent(h, { vpn: true, exposure: Exposure.private({ subdomain: "torrent" }) });
      catalog.cloudflared(h);
    });
    expect(compose(synth(noForward).host).services.sonarr?.environment?.SONARR__AUTH__METHOD).toBe("External");
  });

  it("when an app on another host talks to it (it is published on the LAN for that host)", () => {
    const twoHosts = FIXTURES["two-hosts"] as ServarrConfig;
    const nas = twoHosts.hosts?.nas;
    if (!nas?.apps) throw new Error("the two-hosts fixture has a nas");
    const nasApps = nas.apps;
    const config: ServarrConfig = {
      ...twoHosts,
      apps: (box) => {
        twoHosts.apps(box);
        new ServarrApp(box, "reader", { image: "nginx:1.27.3", port: 8081, uid: 13093, talksTo: ["nas/sonarr"] });
      },
      hosts: {
        ...twoHosts.hosts,
        nas: {
          ...nas,
          apps: (h) => {
            nasApps(h);
            catalog.sonarr(h, { exposure: privately, login: "access" });
          },
        },
      },
    };
    expect(() => synth(config)).toThrow(
      /sonarr.login: "access" is not allowed; allowed: "app": the app itself is reachable without Access \(reached from host mediabox \(reader\) on port 8989\)/,
    );
  });

  it("in the full example: Seerr (public), Uptime Kuma (status page) and qBittorrent (forwarded port) reach a Radarr; Plex does not", () => {
    const config = plus((h) => void catalog.radarr(h, { name: "radarr-4k", vpn: true, port: 7879, exposure: privately, login: "access" }));
    const message = (() => {
      try {
        synth(config);
        return "";
      } catch (error) {
        return String(error);
      }
    })();
    for (const blamed of ["seerr", "uptime-kuma", "qbittorrent"])
      expect(message).toContain(`radarr-4k.login: "access" is not allowed; allowed: "app": ${blamed} can reach it`);
    expect(message).not.toContain("plex can reach it");
  });
});

it("the presets' variables are the sections their source reads (READ)", () => {
  const { host } = synth(
    closed((h) => {
      catalog.radarr(h, { exposure: privately });
      catalog.lidarr(h, { exposure: privately });
    }),
  );
  for (const [name, read] of Object.entries(READ)) {
    const props = host.app(name)?.props;
    const prefix = read.section.toUpperCase();
    expect(props?.externalLogin, name).toEqual({ [`${prefix}__AUTH__METHOD`]: "External" });
    expect(props?.portEnv, name).toBe(`${prefix}__SERVER__PORT`);
  }
});
