import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostDirs } from "../../compose/render/host/host-scripts";
import { composeProject } from "../../compose/render/project/project";
import * as catalog from "../../constructs/catalog";
import { type Relation, wiringPlan } from "../../constructs/wiring/plan";
import { FIXTURES } from "../fixtures";
import { exampleConfig as example, plus, synth } from "../support";
import { hostPathOf } from "./world";

const of = <K extends Relation["kind"]>(rs: readonly Relation[], kind: K) =>
  rs.filter((r): r is Extract<Relation, { kind: K }> => r.kind === kind);

describe("the wiring plan is derived from the model", () => {
  it("addresses are the caller's view: localhost inside gluetun's namespace, gluetun:<port> from outside, the service name without a VPN", () => {
    const vpn = wiringPlan(synth(example).host);
    const [sonarrClient] = of(vpn.relations, "download-client").filter((r) => r.app === "sonarr");
    expect(sonarrClient?.client).toEqual({ app: "qbittorrent", host: "localhost", port: 8080 });
    expect(of(vpn.relations, "seerr-server").map((r) => `${r.target.host}:${r.target.port}`)).toEqual(["gluetun:8989", "gluetun:7878"]);
    expect(vpn.apps.find((a) => a.name === "sonarr")?.url).toBe("http://gluetun:8989");
    expect(of(vpn.relations, "torrent-preferences")[0]?.listenPort).toBe(47123);

    const plain = wiringPlan(synth(FIXTURES["jellyfin-no-vpn"]).host);
    expect(
      of(plain.relations, "download-client")
        .map((r) => `${r.app}→${r.client.host}:${r.client.port} ${r.category}`)
        .sort(),
    ).toEqual(["radarr→qbittorrent:8080 movies", "radarr→sabnzbd:8080 movies", "sonarr→qbittorrent:8080 tv", "sonarr→sabnzbd:8080 tv"]);
    expect(of(plain.relations, "torrent-preferences")[0]?.listenPort).toBeUndefined();
    expect(of(plain.relations, "prowlarr-application").map((r) => [r.baseUrl, r.prowlarrUrl])).toContainEqual([
      "http://sonarr:8989",
      "http://prowlarr:9696",
    ]);
  });

  it("a named instance gets its own library, root folder and category, and setup.sh creates its folders", () => {
    const { host } = synth(
      plus((h) => {
        // The preset's instance (issue 25): its library and category come from its name.
        catalog.sonarr(h, { name: "sonarr-4k", port: 8990, library: { fourK: true }, leaveAlone: ["download-client.tvCategory"] });
      }, FIXTURES["jellyfin-no-vpn"]),
    );
    const plan = wiringPlan(host);
    expect(of(plan.relations, "root-folder").map((r) => r.path)).toContain("/data/media/tv-4k");
    expect(of(plan.relations, "torrent-category").map((r) => r.savePath)).toContain("/data/torrents/tv-4k");
    expect(of(plan.relations, "prowlarr-application").map((r) => r.baseUrl)).toContain("http://sonarr-4k:8990");
    expect(hostDirs(host).map((d) => d.path)).toEqual(expect.arrayContaining(["/data/media/tv-4k", "/data/torrents/tv-4k"]));
    expect(host.secrets.get("SONARR_4K_API_KEY")).toBeDefined();
    expect(plan.apps.find((a) => a.name === "sonarr-4k")?.leaveAlone).toEqual(["download-client.tvCategory"]);
  });

  it.each(Object.entries({ example, ...FIXTURES }))(
    "%s: the download client saves where its manager sees the same host directory (hardlinks possible)",
    (_, config) => {
      const { host } = synth(config);
      const services = composeProject(host).services;
      for (const r of of(wiringPlan(host).relations, "download-client")) {
        const save = r.implementation === "QBittorrent" ? `/data/torrents/${r.category}` : `/data/usenet/${r.category}`;
        const byClient = hostPathOf(services[r.client.app]?.volumes ?? [], save);
        const byManager = hostPathOf(services[r.app]?.volumes ?? [], save);
        expect(byClient, `${r.client.app} mounts ${save}`).toBe(`${host.dataRoot}${save.slice("/data".length)}`);
        expect(byManager, `${r.app} sees ${save} at the same host path`).toBe(byClient);
        // The manager's library is on the same mount as the downloads: one file system, a hardlink away.
        const root = of(wiringPlan(host).relations, "root-folder").find((x) => x.app === r.app)?.path as string;
        expect(hostPathOf(services[r.app]?.volumes ?? [], root)?.startsWith(host.dataRoot)).toBe(true);
        expect(services[r.app]?.volumes).toContain(`${host.dataRoot}:/data`);
      }
    },
  );

  it("the model does not read the wiring (constructs/wiring reads the model, not the other way round)", () => {
    const dir = path.join(__dirname, "..", "..", "constructs");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")))
      expect(readFileSync(path.join(dir, file), "utf8"), file).not.toMatch(/from "\.\/wiring\//);
  });
});
