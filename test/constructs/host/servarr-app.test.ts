import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../../constructs/model/app-props";
import { Exposure } from "../../../constructs/model/exposure";
import { addresses, exampleConfig, ingressRules, plus, resources, synth, withApps } from "../../support";

const jellyfin: ServarrAppProps = {
  image: "jellyfin/jellyfin:10.11.3",
  port: 8096,
  uid: 13100,
  data: "media",
  healthPath: "/health",
  exposure: Exposure.private(),
};

describe("fan-out: one construct reaches every layer", () => {
  const before = synth();
  const after = synth(plus((host) => new ServarrApp(host, "jellyfin", jellyfin)));

  it("adds exactly one DNS record, two Access applications (the app, its health route) and one off-host uptime check", () => {
    const added = addresses(after.json).filter((a) => !addresses(before.json).includes(a));
    expect(added.map((a) => a.split(".")[0]).sort()).toEqual([
      "cloudflare_dns_record",
      "cloudflare_zero_trust_access_application",
      "cloudflare_zero_trust_access_application",
      "google_monitoring_uptime_check_config",
      // The private check's http_check settings: a change replaces the check (masked headers).
      "terraform_data",
    ]);
    const check = Object.values(resources(after.json, "google_monitoring_uptime_check_config")).find(
      (r) => (r.monitored_resource as { labels: { host: string } }).labels.host === "jellyfin.example.com",
    );
    expect(check).toMatchObject({ http_check: { mask_headers: true, use_ssl: true } });
    const dns = Object.values(resources(after.json, "cloudflare_dns_record")).find((r) => r.name === "jellyfin.example.com");
    expect(dns).toMatchObject({ type: "CNAME", proxied: true, ttl: 1 });
    const accessApp = Object.values(resources(after.json, "cloudflare_zero_trust_access_application")).find(
      (r) => (r.destinations as Array<{ uri: string }>)[0]?.uri === "jellyfin.example.com",
    );
    expect(accessApp).toBeDefined();
  });

  it("adds exactly one ingress rule, before the catch-all", () => {
    const rulesBefore = ingressRules(before.json);
    const rulesAfter = ingressRules(after.json);
    expect(rulesAfter.filter((r) => !rulesBefore.some((b) => JSON.stringify(b) === JSON.stringify(r)))).toEqual([
      { hostname: "jellyfin.example.com", service: "http://jellyfin:8096" },
    ]);
    expect(rulesAfter).toHaveLength(rulesBefore.length + 1);
    expect(rulesAfter.at(-1)).toEqual({ service: "http_status:404" });
  });

  it("adds exactly its compose service; elsewhere only the derived fan-out changes", () => {
    const servicesBefore = composeProject(before.host).services;
    const servicesAfter = composeProject(after.host).services;
    expect(Object.keys(servicesAfter).filter((s) => !(s in servicesBefore))).toEqual(["jellyfin"]);
    // Who reaches it (tunnel connector, monitor) gains a network; the backup mounts and schedules its config dir;
    // the restarter's proxy may restart it (its config, whose hash is a label, gains a rule), and
    // the restarter's script lists it among the containers it restarts.
    const fanOut: Record<string, string> = {
      cloudflared: "networks",
      "uptime-kuma": "networks",
      kopia: "volumes",
      "kopia-policy": "command",
      "socket-proxy": "labels",
      restarter: "entrypoint",
    };
    for (const [name, service] of Object.entries(servicesBefore)) {
      const changed = fanOut[name];
      if (changed) expect({ ...servicesAfter[name], [changed]: undefined }, name).toEqual({ ...service, [changed]: undefined });
      else expect(servicesAfter[name], name).toEqual(service);
    }
  });

  it("changes no other resource", () => {
    for (const [type, byName] of Object.entries(before.json.resource ?? {})) {
      for (const [name, resource] of Object.entries(byName)) {
        if (type === "cloudflare_zero_trust_tunnel_cloudflared_config") continue; // its ingress grew, checked above
        if (type === "google_monitoring_alert_policy") continue; // it now also watches the new check
        expect(resources(after.json, type)[name], `${type}.${name}`).toEqual(resource);
      }
    }
  });

  it("does not depend on declaration order: addresses and output are identical", () => {
    const reordered = synth(
      withApps((host) => {
        new ServarrApp(host, "jellyfin", jellyfin);
        exampleConfig.apps(host);
      }),
    );
    expect(reordered.json).toEqual(after.json);
    expect(composeProject(reordered.host)).toEqual(composeProject(after.host));
  });
});

describe("derived facts", () => {
  const { host, json } = synth();

  it("reaches a VPN-routed app through the gateway, on the app's own port", () => {
    expect(ingressRules(json).find((r) => r.hostname === "sonarr.example.com")?.service).toBe("http://gluetun:8989");
    expect(composeProject(host).services.sonarr).toMatchObject({
      network_mode: "service:gluetun",
      depends_on: { gluetun: { condition: "service_healthy", restart: true } },
    });
    expect(composeProject(host).services.sonarr?.ports).toBeUndefined();
  });

  it("publishes a port only where a LAN port is declared, on the LAN address", () => {
    const published = Object.entries(composeProject(host).services).filter(([, s]) => s.ports);
    expect(published).toEqual([["plex", expect.objectContaining({ ports: ["192.168.1.10:32400:32400"] })]]);
  });

  it("gives every stateful app its own config dir and the shared TZ/PGID", () => {
    for (const app of host.apps) {
      const service = composeProject(host).services[app.name];
      expect(service?.environment?.TZ).toBe("Etc/UTC");
      if (app.configDir) expect(service?.volumes).toContain(`${app.configDir}:${app.props.configPath ?? "/config"}`);
      if (app.props.identity === undefined || app.props.identity === "linuxserver")
        expect(service?.environment).toMatchObject({ PUID: String(app.props.uid), PGID: "13000", UMASK: "002" });
    }
  });

  it("mounts the single /data tree by role (TRaSH layout)", () => {
    const volumes = (name: string) => composeProject(host).services[name]?.volumes ?? [];
    expect(volumes("sonarr")).toContain("/data:/data");
    expect(volumes("qbittorrent")).toContain("/data/torrents:/data/torrents");
    expect(volumes("plex")).toContain("/data/media:/data/media");
    expect(volumes("seerr").some((v) => v.includes("/data:"))).toBe(false);
  });

  it("pins every image to a version", () => {
    for (const service of Object.values(composeProject(host).services))
      expect(service.image).toMatch(/:[\w][\w.-]*(@sha256:[a-f0-9]{64})?$/);
  });

  it("keeps secret values out of the compose file and out of the environment: a file from a Compose secret read from .env", () => {
    const project = composeProject(host);
    const cloudflared = project.services.cloudflared;
    expect(cloudflared?.environment?.TUNNEL_TOKEN).toBeUndefined();
    // cloudflared's --token-file (env TUNNEL_TOKEN_FILE, cloudflare/cloudflared cmd/cloudflared/tunnel/subcommands.go).
    expect(cloudflared?.environment?.TUNNEL_TOKEN_FILE).toBe("/run/secrets/tunnel_token");
    expect(cloudflared?.secrets).toEqual([expect.objectContaining({ source: "tunnel_token" })]);
    expect(project.secrets?.tunnel_token).toEqual({ environment: "TUNNEL_TOKEN" });
  });

  it("a LinuxServer image reads its API key through FILE__<VAR> (docker-baseimage init-envfile)", () => {
    const sonarr = composeProject(host).services.sonarr;
    expect(sonarr?.environment?.SONARR__AUTH__APIKEY).toBeUndefined();
    expect(sonarr?.environment?.FILE__SONARR__AUTH__APIKEY).toBe("/run/secrets/sonarr_api_key");
    // Root's init reads it (uid 0), the app's group may: nobody else in the container.
    expect(sonarr?.secrets).toEqual([{ source: "sonarr_api_key", uid: "0", gid: String(host.gid), mode: 0o440 }]);
  });

  it("routes a path-restricted public hostname next to a private one for the same app", () => {
    const rules = ingressRules(json).filter((r) => r.service === "http://uptime-kuma:3001");
    expect(rules.map((r) => r.hostname).sort()).toEqual(["status.example.com", "uptime.example.com"]);
    expect(rules.find((r) => r.hostname === "status.example.com")?.path).toBeDefined();
  });
});
