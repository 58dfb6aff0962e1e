import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { Exposure } from "../../../constructs/model/exposure";
import { IMAGES } from "../../../constructs/model/images";
import { synth, withApps } from "../../support";

/** Declares each in turn. */
const each =
  (...declare: Array<(h: Host) => unknown>) =>
  (h: Host) => {
    for (const d of declare) d(h);
  };

describe("refusals name the instance and point to the name option", () => {
  it("a second preset without a name", () => {
    expect(() =>
      synth(
        withApps(
          each(
            (h) => catalog.sonarr(h),
            (h) => catalog.sonarr(h),
          ),
        ),
      ),
    ).toThrow(
      /\[servarr\/servarr\/sonarr\] name: "sonarr" is not allowed; allowed: a name not used by another app or construct on this host; another instance of sonarr takes its own: catalog.sonarr\(host, \{ name: "sonarr-4k", … \}\)/,
    );
  });

  it("a catalog image outside its preset (it would lose the API key, library, capabilities)", () => {
    const handBuilt = withApps((h) => new ServarrApp(h, "sonarr4k", { image: IMAGES.sonarr, port: 8989, uid: 13100 }));
    expect(() => synth(handBuilt)).toThrow(
      /\[servarr\/servarr\/sonarr4k\] image: ".*" is not allowed; allowed: an image the catalog has no preset for: lscr.io\/linuxserver\/sonarr is the catalog's sonarr; declare it with its preset, .*: catalog.sonarr\(host, \{ name: "sonarr4k", … \}\)/,
    );
    // Another tag of the same image is the same app.
    const otherTag = withApps((h) => new ServarrApp(h, "kuma", { image: "louislam/uptime-kuma:2.0.0", identity: "image" }));
    expect(() => synth(otherTag)).toThrow(/catalog.uptimeKuma\(host, \{ name: "kuma", … \}\)/);
  });

  it.each([
    [
      "a root folder outside /data/media",
      { library: { rootFolder: "/tv-4k" } },
      /\[servarr\/servarr\/sonarr-4k\] library.rootFolder: "\/tv-4k" is not allowed; allowed: a folder under \/data\/media/,
    ],
    [
      "a category that is no folder name",
      { library: { category: "TV 4K" } },
      /\[servarr\/servarr\/sonarr-4k\] library.category: "TV 4K" is not allowed/,
    ],
    [
      "a port variable written by hand (port says it once)",
      { environment: { SONARR__SERVER__PORT: "9000" } },
      /\[servarr\/servarr\/sonarr-4k\] environment.SONARR__SERVER__PORT: "9000" is not allowed; allowed: unset: servarr sets it from port/,
    ],
    [
      "a library without the whole /data tree",
      { data: "media" as const },
      /\[servarr\/servarr\/sonarr-4k\] data: "media" is not allowed; allowed: "all" for an app with a library/,
    ],
  ])("%s", (_, options, message) => {
    expect(() => synth(withApps((h) => void catalog.sonarr(h, { name: "sonarr-4k", ...options })))).toThrow(message);
  });

  it("two instances on one root folder, one nested in another's, or one category", () => {
    const clash = (options: catalog.PresetOptions) =>
      withApps(
        each(
          (h) => catalog.sonarr(h),
          (h) => catalog.sonarr(h, { name: "sonarr-4k", ...options }),
        ),
      );
    expect(() => synth(clash({ library: { rootFolder: "/data/media/tv" } }))).toThrow(
      /sonarr-4k.library.rootFolder: "\/data\/media\/tv" is not allowed; allowed: a folder apart from every other app's root folder \(sonarr, declared earlier, has \/data\/media\/tv\)/,
    );
    expect(() => synth(clash({ library: { rootFolder: "/data/media/tv/uhd" } }))).toThrow(
      /sonarr-4k.library.rootFolder: "\/data\/media\/tv\/uhd"/,
    );
    expect(() => synth(clash({ library: { category: "tv" } }))).toThrow(
      /sonarr-4k.library.category: "tv" is not allowed; allowed: a category no other app uses \(sonarr, declared earlier, already has it\)/,
    );
  });

  it("a second instance in the VPN gateway's namespace on the preset's port", () => {
    const config = withApps((h) => {
      catalog.gluetun(h, { provider: "mullvad" });
      catalog.sonarr(h, { vpn: true });
      catalog.sonarr(h, { name: "sonarr-4k", vpn: true });
    });
    expect(() => synth(config)).toThrow(
      /sonarr-4k.port: 8989 is not allowed; allowed: a port free in the VPN gateway's namespace \(sonarr, declared earlier/,
    );
  });
});

it("every preset takes a name (a role preset's single app too)", () => {
  const { host: h } = synth(
    withApps(
      each(
        (x) => catalog.cloudflared(x, { name: "connector" }),
        (x) => catalog.plex(x, { name: "plex-kids", exposure: Exposure.private() }),
      ),
    ),
  );
  expect(h.appWithRole("tunnel-connector")?.name).toBe("connector");
  expect(h.app("plex-kids")?.preset).toBe("plex");
});
