import { randomBytes } from "node:crypto";
import { hostDirs } from "../../compose/render/host/host-scripts";
import { composeProject } from "../../compose/render/project/project";
import { type Outcome, runPlan } from "../../compose/wire/run";
import { openState, type State } from "../../compose/wire/state";
import type { Host } from "../../constructs/host/host";
import { type WiringPlan, wiringPlan } from "../../constructs/wiring/plan";
import { fakeArr, type World } from "./fake-arr";
import { fakeBazarr, fakeQbittorrent, fakeSabnzbd, fakeSeerr } from "./fake-others";
import { FakeServer, type Handler } from "./fake-server";
import { FakeKuma } from "./kuma/fake-kuma";
import { loadSpec, type SpecCheck } from "./spec-validator";

const specs = new Map<string, SpecCheck>();
function spec(api: string): SpecCheck {
  let s = specs.get(api);
  if (!s) {
    s = api === "seerr" ? loadSpec("seerr.yml", "/api/v1") : loadSpec(`${api}.json`);
    specs.set(api, s);
  }
  return s;
}

/**
 * Who reaches whom, read from the rendered compose.yaml (not from the wiring): two services in
 * one network namespace on localhost, a service by its name on a network both are on, and the
 * apps in the VPN gateway's namespace by the gateway's name.
 */
export function composeWorld(host: Host, keys: Readonly<Record<string, string>>): World {
  const services = composeProject(host).services;
  const ns = (name: string) => /^service:(.+)$/.exec(services[name]?.network_mode ?? "")?.[1] ?? name;
  const nets = (name: string) => new Set((services[name]?.networks as string[] | undefined) ?? []);
  const listening = (namespace: string, port: number) =>
    host.apps.find((a) => a.port === port && ns(a.name) === namespace && services[a.name] !== undefined)?.name;
  const dirs = new Set(hostDirs(host).map((d) => d.path));
  return {
    keyOf: (app) => keys[app] ?? "",
    apiOf: (app) => host.app(app)?.props.api,
    reach(caller, h, port) {
      const from = ns(caller);
      if (h === "localhost" || h === "127.0.0.1") return listening(from, port);
      if (!services[h]) return undefined;
      const shared = [...nets(from)].some((n) => nets(h).has(n));
      return shared ? listening(h, port) : undefined;
    },
    pathExists(app, containerPath) {
      const hostPath = hostPathOf(services[app]?.volumes ?? [], containerPath);
      return hostPath !== undefined && dirs.has(hostPath);
    },
  };
}

/** The host path behind a container path, through the service's bind mounts (the longest match). */
export function hostPathOf(volumes: readonly string[], containerPath: string): string | undefined {
  const mounts = volumes.map((v) => v.split(":")).map(([h, c]) => ({ h: h as string, c: c as string }));
  const m = mounts.filter(({ c }) => containerPath === c || containerPath.startsWith(`${c}/`)).sort((a, b) => b.c.length - a.c.length)[0];
  return m && `${m.h}${containerPath.slice(m.c.length)}`;
}

export interface Fakes {
  readonly plan: WiringPlan;
  readonly keys: Record<string, string>;
  readonly servers: ReadonlyMap<string, FakeServer>;
  readonly handlers: ReadonlyMap<string, Handler>;
  readonly state: State;
  readonly lines: string[];
  /** The host's Uptime Kuma, when it runs one (test/wire/kuma/fake-kuma.ts). */
  readonly kuma?: FakeKuma;
  /** The host secrets other than keys the job reads (NOTIFY_URL). */
  readonly secrets: Record<string, string>;
  run(options?: { dryRun?: boolean; keys?: Record<string, string> }): Promise<Outcome>;
  stop(): Promise<void>;
}

/** One fake per app of the host's wiring plan, each on its own port; the plan's addresses point at them. */
export async function startFakes(host: Host): Promise<Fakes> {
  const model = wiringPlan(host);
  const keys = Object.fromEntries(model.apps.map((a) => [a.name, randomBytes(16).toString("hex")]));
  const world = composeWorld(host, keys);
  const servers = new Map<string, FakeServer>();
  const handlers = new Map<string, Handler>();
  let kuma: FakeKuma | undefined;
  const urls = new Map<string, string>();
  for (const app of model.apps) {
    if (app.api === "uptime-kuma") {
      kuma = new FakeKuma();
      urls.set(app.name, await kuma.start());
      continue;
    }
    const handler: Handler =
      app.api === "qbittorrent"
        ? fakeQbittorrent(app.name, world)
        : app.api === "bazarr"
          ? fakeBazarr(app.name, world)
          : app.api === "sabnzbd"
            ? fakeSabnzbd(app.name, world)
            : app.api === "seerr"
              ? fakeSeerr(app.name, spec("seerr"), world)
              : fakeArr(app.name, app.api, spec(app.api), world);
    const server = new FakeServer(handler);
    urls.set(app.name, await server.start());
    servers.set(app.name, server);
    handlers.set(app.name, handler);
  }
  const plan: WiringPlan = { ...model, apps: model.apps.map((a) => ({ ...a, url: urls.get(a.name) as string })) };
  const state = openState();
  const lines: string[] = [];
  const secrets = { NOTIFY_URL: "https://ntfy.example.test/servarr-alerts" };
  return {
    plan,
    keys,
    servers,
    handlers,
    state,
    lines,
    secrets,
    ...(kuma ? { kuma } : {}),
    run: (options = {}) =>
      runPlan(plan, {
        state,
        dryRun: options.dryRun === true,
        key: (app) => (options.keys ?? keys)[app.name] as string,
        secret: (name) => secrets[name as keyof typeof secrets],
        print: (line) => lines.push(line),
      }),
    stop: async () => {
      for (const s of servers.values()) await s.stop();
      await kuma?.stop();
    },
  };
}
