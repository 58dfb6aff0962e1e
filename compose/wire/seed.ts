/**
 * The `<app>-keys` job: writes the key Terraform made for an app into the config file the app
 * reads it from, before the app's first start and on every deploy (only when it differs). The
 * key comes from a Compose secret file and is never printed. Usage:
 *   node seed.ts <api> <config dir> <secret file> [host,whitelist]
 */
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getIni, qbittorrentPasswordHash, qbittorrentPasswordMatches, setIni, setJson, setYamlKey } from "./config-files.ts";
import { QBITTORRENT_USER } from "./plan.ts";

/** Where qBittorrent saves (the TRaSH layout's torrents folder); categories add /<category> (the wire job). */
export const TORRENTS_DIR = "/data/torrents";
/** Where SABnzbd completes downloads; a category `tv` lands in /data/usenet/tv. */
export const USENET_DIR = "/data/usenet";

/** The file an app keeps its key in, relative to its config dir, and the edit that puts the key there. */
export function seedEdit(
  api: string,
  secret: string,
  hosts: readonly string[],
): { file: string; edit: (text: string | undefined) => string } {
  switch (api) {
    case "bazarr":
      return { file: "config/config.yaml", edit: (t) => setYamlKey(t, "auth", "apikey", secret) };
    case "sabnzbd":
      return {
        file: "sabnzbd.ini",
        edit: (t) => {
          // Downloads under the TRaSH tree: complete in /data/usenet/<category> (the wire job's categories), hardlinkable into /data/media.
          let withKey = setIni(t, "misc", "api_key", secret, " = ");
          withKey = setIni(withKey, "misc", "complete_dir", USENET_DIR, " = ");
          withKey = setIni(withKey, "misc", "download_dir", `${USENET_DIR}/incomplete`, " = ");
          const listed = (getIni(withKey, "misc", "host_whitelist", " = ") ?? "")
            .split(",")
            .map((h) => h.trim())
            .filter(Boolean);
          return setIni(withKey, "misc", "host_whitelist", [...new Set([...listed, ...hosts])].join(", "), " = ");
        },
      };
    case "qbittorrent":
      return {
        file: "qBittorrent/qBittorrent.conf",
        edit: (t) => {
          let text = setIni(t, "Preferences", "WebUI\\Username", QBITTORRENT_USER);
          if (!qbittorrentPasswordMatches(getIni(text, "Preferences", "WebUI\\Password_PBKDF2"), secret))
            text = setIni(text, "Preferences", "WebUI\\Password_PBKDF2", `"@ByteArray(${qbittorrentPasswordHash(secret)})"`);
          return setIni(text, "BitTorrent", "Session\\DefaultSavePath", TORRENTS_DIR);
        },
      };
    case "seerr":
      return { file: "settings.json", edit: (t) => setJson(t, ["main", "apiKey"], secret) };
    default:
      throw new Error(`keys: no seeded key for the api ${api}`);
  }
}

/** Applies the edit to the file under `configDir`; true when the file changed. */
export function seed(api: string, configDir: string, secret: string, hosts: readonly string[] = []): boolean {
  const { file, edit } = seedEdit(api, secret, hosts);
  const path = join(configDir, file);
  const before = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  const after = edit(before);
  if (after === before) return false;
  const created = mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, after, { mode: 0o600 });
  // Run as root: what it creates belongs to the config dir's owner, the app's user.
  if (process.getuid?.() === 0) {
    const owner = statSync(configDir);
    if (created) for (let d = dirname(path); d.startsWith(created); d = dirname(d)) chownSync(d, owner.uid, owner.gid);
    chownSync(path, owner.uid, owner.gid);
  }
  return true;
}

if (/\bseed\.m?[jt]s$/.test(process.argv[1] ?? "") && process.argv.length >= 5) {
  const [api, configDir, secretFile, hosts = ""] = process.argv.slice(2) as [string, string, string, string?];
  const secret = readFileSync(secretFile, "utf8").trim();
  if (!/^[A-Za-z0-9]{16,}$/.test(secret)) {
    console.error(`keys: ${secretFile} does not hold a key of 16 or more letters and digits`);
    process.exit(1);
  }
  const changed = seed(api, configDir, secret, hosts.split(",").filter(Boolean));
  console.log(`keys: ${api} ${changed ? "key written" : "key unchanged"} in ${configDir}`);
}
