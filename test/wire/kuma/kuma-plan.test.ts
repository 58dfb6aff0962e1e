import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { Exposure } from "../../../constructs/model/exposure";
import { describeMonitoring } from "../../../constructs/wiring/monitoring";
import { wiringPlan } from "../../../constructs/wiring/plan";
import type { ServarrConfig } from "../../../stacks/config";
import { buildApp } from "../../../stacks/synth";
import { FIXTURES } from "../../fixtures";
import { composeWorld } from "../world";

const hostsOf = (config: ServarrConfig): Host[] => buildApp(config, mkdtempSync(path.join(tmpdir(), "kuma-plan-"))).hosts;

describe.each(Object.entries(FIXTURES))("Uptime Kuma's plan on %s", (_, config) => {
  it("a monitor per app with a health route, at the address Kuma reaches it on the rendered networks; one per public hostname, on the status page", () => {
    for (const host of hostsOf(config)) {
      const kuma = host.appWithRole("monitor");
      const m = wiringPlan(host).monitoring;
      if (!kuma) {
        expect(m).toBeUndefined();
        continue;
      }
      if (!m) throw new Error(`${host.name}: Uptime Kuma without a monitoring plan`);
      const world = composeWorld(host, {});
      const healthy = host.apps.filter((a) => a !== kuma && a.props.healthPath !== undefined && a.port !== undefined);
      for (const app of healthy) {
        const mon = m.monitors.find((x) => x.name === app.name);
        const url = new URL(mon?.url ?? "http://missing");
        expect(world.reach(kuma.name, url.hostname, Number(url.port)), `${app.name}: ${mon?.url}`).toBe(app.name);
        expect(url.pathname + url.search).toBe(app.props.healthPath);
      }
      const publicNames = host.apps
        .filter((a) => a !== kuma)
        .flatMap((a) => a.routes.filter((r) => r.exposure.kind === "public").map((r) => r.hostname));
      expect([...(m.statusPage?.monitors ?? [])].sort()).toEqual([...publicNames].sort());
      for (const name of publicNames)
        expect(m.monitors.find((x) => x.name === name)?.url).toMatch(new RegExp(`^https://${name.replaceAll(".", "\\.")}/`));
      // Nothing else: private hostnames are behind Access and stay off the public page.
      expect(m.monitors).toHaveLength(healthy.length + publicNames.length);
      expect(m.notify).toBeUndefined();
    }
  });
});

describe("Uptime Kuma's plan on the full fixture", () => {
  const host = hostsOf(FIXTURES.full as ServarrConfig)[0] as Host;
  const m = wiringPlan(host).monitoring;

  it("probes a public hostname at its health route, as a visitor reaches it", () => {
    expect(m?.monitors.find((x) => x.name === "plex.example.com")?.url).toBe("https://plex.example.com/identity");
    expect(m?.monitors.find((x) => x.name === "sonarr")?.url).toBe("http://gluetun:8989/ping");
  });

  it("publishes the status page on Kuma's public hostname, whose path rule admits it; Kuma's own hostname is not an entry", () => {
    expect(m?.statusPage).toMatchObject({ slug: "servarr", url: "https://status.example.com/status/servarr", group: "Services" });
    expect(m?.statusPage?.monitors).not.toContain("status.example.com");
  });

  it("alerts through the host's channel when it has one, and the wire job gets its secret", () => {
    const withNotify = { ...FIXTURES.full, host: { ...FIXTURES.full?.host, recovery: { notify: { kind: "apprise" } } } } as ServarrConfig;
    const h = hostsOf(withNotify)[0] as Host;
    expect(wiringPlan(h).monitoring?.notify).toEqual({ name: "servarr", kind: "apprise", secret: "NOTIFY_URL" });
  });

  it("reads as one line per monitor and one for the page (the synth summary and plan.json print these)", () => {
    const text = describeMonitoring(m as NonNullable<typeof m>);
    expect(text).toContain("uptime-kuma → sonarr: monitor http://gluetun:8989/ping every 60 s");
    expect(text).toContain(
      "uptime-kuma: status page https://status.example.com/status/servarr, group Services: plex.example.com, requests.example.com, join.example.com",
    );
  });
});

describe("Uptime Kuma's status page needs a public hostname that admits the page and what it loads", () => {
  const withKuma = (path: string): ServarrConfig => ({
    ...(FIXTURES.minimal as ServarrConfig),
    apps: (host) => {
      FIXTURES.minimal?.apps(host);
      catalog.uptimeKuma(host, {
        exposure: Exposure.private({ subdomain: "uptime" }),
        alsoExpose: [Exposure.public({ subdomain: "status", path })],
      });
    },
  });

  it("a path rule admitting /status only leaves the page without an address, and says why", () => {
    const plan = wiringPlan(hostsOf(withKuma("^/status"))[0] as Host);
    expect(plan.monitoring?.statusPage).toMatchObject({ slug: "servarr", monitors: ["plex.example.com"] });
    expect(plan.monitoring?.statusPage?.url).toBeUndefined();
    expect(plan.skipped).toContain(
      "uptime-kuma: the status page /status/servarr is on no public hostname (one whose path rule admits /status/servarr, /api/status-page/servarr, /api/status-page/heartbeat/servarr, /assets/)",
    );
  });

  it("the example's rule admits them all", () => {
    const plan = wiringPlan(hostsOf(withKuma("^/(status|api/status-page|assets|upload|icon)"))[0] as Host);
    expect(plan.monitoring?.statusPage?.url).toBe("https://status.example.com/status/servarr");
    expect(plan.skipped.filter((x) => x.includes("status page"))).toEqual([]);
  });
});
