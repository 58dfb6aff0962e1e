import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { Exposure } from "../../../constructs/model/exposure";
import { FIXTURES } from "../../fixtures";
import { synth, withApps } from "../../support";

/**
 * Relations by kind with several instances of a kind: a kind reaches every instance (Prowlarr
 * syncs indexers to each Sonarr, Seerr lists each as a server, Recyclarr and Unpackerr serve
 * each); a kind the app works with one of (singlePeerKinds) takes the one talksTo names, and
 * several with none named is an error that lists them. Which apps work with one, from their
 * source: Bazarr one Sonarr and one Radarr (bazarr/app/config.py: one sonarr.* and one radarr.*
 * section, read at v1.5.3-beta.2, the newest stored; pinned v1.6.0); Tautulli one Plex server
 * (plexpy/config.py PMS_* @v2.17.2); Seerr one media server (server/lib/settings/index.ts
 * mediaServerType, plex and jellyfin objects; sonarr and radarr arrays with is4k and isDefault,
 * @v3.1.0, the newest stored; pinned v3.5.0); Maintainerr one media server
 * (apps/server/src/modules/settings/entities/settings.entities.ts plex_hostname, jellyfin_url;
 * Sonarr and Radarr settings in tables of their own, @v3.24.0).
 */
const peersOf = (host: Host, name: string) => host.app(name)?.peers;

describe("relations by kind with several instances", () => {
  const { host } = synth(FIXTURES.instances);

  it("a kind reaches every instance of it, and the network plan follows", () => {
    for (const app of ["prowlarr", "seerr", "recyclarr", "unpackerr"])
      expect(peersOf(host, app), app).toEqual(expect.arrayContaining(["sonarr", "sonarr-4k", "radarr", "radarr-4k"]));
    const plan = host.networkPlan();
    expect(plan.related("seerr", "sonarr-4k")).toBe(true);
    expect(
      host
        .app("prowlarr")
        ?.peersOfKind("tv-manager")
        .map((a) => a.name),
    ).toEqual(["sonarr", "sonarr-4k"]);
  });

  it("a kind the app works with one of: the one talksTo names, and no other", () => {
    expect(
      host
        .app("bazarr")
        ?.peersOfKind("tv-manager")
        .map((a) => a.name),
    ).toEqual(["sonarr"]);
    expect(peersOf(host, "bazarr")).toEqual(["radarr", "sonarr"]);
    const chosen = synth(
      withApps((h) => {
        catalog.sonarr(h);
        catalog.sonarr(h, { name: "sonarr-4k" });
        catalog.bazarr(h, { talksTo: ["sonarr-4k"] });
      }),
    ).host;
    expect(peersOf(chosen, "bazarr")).toEqual(["sonarr-4k"]);
    expect(chosen.networkPlan().related("bazarr", "sonarr")).toBe(false);
  });

  it("with one instance declared, nothing to name", () => {
    expect(
      peersOf(
        synth(
          withApps((h) => {
            catalog.sonarr(h);
            catalog.bazarr(h);
          }),
        ).host,
        "bazarr",
      ),
    ).toEqual(["sonarr"]);
  });

  it("several and none named, or two named: an error naming the app, the kind and the instances", () => {
    const declare = (talksTo?: string[]) =>
      withApps((h) => {
        catalog.sonarr(h);
        catalog.sonarr(h, { name: "sonarr-4k" });
        catalog.bazarr(h, talksTo ? { talksTo } : {});
      });
    const allowed =
      'allowed: exactly one of the tv-manager apps declared \\(sonarr, sonarr-4k\\): bazarr works with one tv-manager; name it, e.g. talksTo: \\["sonarr"\\]';
    expect(() => synth(declare())).toThrow(new RegExp(`bazarr.talksTo: \\(unset\\) is not allowed; ${allowed}`));
    expect(() => synth(declare(["sonarr", "sonarr-4k"]))).toThrow(
      new RegExp(`bazarr.talksTo: \\["sonarr","sonarr-4k"\\] is not allowed; ${allowed}`),
    );
  });

  it("two media servers: Seerr, Tautulli and Maintainerr name theirs (the large fixture names Plex)", () => {
    const large = synth(FIXTURES.large).host;
    for (const app of ["seerr", "tautulli", "maintainerr"]) {
      expect(
        large
          .app(app)
          ?.peersOfKind("media-server")
          .map((a) => a.name),
        app,
      ).toEqual(["plex"]);
      expect(large.networkPlan().related(app, "jellyfin"), app).toBe(false);
    }
    // Wizarr serves several media servers.
    expect(
      large
        .app("wizarr")
        ?.peersOfKind("media-server")
        .map((a) => a.name),
    ).toEqual(["jellyfin", "plex"]);
    const unnamed = withApps((h) => {
      catalog.plex(h);
      catalog.jellyfin(h);
      catalog.tautulli(h);
    });
    expect(() => synth(unnamed)).toThrow(
      /tautulli.talksTo: \(unset\) is not allowed; allowed: exactly one of the media-server apps declared \(jellyfin, plex\)/,
    );
  });

  it("singlePeerKinds names kinds of talksToKinds only", () => {
    const odd = withApps(
      (h) =>
        new ServarrApp(h, "odd", { image: "nginx:1.27.3", uid: 13300, singlePeerKinds: ["tv-manager"], exposure: Exposure.internal() }),
    );
    expect(() => synth(odd)).toThrow(
      /\[servarr\/servarr\/odd\] singlePeerKinds: "tv-manager" is not allowed; allowed: a kind of talksToKinds \(none\)/,
    );
  });
});
