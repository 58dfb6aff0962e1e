import { describe, expect, it } from "vitest";
import { composeLogging } from "../../../compose/render/host/restarter-script";
import { composeProject } from "../../../compose/render/project/project";
import { DEFAULT_BACK_OFF } from "../../../constructs/config/recovery";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../../constructs/model/app-props";
import { DEFAULT_HEALTH_TIMING, worstDetectionSeconds } from "../../../constructs/model/health";
import { restarterPlan } from "../../../constructs/runtime/restarter";
import { FIXTURES } from "../../fixtures";
import { exampleConfig, plus, synth } from "../../support";

const base: ServarrAppProps = { image: "jellyfin/jellyfin:10.11.3", port: 8096, uid: 13100, healthPath: "/health" };
const withApp = (props: Partial<ServarrAppProps>) => plus((host) => new ServarrApp(host, "jellyfin", { ...base, ...props }));
const withRecovery = (recovery: object) => ({ ...exampleConfig, host: { ...exampleConfig.host, recovery } });

// What must hold for any config: the user's and every fixture.
describe.each(Object.entries(FIXTURES))("recovery (%s)", (_, config) => {
  const { host } = synth(config);
  const compose = composeProject(host);

  it("caps every service's logs with the host's cap", () => {
    for (const [name, service] of Object.entries(compose.services))
      expect(service.logging, name).toEqual(composeLogging(host.recovery.logs));
  });

  it("notices a dead service within the issue's 60 s, restart included, for every app's timing", () => {
    // The restarter acts on the unhealthy event at once; the sweep is the fallback.
    for (const app of host.apps.filter((a) => a.healthProbe))
      expect(worstDetectionSeconds(app.healthTiming), app.name).toBeLessThanOrEqual(60);
  });

  it("renders each app's timing in its healthcheck", () => {
    for (const app of host.apps.filter((a) => a.healthProbe)) {
      const t = app.healthTiming;
      expect(compose.services[app.name].healthcheck, app.name).toMatchObject({
        interval: `${t.intervalSeconds}s`,
        timeout: `${t.timeoutSeconds}s`,
        retries: t.retries,
        start_period: `${t.startPeriodSeconds}s`,
      });
    }
  });

  it("restarts the VPN gateway's namespace: exactly the VPN apps with a healthcheck", () => {
    const plan = restarterPlan(host);
    const gateway = host.appWithRole("vpn-gateway");
    expect(plan.gateway).toBe(gateway ? `${host.name}-${gateway.name}-1` : undefined);
    expect(plan.namespace).toEqual(host.apps.filter((a) => a.vpn && a.healthProbe).map((a) => `${host.name}-${a.name}-1`));
    for (const name of plan.namespace) expect(plan.restartable).toContain(name);
  });
});

describe("health timing and recovery settings", () => {
  it("defaults: probes 10 s apart, 3 retries; back-off after 5 restarts in 60 min", () => {
    expect(DEFAULT_HEALTH_TIMING).toEqual({ intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 });
    expect(synth().host.recovery.backOff).toEqual(DEFAULT_BACK_OFF);
  });

  it("a preset's timing is overridden per field by the config", () => {
    const { host } = synth(withApp({ healthTiming: { startPeriodSeconds: 300 } }));
    expect(host.app("jellyfin")?.healthTiming).toEqual({ ...DEFAULT_HEALTH_TIMING, startPeriodSeconds: 300 });
  });

  it.each([
    [
      { intervalSeconds: 1 },
      /\[servarr\/servarr\/jellyfin\] healthTiming.intervalSeconds: 1 is not allowed; allowed: an integer from 2 to 600/,
    ],
    [{ retries: 0 }, /healthTiming.retries: 0 is not allowed; allowed: an integer from 1 to 20/],
    [{ startPeriodSeconds: 1.5 }, /healthTiming.startPeriodSeconds: 1.5 is not allowed/],
    [{ intervalSeconds: 5, timeoutSeconds: 5 }, /healthTiming.timeoutSeconds: 5 is not allowed; allowed: less than intervalSeconds \(5\)/],
  ])("refuses the timing %j", (timing, message) => {
    expect(() => synth(withApp({ healthTiming: timing }))).toThrow(message);
  });

  it.each([
    [{ backOff: { restarts: 0, withinMinutes: 60 } }, /recovery.backOff.restarts: 0 is not allowed; allowed: an integer from 1 to 100/],
    [{ backOff: { restarts: 3, withinMinutes: 0 } }, /recovery.backOff.withinMinutes: 0 is not allowed/],
    [{ logs: { maxSizeMegabytes: 0, maxFiles: 3 } }, /recovery.logs.maxSizeMegabytes: 0 is not allowed/],
    [{ logs: { maxSizeMegabytes: 10, maxFiles: 0.5 } }, /recovery.logs.maxFiles: 0.5 is not allowed/],
  ])("refuses the recovery setting %j", (recovery, message) => {
    expect(() => synth(withRecovery(recovery))).toThrow(message);
  });

  it("the config's cap and back-off reach compose.yaml and the restarter", () => {
    const { host } = synth(withRecovery({ backOff: { restarts: 2, withinMinutes: 5 }, logs: { maxSizeMegabytes: 4, maxFiles: 2 } }));
    const compose = composeProject(host);
    expect(compose.services.plex.logging).toEqual({ driver: "local", options: { "max-size": "4m", "max-file": "2" } });
    const script = (compose.services.restarter.entrypoint as string[])[2];
    expect(script).toContain("max='2'\n");
    expect(script).toContain("window='300'\n");
  });
});
