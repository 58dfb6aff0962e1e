import { spawnSync } from "node:child_process";
import { pbkdf2Sync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { fakeArr, type World } from "../wire/fake-arr";
import { fakeBazarr, fakeQbittorrent, fakeSabnzbd, fakeSeerr } from "../wire/fake-others";
import { FakeServer, type Handler } from "../wire/fake-server";
import { FakeKuma } from "../wire/kuma/fake-kuma";
import { loadSpec } from "../wire/spec-validator";

/**
 * One app of the e2e's stack as a spec-validating fake (test/wire/), run by the Node stand-in in
 * the app's own container: `node fake-app.js <app> <port> <world.json>`. What the harness knows
 * comes from world.json (test/e2e/fake-world.ts); what the app itself would know comes from where
 * the app keeps it: its own key from its seeded config file or its Compose secret, whether a
 * root folder exists from its own mounts, whether a peer answers from a real request out of this
 * container. The stand-in's health paths answer 200, as the real apps' do.
 */
export interface FakeWorld {
  /** Every app's API kind (`props.api`), for the provider tests' "is it a Sonarr". */
  readonly apis: Record<string, string>;
  /** The keys the deploy put in .env, per wired app: the peers' keys, as the wire job sends them. */
  readonly keys: Record<string, string>;
  /** Service -> the service whose network namespace it lives in. */
  readonly namespaces: Record<string, string>;
  /** Namespace -> port -> the app listening there. */
  readonly listening: Record<string, Record<string, string>>;
  /** Paths the stand-ins' healthchecks and the harness's probes fetch. */
  readonly paths: readonly string[];
}

const [name = "", port = "", worldFile = ""] = process.argv.slice(2);
const world = JSON.parse(readFileSync(worldFile, "utf8")) as FakeWorld;
const api = world.apis[name] as string;

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

/** Where the real app finds its own key (its key job's file or its Compose secret); a key nobody has when it is not there. */
function ownKey(): string {
  const unusable = `(no key seeded for ${name})`;
  switch (api) {
    case "bazarr": // config/config.yaml auth.apikey (bazarr-keys)
      return (parse(read("/config/config/config.yaml") ?? "{}")?.auth?.apikey as string | undefined) ?? unusable;
    case "sabnzbd": // sabnzbd.ini [misc] api_key (sabnzbd-keys)
      return /^api_key = (.*)$/m.exec(read("/config/sabnzbd.ini") ?? "")?.[1] ?? unusable;
    case "seerr": // settings.json main.apiKey (seerr-keys)
      return (JSON.parse(read("/app/config/settings.json") ?? "{}")?.main?.apiKey as string | undefined) ?? unusable;
    case "qbittorrent": {
      // The password's PBKDF2 hash (qbittorrent-keys): the deploy's key signs in only when it matches.
      const conf = read("/config/qBittorrent/qBittorrent.conf") ?? "";
      const [salt, hash] = (/^WebUI\\Password_PBKDF2="?@ByteArray\(([^)]*)\)/m.exec(conf)?.[1] ?? ":").split(":");
      const key = world.keys[name] ?? "";
      const derived = pbkdf2Sync(key, Buffer.from(salt ?? "", "base64"), 100000, 64, "sha512").toString("base64");
      return hash && derived === hash ? key : unusable;
    }
    default: {
      // The arrs: <APP>__AUTH__APIKEY from the secret file linuxserver's FILE__ prefix names.
      const file = Object.entries(process.env).find(([k]) => /^FILE__\w+__AUTH__APIKEY$/.test(k))?.[1];
      return (file && read(file)?.trim()) || unusable;
    }
  }
}

/** Whether anything answers HTTP at host:port from this container (busybox wget; any status counts). */
function answers(host: string, p: number): boolean {
  const r = spawnSync("timeout", ["3", "wget", "-q", "-O", "/dev/null", `http://${host}:${p}/`], { encoding: "utf8" });
  return r.status === 0 || (r.stderr ?? "").includes("server returned error");
}

const own = api === "uptime-kuma" ? "" : ownKey();
if (own.startsWith("(")) console.error(`fake ${name}: ${own}`);
const fakeWorld: World = {
  keyOf: (app) => (app === name ? own : (world.keys[app] ?? "")),
  apiOf: (app) => world.apis[app],
  reach(caller, host, p) {
    const local = host === "localhost" || host === "127.0.0.1";
    const namespace = local ? world.namespaces[caller] : world.namespaces[host];
    const app = namespace === undefined ? undefined : world.listening[namespace]?.[String(p)];
    // From this container the address must also answer for real (networks, isolation, ports).
    return app !== undefined && (caller !== name || answers(host, p)) ? app : undefined;
  },
  pathExists: (app, path) => app === name && existsSync(path),
};

if (api === "uptime-kuma") {
  // Uptime Kuma: the socket.io server Kuma runs, its handlers as Kuma's (test/wire/kuma/fake-kuma.ts).
  // Its owner is whoever completes the first-run setup (the wire job, with the deploy's password).
  void new FakeKuma().start(Number(port), "0.0.0.0", ["/", ...world.paths]).then(() => console.log(`fake ${name} (${api}) on :${port}`));
} else serveFake();

function serveFake(): void {
  const seerr = api === "seerr" ? fakeSeerr(name, loadSpec("seerr.yml", "/api/v1"), fakeWorld) : undefined;
  const handler: Handler =
    seerr ??
    (api === "qbittorrent"
      ? fakeQbittorrent(name, fakeWorld)
      : api === "bazarr"
        ? fakeBazarr(name, fakeWorld)
        : api === "sabnzbd"
          ? fakeSabnzbd(name, fakeWorld)
          : fakeArr(name, api, loadSpec(`${api}.json`), fakeWorld));
  const health = new Set(["/", ...world.paths]);

  const server = new FakeServer((req) => {
    if (req.method === "GET" && health.has(req.path) && !req.headers["x-api-key"]) return { status: 200, body: "ok\n" };
    // Seerr's first sign-in is stored in its settings.json (public.initialized), read as it changes.
    if (seerr) seerr.state.initialized = JSON.parse(read("/app/config/settings.json") ?? "{}")?.public?.initialized === true;
    return handler(req);
  });
  void server.start(Number(port), "0.0.0.0").then(() => console.log(`fake ${name} (${api}) on :${port}`));
}
