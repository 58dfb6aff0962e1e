import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KUMA_TAG, KUMA_USER } from "../../../compose/wire/plan";
import type { Host } from "../../../constructs/host/host";
import type { ServarrConfig } from "../../../stacks/config";
import { buildApp } from "../../../stacks/synth";
import { FIXTURES } from "../../fixtures";
import { type Fakes, startFakes } from "../world";
import type { FakeKuma } from "./fake-kuma";

// The fixtures that run Uptime Kuma, and the example with the host's notification channel on.
const withNotify = (c: ServarrConfig): ServarrConfig => ({ ...c, host: { ...c.host, recovery: { notify: { kind: "ntfy" } } } });
const CONFIGS: Array<[string, ServarrConfig]> = [
  ...Object.entries(FIXTURES).filter(([name]) => ["full", "large", "instances"].includes(name)),
  ["full with ntfy", withNotify(FIXTURES.full as ServarrConfig)],
];
const WRITES = new Set(["setup", "add", "editMonitor", "addTag", "addMonitorTag", "addNotification", "addStatusPage", "saveStatusPage"]);

const hostOf = (config: ServarrConfig): Host => buildApp(config, mkdtempSync(path.join(tmpdir(), "kuma-"))).hosts[0] as Host;

let running: Fakes[] = [];
afterEach(async () => {
  for (const f of running) await f.stop();
  running = [];
});

async function fakesFor(config: ServarrConfig): Promise<Fakes & { kuma: FakeKuma }> {
  const f = await startFakes(hostOf(config));
  running.push(f);
  if (!f.kuma) throw new Error("no Uptime Kuma in this config");
  return f as Fakes & { kuma: FakeKuma };
}

const writes = (k: FakeKuma) => k.state.events.filter((e) => WRITES.has(e)).length;
const kumaLines = (f: Fakes) => f.lines.filter((l) => l.slice(2).startsWith(`${f.plan.monitoring?.app}:`));
const byName = (k: FakeKuma, name: string) => [...k.state.monitors.values()].find((m) => m.name === name);
const tagged = (k: FakeKuma) => {
  const tag = k.state.tags.find((t) => t.name === KUMA_TAG)?.id;
  return [...k.state.monitors.values()].filter((m) => m.tags.some((t) => t.tagId === tag));
};

describe.each(CONFIGS)("Uptime Kuma on %s", (_, config) => {
  it("the first run creates the admin and exactly the plan's monitors, status page and alerts; a second run changes nothing", async () => {
    const f = await fakesFor(config);
    const m = f.plan.monitoring as NonNullable<typeof f.plan.monitoring>;
    const first = await f.run();
    expect(first.failures, f.lines.join("\n")).toEqual([]);
    const k = f.kuma;
    expect(k.state.user).toEqual({ username: KUMA_USER, password: f.keys[m.app] });
    // Every planned monitor once, tagged, as planned; nothing else.
    expect(
      tagged(k)
        .map((x) => x.name)
        .sort(),
    ).toEqual(m.monitors.map((x) => x.name).sort());
    expect(k.state.monitors.size).toBe(m.monitors.length);
    for (const planned of m.monitors)
      expect(byName(k, planned.name)).toMatchObject({ type: "http", url: planned.url, method: "GET", interval: planned.intervalSeconds });
    // The status page lists the public hostnames' monitors in its group.
    const page = k.state.pages.find((p) => p.slug === m.statusPage?.slug);
    expect(page?.groups.map((g) => g.name)).toEqual([m.statusPage?.group]);
    expect(page?.groups[0]?.entries.map((e) => k.state.monitors.get(e.monitorId)?.name)).toEqual(m.statusPage?.monitors);
    // The host's channel, when it has one, alerts for every monitor.
    if (m.notify) {
      const n = k.state.notifications.find((x) => x.name === m.notify?.name);
      expect(JSON.parse(n?.config ?? "{}")).toMatchObject({
        type: "ntfy",
        ntfyserverurl: "https://ntfy.example.test",
        ntfytopic: "servarr-alerts",
      });
      for (const x of k.state.monitors.values()) expect([...x.notifications]).toEqual([n?.id]);
    } else expect(k.state.notifications).toEqual([]);
    // One line per thing made, no secret in any.
    const made = kumaLines(f).filter((l) => l.startsWith("+ "));
    expect(made).toHaveLength(m.monitors.length + 2 + (m.statusPage ? 2 : 0) + (m.notify ? 1 : 0));
    for (const secret of [f.keys[m.app], f.secrets.NOTIFY_URL]) expect(f.lines.join("\n")).not.toContain(secret);

    const before = writes(k);
    f.lines.length = 0;
    const second = await f.run();
    expect(second.failures).toEqual([]);
    expect(
      kumaLines(f).filter((l) => !l.startsWith("= ")),
      f.lines.join("\n"),
    ).toEqual([]);
    expect(writes(k)).toBe(before);
  });
});

describe("Uptime Kuma: converge, never clobber (the full fixture)", () => {
  it("puts back what was changed by hand on a managed monitor, and keeps the rest of the user's edit", async () => {
    const f = await fakesFor(FIXTURES.full as ServarrConfig);
    await f.run();
    const sonarr = byName(f.kuma, "sonarr") as Record<string, unknown>;
    const planned = f.plan.monitoring?.monitors.find((x) => x.name === "sonarr");
    Object.assign(sonarr, { url: "http://elsewhere:1/", interval: 300, description: "my note" });
    f.lines.length = 0;
    await f.run();
    expect(f.lines).toContain(`~ uptime-kuma: monitor sonarr (${planned?.url}) (url, interval)`);
    expect(byName(f.kuma, "sonarr")).toMatchObject({ url: planned?.url, interval: 60, description: "my note" });
  });

  it("leaves alone a monitor the user added, one that lost the servarr tag, a group and an entry the user added", async () => {
    const f = await fakesFor(FIXTURES.full as ServarrConfig);
    await f.run();
    const k = f.kuma;
    const radarr = byName(k, "radarr") as NonNullable<ReturnType<typeof byName>>;
    radarr.tags = [];
    radarr.url = "http://my-own-check:7878/";
    const mine = {
      id: 999,
      name: "my NAS",
      type: "http",
      url: "http://192.168.1.2/",
      interval: 30,
      notifications: new Set<number>(),
      tags: [],
    };
    k.state.monitors.set(999, mine);
    const page = k.state.pages[0] as NonNullable<(typeof k.state.pages)[0]>;
    page.groups[0]?.entries.push({ monitorId: 999, sendUrl: false });
    page.groups.push({ id: 1000, name: "Mine", entries: [{ monitorId: 999, sendUrl: false }] });
    f.lines.length = 0;
    const run = await f.run();
    expect(run.failures).toEqual([]);
    expect(f.lines).toContain(`= uptime-kuma: monitor radarr is yours (no ${KUMA_TAG} tag): left as it is`);
    expect(byName(k, "radarr")?.url).toBe("http://my-own-check:7878/");
    expect(k.state.monitors.get(999)).toEqual(mine);
    expect([...k.state.monitors.values()].filter((x) => x.name === "radarr")).toHaveLength(1);
    expect(page.groups.map((g) => [g.name, g.entries.length])).toEqual([
      ["Services", (f.plan.monitoring?.statusPage?.monitors.length ?? 0) + 1],
      ["Mine", 1],
    ]);
  });

  it("puts back a managed hostname removed from the status page, without touching the other groups", async () => {
    const f = await fakesFor(FIXTURES.full as ServarrConfig);
    await f.run();
    const page = f.kuma.state.pages[0] as NonNullable<(typeof f.kuma.state.pages)[0]>;
    page.groups[0]?.entries.shift();
    page.groups.push({ id: 1000, name: "Mine", entries: [] });
    f.lines.length = 0;
    await f.run();
    expect(
      f.lines.some((l) => /^~ uptime-kuma: status page .*group Services .*\(1 added\)$/.test(l)),
      f.lines.join("\n"),
    ).toBe(true);
    expect(page.groups.map((g) => g.name)).toEqual(["Services", "Mine"]);
  });

  it("keeps a field the config leaves to the user (leaveAlone: monitor.interval)", async () => {
    const config = FIXTURES.full as ServarrConfig;
    const host = hostOf(config);
    const f = await startFakes(host);
    running.push(f);
    const kuma = f.plan.apps.find((a) => a.api === "uptime-kuma");
    Object.assign(kuma as object, { leaveAlone: ["monitor.interval"] });
    await f.run();
    const sonarr = byName(f.kuma as FakeKuma, "sonarr") as Record<string, unknown>;
    sonarr.interval = 300;
    f.lines.length = 0;
    await f.run();
    expect(sonarr.interval).toBe(300);
    expect(f.lines.filter((l) => l.startsWith("~ "))).toEqual([]);
  });

  it("fails clearly, writing nothing, when Kuma was set up with another password", async () => {
    const f = await fakesFor(FIXTURES.full as ServarrConfig);
    f.kuma.state.user = { username: "me", password: "my-own-password-1" };
    const run = await f.run();
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatch(
      /^uptime-kuma: sign-in as admin refused \(authIncorrectCreds\): Kuma's admin must be admin with the password in the host secret UPTIME_KUMA_WEBUI_PASSWORD/,
    );
    expect(writes(f.kuma)).toBe(0);
  });

  it("a dry run on a new Kuma says it would set it up and writes nothing", async () => {
    const f = await fakesFor(FIXTURES.full as ServarrConfig);
    const run = await f.run({ dryRun: true });
    expect(run.failures).toEqual([]);
    expect(f.lines).toContain("+ uptime-kuma: admin user admin (Kuma's first-run setup); the rest after it");
    expect(f.kuma.state.user).toBeUndefined();
    expect(writes(f.kuma)).toBe(0);
  });
});
