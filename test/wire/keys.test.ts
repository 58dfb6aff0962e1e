import { pbkdf2Sync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { composeProject } from "../../compose/render/project/project";
import { getIni, getYamlKey, qbittorrentPasswordMatches } from "../../compose/wire/config-files";
import { seed } from "../../compose/wire/seed";
import { FIXTURES } from "../fixtures";
import { exampleConfig as example, synth } from "../support";

const KEY = "k3y0k3y0k3y0k3y0k3y0k3y0k3y0k3y0";
const dir = () => mkdtempSync(path.join(tmpdir(), "keys-"));

describe("keys before first start: the <app>-keys job writes the key where the image reads it", () => {
  it("Bazarr: config/config.yaml auth.apikey (bazarr/app/config.py v1.5.2), other settings kept", () => {
    const d = dir();
    expect(seed("bazarr", d, KEY)).toBe(true);
    expect(getYamlKey(readFileSync(path.join(d, "config/config.yaml"), "utf8"), "auth", "apikey")).toBe(KEY);
    writeFileSync(path.join(d, "config/config.yaml"), "general:\n  port: 6767\nauth:\n  type: null\n  apikey: theirs\n  username: ''\n");
    expect(seed("bazarr", d, KEY)).toBe(true);
    const text = readFileSync(path.join(d, "config/config.yaml"), "utf8");
    expect(text).toBe(`general:\n  port: 6767\nauth:\n  type: null\n  apikey: ${KEY}\n  username: ''\n`);
    expect(seed("bazarr", d, KEY)).toBe(false);
  });

  it("SABnzbd: sabnzbd.ini [misc] api_key, the hostnames it is reached by added to host_whitelist, downloads under /data/usenet", () => {
    const d = dir();
    writeFileSync(path.join(d, "sabnzbd.ini"), "__version__ = 19\n[misc]\nhost_whitelist = mybox\napi_key = old\n[servers]\n");
    expect(seed("sabnzbd", d, KEY, ["sabnzbd", "usenet.example.com"])).toBe(true);
    const text = readFileSync(path.join(d, "sabnzbd.ini"), "utf8");
    expect(getIni(text, "misc", "api_key", " = ")).toBe(KEY);
    expect(getIni(text, "misc", "host_whitelist", " = ")).toBe("mybox, sabnzbd, usenet.example.com");
    expect(getIni(text, "misc", "complete_dir", " = ")).toBe("/data/usenet");
    expect(text).toContain("__version__ = 19\n");
    expect(text).toContain("[servers]");
    expect(seed("sabnzbd", d, KEY, ["sabnzbd", "usenet.example.com"])).toBe(false);
  });

  it("qBittorrent: WebUI\\Password_PBKDF2 is PBKDF2-SHA512, 100000 rounds, base64(salt):base64(hash) (src/base/utils/password.cpp release-5.2.3), saving under /data/torrents", () => {
    const d = dir();
    expect(seed("qbittorrent", d, KEY)).toBe(true);
    const text = readFileSync(path.join(d, "qBittorrent/qBittorrent.conf"), "utf8");
    const stored = getIni(text, "Preferences", "WebUI\\Password_PBKDF2") as string;
    const [salt, hash] = (/^"@ByteArray\((.*)\)"$/.exec(stored)?.[1] ?? "").split(":") as [string, string];
    // An independent computation of what qBittorrent checks at login.
    expect(pbkdf2Sync(KEY, Buffer.from(salt, "base64"), 100000, 64, "sha512").toString("base64")).toBe(hash);
    expect(Buffer.from(salt, "base64")).toHaveLength(16);
    expect(getIni(text, "Preferences", "WebUI\\Username")).toBe("admin");
    expect(getIni(text, "BitTorrent", "Session\\DefaultSavePath")).toBe("/data/torrents");
    expect(text).not.toContain(KEY);
    // Same password: the hash (and its salt) stays; another password: a new hash.
    expect(seed("qbittorrent", d, KEY)).toBe(false);
    expect(seed("qbittorrent", d, "an0therpassw0rd0")).toBe(true);
    expect(
      qbittorrentPasswordMatches(
        getIni(readFileSync(path.join(d, "qBittorrent/qBittorrent.conf"), "utf8"), "Preferences", "WebUI\\Password_PBKDF2"),
        KEY,
      ),
    ).toBe(false);
  });

  it("Seerr: settings.json main.apiKey (server/lib/settings/index.ts v3.1.0 merges the file over its defaults), other settings kept", () => {
    const d = dir();
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, "settings.json"), JSON.stringify({ clientId: "x", main: { apiKey: "old", applicationTitle: "Mine" } }));
    expect(seed("seerr", d, KEY)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(d, "settings.json"), "utf8"))).toEqual({
      clientId: "x",
      main: { apiKey: KEY, applicationTitle: "Mine" },
    });
  });

  it.each(Object.entries({ example, ...FIXTURES }))(
    "%s: each keys job runs as its app's user, offline, with only its key and config dir, before its app",
    (_, config) => {
      const { host } = synth(config);
      const services = composeProject(host).services;
      for (const app of host.apps.filter((a) => ["bazarr", "sabnzbd", "qbittorrent", "seerr"].includes(a.props.api ?? ""))) {
        const job = services[`${app.name}-keys`];
        expect(job?.user).toBeUndefined();
        expect(job?.cap_add).toEqual(["CHOWN", "DAC_OVERRIDE"]);
        expect(job?.network_mode).toBe("none");
        expect(job?.secrets).toEqual([{ source: (app.apiKeySecret as string).toLowerCase(), uid: "0", gid: "0", mode: 0o400 }]);
        expect(job?.volumes).toEqual([`${app.configDir}:/config`, "./wire:/wire:ro"]);
        expect(Object.keys(job?.environment ?? {})).toEqual(["TZ"]);
        expect(services[app.name]?.depends_on?.[`${app.name}-keys`]).toEqual({ condition: "service_completed_successfully" });
        // The app itself does not get the seeded key at all.
        expect(JSON.stringify(services[app.name])).not.toContain((app.apiKeySecret as string).toLowerCase());
      }
      // Prowlarr, like Sonarr, Radarr and Lidarr, reads its key from the environment through LinuxServer's FILE__ (Bootstrap.cs).
      for (const app of host.apps.filter((a) => a.props.api === "prowlarr"))
        expect(services[app.name]?.environment?.FILE__PROWLARR__AUTH__APIKEY).toBe("/run/secrets/prowlarr_api_key");
    },
  );
});
