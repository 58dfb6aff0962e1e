import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../constructs/host/host";
import type { Relation } from "../../constructs/wiring/plan";
import { buildApp } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
// The example's shape (the full fixture): the user's own config is test/user-config/'s alone.
import { exampleConfig as example } from "../support";
import type { Fakes } from "./world";
import { startFakes } from "./world";

const hostsOf = (config: typeof example): Host[] => buildApp(config, mkdtempSync(path.join(tmpdir(), "wire-"))).hosts;

const CONFIGS: Array<[string, typeof example]> = [
  ["the example", example],
  ["no VPN, Jellyfin", FIXTURES["jellyfin-no-vpn"] as typeof example],
  ["minimal", FIXTURES.minimal as typeof example],
  ["two hosts", FIXTURES["two-hosts"] as typeof example],
];

let running: Fakes[] = [];
afterEach(async () => {
  for (const f of running) await f.stop();
  running = [];
});

async function fakesFor(host: Host): Promise<Fakes> {
  const fakes = await startFakes(host);
  running.push(fakes);
  return fakes;
}

/** Signs the owner in to every fake Seerr: from then on its API answers. */
function signIn(f: Fakes): void {
  for (const [name, h] of f.handlers)
    if (f.plan.apps.find((a) => a.name === name)?.api === "seerr")
      (h as unknown as { state: { initialized: boolean } }).state.initialized = true;
}

const writes = (f: Fakes) => [...f.servers.values()].reduce((n, s) => n + s.writes.length, 0);

describe.each(CONFIGS)("the wire job on %s against spec-validated fakes", (_, config) => {
  it("the first run carries out every relation of the plan, a second run changes nothing", async () => {
    for (const host of hostsOf(config)) {
      const f = await fakesFor(host);
      signIn(f);
      const first = await f.run();
      expect(first.failures, f.lines.join("\n")).toEqual([]);
      // One + or ~ per relation (tags Prowlarr needs for its proxy come on top), nothing unchanged.
      // Uptime Kuma's monitors are counted in kuma.test.ts.
      const kuma = (l: string) => f.plan.monitoring !== undefined && l.slice(2).startsWith(`${f.plan.monitoring.app}:`);
      const created = f.lines.filter((l) => /^[+~] /.test(l) && !/: tag /.test(l) && !kuma(l));
      expect(created).toHaveLength(f.plan.relations.length);
      expect(first.counts["="]).toBe(0);
      for (const r of f.plan.relations) expect(await satisfied(f, r), JSON.stringify(r)).toBe(true);

      const before = writes(f);
      f.lines.length = 0;
      const second = await f.run();
      expect(second.failures).toEqual([]);
      expect(second.counts["+"] + second.counts["~"], f.lines.join("\n")).toBe(0);
      expect(f.lines.filter((l) => l.startsWith("= ") && !kuma(l))).toHaveLength(f.plan.relations.length);
      expect(writes(f)).toBe(before);
    }
  });
});

const VERSION: Record<string, string> = { sonarr: "/api/v3", radarr: "/api/v3", lidarr: "/api/v1", prowlarr: "/api/v1" };

/** An *arr fake's resource list, read over its API as a user would. */
async function arrList(f: Fakes, app: string, resource: string): Promise<Array<Record<string, unknown>>> {
  const a = f.plan.apps.find((x) => x.name === app);
  const res = await fetch(`${a?.url}${VERSION[a?.api ?? ""]}/${resource}`, { headers: { "X-Api-Key": f.keys[app] as string } });
  return (await res.json()) as Array<Record<string, unknown>>;
}

const fieldOf = (p: Record<string, unknown>, name: string) =>
  (p.fields as Array<{ name: string; value: unknown }>).find((x) => x.name === name)?.value;

/** Whether the fake's state holds what the relation asks for (read from the fake, not from the job's output). */
async function satisfied(f: Fakes, r: Relation): Promise<boolean> {
  const h = f.handlers.get(r.app) as unknown as Record<string, unknown>;
  switch (r.kind) {
    case "root-folder":
      return (await arrList(f, r.app, "rootfolder")).some((x) => x.path === r.path);
    case "download-client":
      return (await arrList(f, r.app, "downloadclient")).some(
        (x) =>
          x.name === r.client.app &&
          fieldOf(x, "host") === r.client.host &&
          fieldOf(x, "port") === r.client.port &&
          Object.values(x.fields as object).some((v) => v.value === r.category),
      );
    case "prowlarr-application":
      return (await arrList(f, r.app, "applications")).some(
        (x) => x.name === r.target && fieldOf(x, "baseUrl") === r.baseUrl && fieldOf(x, "prowlarrUrl") === r.prowlarrUrl,
      );
    case "indexer-proxy":
      return (await arrList(f, r.app, "indexerproxy")).some(
        (x) => x.name === r.proxy && fieldOf(x, "host") === r.url && (x.tags as number[]).length === 1,
      );
    case "torrent-category":
      return (h.categories as Record<string, { savePath: string }>)[r.category]?.savePath === r.savePath;
    case "torrent-preferences":
      return (
        (h.prefs as Record<string, unknown>).save_path === r.savePath &&
        (r.listenPort === undefined || (h.prefs as Record<string, unknown>).listen_port === r.listenPort)
      );
    case "usenet-category":
      return (h.categories as Array<{ name: string; dir: string }>).some((c) => c.name === r.category && c.dir === r.dir);
    case "bazarr-arr": {
      const s = (h.settings as Record<string, Record<string, unknown>>)[r.service] ?? {};
      return s.ip === r.target.host && s.port === r.target.port && s.apikey === f.keys[r.target.app];
    }
    case "seerr-server":
      return ((h.servers as Record<string, Array<Record<string, unknown>>>)[r.service] ?? []).some(
        (s) =>
          s.hostname === r.target.host &&
          s.port === r.target.port &&
          s.apiKey === f.keys[r.target.app] &&
          s.activeDirectory === r.rootFolder,
      );
  }
}
