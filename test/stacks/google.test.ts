import { describe, expect, it } from "vitest";
import * as catalog from "../../constructs/catalog";
import { Exposure } from "../../constructs/model/exposure";
import { healthRoutePath } from "../../constructs/model/health";
import { exampleConfig, resources, synth, withApps } from "../support";

type Check = {
  display_name: string;
  monitored_resource: { type: string; labels: { host: string; project_id: string } };
  http_check: {
    path: string;
    port: number;
    use_ssl: boolean;
    validate_ssl: boolean;
    headers?: Record<string, string>;
    mask_headers?: boolean;
  };
};

describe("Google sign-in: what Terraform can manage", () => {
  const { json } = synth();

  it("turns on the project's APIs and never turns them off on destroy", () => {
    const services = Object.values(resources(json, "google_project_service"));
    expect(services.map((s) => s.service).sort()).toEqual([
      "cloudresourcemanager.googleapis.com",
      "monitoring.googleapis.com",
      "serviceusage.googleapis.com",
    ]);
    for (const s of services) expect(s).toMatchObject({ project: exampleConfig.google.projectId, disable_on_destroy: false });
  });

  it.each([
    [{ ...exampleConfig, google: { projectId: "Bad_Project" } }, /\[servarr\/google-sso\] google.projectId: "Bad_Project" is not allowed/],
    [
      { ...exampleConfig, host: { ...exampleConfig.host, cloudflare: { ...exampleConfig.host.cloudflare, teamName: "my team" } } },
      /\[servarr\/account\] cloudflare.teamName: "my team" is not allowed/,
    ],
    [
      { ...exampleConfig, google: { ...exampleConfig.google, alertEmail: "nobody" } },
      /\[servarr\/uptime\] google.alertEmail: "nobody" is not allowed/,
    ],
  ])("rejects a bad setting (%#)", (config, message) => {
    expect(() => synth(config)).toThrow(message);
  });
});

describe("off-host uptime checks", () => {
  const { host, json } = synth();
  const checks = Object.values(resources(json, "google_monitoring_uptime_check_config")) as unknown as Check[];
  const byHost = new Map(checks.map((c) => [c.monitored_resource.labels.host, c]));
  const routes = host.apps.flatMap((a) => a.routes.map((r) => ({ app: a, route: r })));

  it("probes every hostname at the edge over HTTPS, except a path-limited one whose app is probed elsewhere and private ones without a health route", () => {
    const unprobed = routes.filter(({ route }) => !byHost.has(route.hostname));
    // The monitor's token opens health routes only: a private app whose health path is "/" or none has nothing to probe.
    expect(unprobed.map(({ route }) => route.hostname).sort()).toEqual([
      "backup.example.com",
      "bazarr.example.com",
      "status.example.com",
      "torrent.example.com",
      "uptime.example.com",
    ]);
    for (const { app, route } of unprobed)
      if (route.exposure.kind === "private") expect(healthRoutePath(app.props.healthPath), app.name).toBeUndefined();
      else expect(new RegExp(route.exposure.path ?? "^$").test(app.props.healthPath ?? "/"), route.hostname).toBe(false);
    expect(checks).toHaveLength(routes.length - unprobed.length);
    for (const c of checks) {
      expect(c.monitored_resource).toMatchObject({ type: "uptime_url", labels: { project_id: exampleConfig.google.projectId } });
      expect(c.http_check).toMatchObject({ port: 443, use_ssl: true, validate_ssl: true });
    }
  });

  it("requests each app's health path (written once, on the app)", () => {
    expect(byHost.get("plex.example.com")?.http_check.path).toBe("/identity");
    expect(byHost.get("sonarr.example.com")?.http_check.path).toBe("/ping");
  });

  it("presents the service token on private hostnames only, with masked headers from sensitive values", () => {
    for (const { route } of routes.filter(({ route }) => byHost.has(route.hostname))) {
      const check = byHost.get(route.hostname) as Check;
      if (route.exposure.kind === "private") {
        expect(check.http_check.mask_headers, route.hostname).toBe(true);
        const headers = check.http_check.headers ?? {};
        expect(Object.keys(headers).sort()).toEqual(["CF-Access-Client-Id", "CF-Access-Client-Secret"]);
        // The uptime-monitor service token's own attributes: sensitive in the provider schema.
        expect(headers).toEqual({
          "CF-Access-Client-Id": expect.stringMatching(
            /^\$\{cloudflare_zero_trust_access_service_token\.[\w-]*uptime-monitor[\w-]*\.client_id\}$/,
          ),
          "CF-Access-Client-Secret": expect.stringMatching(
            /^\$\{cloudflare_zero_trust_access_service_token\.[\w-]*uptime-monitor[\w-]*\.client_secret\}$/,
          ),
        });
      } else expect(check.http_check.headers, route.hostname).toBeUndefined();
    }
  });

  it("alerts the owner by email when any checked hostname fails from more than one region", () => {
    const channel = Object.values(resources(json, "google_monitoring_notification_channel"));
    expect(channel).toEqual([expect.objectContaining({ type: "email", labels: { email_address: exampleConfig.host.owners[0] } })]);
    const policies = Object.values(resources(json, "google_monitoring_alert_policy")) as Array<{
      notification_channels: string[];
      conditions: Array<{
        condition_threshold: { filter: string; threshold_value: number; aggregations: Array<{ group_by_fields: string[] }> };
      }>;
    }>;
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    expect(policy?.notification_channels).toEqual([expect.stringMatching(/^\$\{google_monitoring_notification_channel\.[^}]+\.name\}$/)]);
    const condition = policy?.conditions[0]?.condition_threshold;
    expect(condition?.threshold_value).toBe(1);
    expect(condition?.aggregations[0]?.group_by_fields).toEqual(["resource.label.host"]);
    const ids = [...(condition?.filter ?? "").matchAll(/google_monitoring_uptime_check_config\.([^.]+)\.uptime_check_id/g)].map(
      (m) => m[1],
    );
    expect(ids.sort()).toEqual(Object.keys(resources(json, "google_monitoring_uptime_check_config")).sort());
  });

  it("sends alerts to alertEmail when set", () => {
    const other = synth({ ...exampleConfig, google: { ...exampleConfig.google, alertEmail: "alerts@example.net" } });
    expect(Object.values(resources(other.json, "google_monitoring_notification_channel"))[0]).toMatchObject({
      labels: { email_address: "alerts@example.net" },
    });
  });

  it("rejects an app whose only hostname is path-limited and whose health path that hostname does not admit", () => {
    const config = withApps((h) => {
      catalog.cloudflared(h);
      catalog.uptimeKuma(h, { exposure: Exposure.public({ subdomain: "status", path: "^/status" }) });
    });
    expect(() => synth(config)).toThrow(
      /\[servarr\/uptime\] uptime-kuma.healthPath: "\/" is not allowed; allowed: a path every hostname's path rule admits \(\^\/status\)/,
    );
  });
});
