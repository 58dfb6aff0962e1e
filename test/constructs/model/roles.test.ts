import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import * as catalog from "../../../constructs/catalog";
import { DEFAULT_BACKUP_POLICY } from "../../../constructs/config/backup-policy";
import { Exposure } from "../../../constructs/model/exposure";
import { Role } from "../../../constructs/model/roles";
import { type BackupJob, backupJobs, serverWaitsFor } from "../../../constructs/runtime/backups";
import { exampleConfig, synth, withApps } from "../../support";

/** A VPN host: gluetun with the given extra options, one VPN-routed app with a health path, the tunnel. */
const vpnHost = (options: Partial<catalog.GluetunOptions>) =>
  synth(
    withApps((host) => {
      catalog.gluetun(host, { provider: "mullvad", forwardedPort: 51820, ...options });
      catalog.sonarr(host, { vpn: true, exposure: Exposure.private() });
      catalog.cloudflared(host);
    }),
  ).host;

describe("preset options merge deeply: the config adds, never drops the preset's own", () => {
  it("gluetun with extra environment keeps HEALTH_SERVER_ADDRESS, and the namespace probe still answers there", () => {
    const host = vpnHost({ environment: { SERVER_COUNTRIES: "Netherlands" } });
    const services = composeProject(host).services;
    const env = services.gluetun?.environment ?? {};
    expect(env).toMatchObject({ SERVER_COUNTRIES: "Netherlands", VPN_TYPE: "wireguard", HTTP_CONTROL_SERVER_ADDRESS: ":8000" });
    const probe = host.appWithRole("vpn-gateway")?.role.namespaceProbe ?? "";
    // The probe every VPN-routed app runs is the address gluetun's health server listens on: one fact.
    expect(probe).toBe(`http://${env.HEALTH_SERVER_ADDRESS}`);
    expect(JSON.stringify(services.sonarr?.healthcheck?.test)).toContain(probe);
  });

  it("gluetun with extra devices, mounts and reasons keeps the tun device and its NET_ADMIN reason", () => {
    const host = vpnHost({
      mounts: ["/opt/vpn/extra:/extra:ro"],
      devices: ["/dev/ttyUSB0:/dev/ttyUSB0"],
      reasons: { device: "a USB modem as a fallback uplink" },
    });
    const gluetun = host.app("gluetun");
    expect(gluetun?.props.devices).toEqual(["/dev/net/tun:/dev/net/tun", "/dev/ttyUSB0:/dev/ttyUSB0"]);
    expect(gluetun?.props.reasons).toMatchObject({ capability: expect.stringMatching(/NET_ADMIN/), device: expect.any(String) });
    expect(composeProject(host).services.gluetun?.volumes).toEqual(["/opt/servarr/config/gluetun:/gluetun", "/opt/vpn/extra:/extra:ro"]);
  });

  it("a key the config names replaces the preset's value for that key only (the explicit override)", () => {
    const env = composeProject(vpnHost({ environment: { VPN_TYPE: "openvpn" } })).services.gluetun?.environment;
    expect(env).toMatchObject({ VPN_TYPE: "openvpn", HEALTH_SERVER_ADDRESS: "127.0.0.1:9999", VPN_SERVICE_PROVIDER: "mullvad" });
  });

  it("recyclarr with extra environment keeps its schedule and its generated recyclarr.yml", () => {
    const { host } = synth(
      withApps((h) => {
        catalog.sonarr(h, {});
        catalog.recyclarr(h, { schedule: "@weekly", environment: { RECYCLARR_LOG_LEVEL: "debug" } });
      }),
    );
    const service = composeProject(host).services.recyclarr;
    expect(service?.environment).toMatchObject({
      CRON_SCHEDULE: "@weekly",
      RECYCLARR_CREATE_CONFIG: "false",
      RECYCLARR_LOG_LEVEL: "debug",
    });
    expect(service?.environment?.SONARR_API_KEY).toMatch(/^\$\{SONARR_API_KEY:\?/);
    expect(service?.configs).toEqual([{ source: "recyclarr-file-1", target: "/config/recyclarr.yml" }]);
  });

  it("qbittorrent with extra environment and talksTo keeps its web UI port and its kinds' peers", () => {
    const { host } = synth(
      withApps((h) => {
        catalog.prowlarr(h, {});
        catalog.sonarr(h, {});
        catalog.qbittorrent(h, { environment: { TZ_EXTRA: "1" }, talksTo: ["sonarr"], kinds: ["download-client"] });
      }),
    );
    const qbittorrent = host.app("qbittorrent");
    expect(composeProject(host).services.qbittorrent?.environment).toMatchObject({ WEBUI_PORT: "8080", TZ_EXTRA: "1" });
    expect(qbittorrent?.props.kinds).toEqual(["download-client"]);
    expect(qbittorrent?.props.talksTo).toEqual(["sonarr"]);
  });
});

describe("roles: typed factories, resolved once", () => {
  it("Host.appWithRole hands out the typed role data of each role", () => {
    const { host } = synth(exampleConfig);
    expect(host.appWithRole("vpn-gateway")?.role).toEqual({
      kind: "vpn-gateway",
      forwardedPort: 47123,
      namespaceProbe: "http://127.0.0.1:9999",
    });
    expect(host.appWithRole("backup")?.role.policy.snapshotTimes).toEqual(["03:30"]);
    expect(host.appWithRole("tunnel-connector")?.name).toBe("cloudflared");
    expect(host.appWithRole("monitor")?.name).toBe("uptime-kuma");
  });

  it("kopia's backupPolicy option is the backup role's policy, unset fields the defaults'", () => {
    const { host } = synth(withApps((h) => catalog.kopia(h, { backupPolicy: { retention: { daily: 3 } } })));
    expect(host.appWithRole("backup")?.role.policy).toEqual({
      snapshotTimes: DEFAULT_BACKUP_POLICY.snapshotTimes,
      retention: { ...DEFAULT_BACKUP_POLICY.retention, daily: 3 },
    });
    expect(Role.backup({}).policy).toEqual(DEFAULT_BACKUP_POLICY);
  });
});

describe("Kopia's jobs: written once, the server's depends_on derived", () => {
  const job = (name: string, extra: Partial<BackupJob> = {}): BackupJob => ({ job: name, service: `k-${name}`, command: [], ...extra });

  it("the server waits for the jobs of every `up` that no other such job waits for", () => {
    expect(serverWaitsFor([job("a"), job("b", { after: ["a"] }), job("c", { profile: "init" })]).map((j) => j.job)).toEqual(["b"]);
    expect(serverWaitsFor([job("a"), job("b")]).map((j) => j.job)).toEqual(["a", "b"]);
  });

  it("every job of the model is a compose service, in the network plan, and the server waits as the model says", () => {
    const { host } = synth(exampleConfig);
    const kopia = host.appWithRole("backup");
    if (!kopia) throw new Error("the example has a backup app");
    const jobs = backupJobs(host, kopia);
    const services = composeProject(host).services;
    const plan = host.networkPlan();
    for (const j of jobs) {
      expect(services[j.service]?.command).toEqual(j.command);
      expect(plan.networksOf(j.service).length, j.service).toBeGreaterThan(0);
      expect(Object.keys(services[j.service]?.depends_on ?? {})).toEqual((j.after ?? []).map((a) => `${kopia.name}-${a}`));
    }
    expect(Object.keys(services[kopia.name]?.depends_on ?? {})).toEqual(
      serverWaitsFor(jobs)
        .map((j) => j.service)
        .sort(),
    );
  });
});
