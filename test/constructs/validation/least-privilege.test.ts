import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import * as catalog from "../../../constructs/catalog";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../../constructs/model/app-props";
import type { Risk } from "../../../constructs/model/app-traits";
import { Exposure } from "../../../constructs/model/exposure";
import { IMAGES } from "../../../constructs/model/images";
import { Role } from "../../../constructs/model/roles";
import type { ServarrConfig } from "../../../stacks/config";
import { exceptionSummary } from "../../../stacks/summary";
import { exampleConfig, plus, synth, withApps } from "../../support";

const custom = (props: Partial<ServarrAppProps>) =>
  plus((host) => new ServarrApp(host, "custom", { image: "x/app:1.0.0", port: 8000, uid: 13300, ...props }));

/**
 * Each dangerous request: refused with the field, the value and the way out, and accepted with a
 * named reason, which the summary lists. One row per rule (constructs/validation/least-privilege.ts).
 */
const RULES: ReadonlyArray<[Risk, ServarrConfig, RegExp]> = [
  ["privileged", custom({ privileged: true }), /\[servarr\/servarr\/custom\] privileged: "privileged: true" is not allowed/],
  ["docker-socket", custom({ mounts: ["/var/run/docker.sock:/var/run/docker.sock"] }), /custom\] mounts: "\/var\/run\/docker.sock:/],
  // A parent directory of the socket is the socket too.
  ["docker-socket", custom({ mounts: ["/run:/host-run:ro"] }), /custom\] mounts: "\/run:\/host-run:ro" is not allowed/],
  ["host-path", custom({ mounts: ["/etc:/host-etc:ro"] }), /custom\] mounts: "\/etc:\/host-etc:ro" is not allowed/],
  ["host-network", custom({ hostNetwork: true }), /custom\] hostNetwork: "hostNetwork: true" is not allowed/],
  ["host-pid", custom({ hostPid: true }), /custom\] hostPid: "hostPid: true" is not allowed/],
  [
    "capability",
    custom({ capAdd: ["SYS_ADMIN"] }),
    /custom\] capAdd: "SYS_ADMIN" is not allowed; allowed: nothing of the kind, or a reason/,
  ],
  ["device", custom({ devices: ["/dev/sda:/dev/sda"] }), /custom\] devices: "\/dev\/sda:\/dev\/sda" is not allowed/],
  ["environment-override", custom({ environment: { PUID: "0" } }), /custom\] environment: "PUID" is not allowed/],
  [
    "environment-override",
    withApps((host) => catalog.gluetun(host, { provider: "mullvad", environment: { VPN_SERVICE_PROVIDER: "mullvad", FIREWALL: "off" } })),
    /gluetun\] environment: "FIREWALL" is not allowed/,
  ],
  [
    "access-bypass",
    withApps((host) => catalog.cloudflared(host, { command: ["tunnel", "--url", "http://sonarr:8989"] })),
    /cloudflared\] command: "--url" is not allowed/,
  ],
  ["host-role", custom({ role: Role.monitor() }), /custom\] role: "role monitor on x\/app" is not allowed/],
  ["host-role", custom({ role: Role.backup() }), /custom\] role: "role backup on x\/app" is not allowed/],
  [
    "public-admin",
    withApps((host) => catalog.prowlarr(host, { exposure: Exposure.public() })),
    /prowlarr\] exposure: "Exposure.public\(\)" is not allowed/,
  ],
  [
    "public-admin",
    withApps((host) => catalog.qbittorrent(host, { exposure: Exposure.public({ subdomain: "torrent" }) })),
    /qbittorrent\] exposure: "Exposure.public\(\)" is not allowed/,
  ],
  [
    "every-interface",
    {
      ...plus((host) => catalog.sabnzbd(host, { exposure: Exposure.internal({ lanPort: 8085 }) })),
      host: { ...exampleConfig.host, lanAddress: undefined },
    },
    /sabnzbd.exposure.lanPort: 8085 is not allowed; allowed: a port on the host's lanAddress only/,
  ],
];

describe("least privilege: dangerous requests need a named reason", () => {
  it.each(RULES)("%s is refused without a reason", (_risk, config, message) => {
    expect(() => synth(config)).toThrow(message);
  });

  it.each(RULES)("the error names the reasons key (%s)", (risk, config) => {
    expect(() => synth(config)).toThrow(
      risk === "every-interface" ? /"every-interface": "why"/ : new RegExp(`reasons: \\{ "${risk}": "why" \\}`),
    );
  });

  it("with a named reason it synthesizes, renders what was asked and the summary lists the reason", () => {
    const { host } = synth(
      custom({
        privileged: true,
        hostPid: true,
        mounts: ["/var/run/docker.sock:/var/run/docker.sock:ro"],
        reasons: { privileged: "hardware watchdog", "host-pid": "process accounting", "docker-socket": "container stats" },
      }),
    );
    const service = composeProject(host).services.custom;
    expect(service?.privileged).toBe(true);
    expect(service?.pid).toBe("host");
    expect(service?.volumes).toContain("/var/run/docker.sock:/var/run/docker.sock:ro");
    const summary = exceptionSummary(host).join("\n");
    expect(summary).toMatch(/custom: privileged: hardware watchdog/);
    expect(summary).toMatch(/custom: host-pid: process accounting/);
    expect(summary).toMatch(/custom: docker-socket: container stats/);
  });

  it("a public admin app with the owner's reason, listed; the catalog's own reasons too", () => {
    const { host } = synth(exampleConfig);
    expect(exceptionSummary(host).join("\n")).toMatch(/gluetun: capability: NET_ADMIN/);
    const demo = synth(
      plus((h) => catalog.sabnzbd(h, { exposure: Exposure.public({ subdomain: "nzb" }), reasons: { "public-admin": "demo box" } })),
    );
    expect(exceptionSummary(demo.host).join("\n")).toMatch(/sabnzbd: public-admin: demo box/);
  });

  it("a status page restricted to a path is not an admin UI made public", () => {
    expect(() => synth(exampleConfig)).not.toThrow();
  });

  it("a reason for something the app does not ask for is refused (the summary stays true)", () => {
    expect(() => synth(custom({ reasons: { privileged: "just in case" } }))).toThrow(
      /custom\] reasons.privileged: "just in case" is not allowed; allowed: unset: the app asks for no privileged/,
    );
  });

  it("the catalog's role images are not a custom app", () => {
    expect(() => synth(custom({ image: IMAGES["uptime-kuma"], role: Role.monitor() }))).toThrow(
      /image: ".*" is not allowed; allowed: an image the catalog has no preset for: louislam\/uptime-kuma is the catalog's uptime-kuma; .*catalog.uptimeKuma\(host, \{ name: "custom", … \}\)/,
    );
  });

  it("bad limits and capability names", () => {
    expect(() => synth(custom({ limits: { memory: "lots" } }))).toThrow(
      /limits.memory: "lots" is not allowed; allowed: a size such as "512m"/,
    );
    expect(() => synth(custom({ limits: { pids: 4 } }))).toThrow(/limits.pids: 4 is not allowed; allowed: an integer from 16/);
    expect(() => synth(custom({ capAdd: ["net admin"] }))).toThrow(/capAdd: "net admin" is not allowed; allowed: a capability name/);
  });
});

describe("least privilege: host-wide rules", () => {
  it.each([
    ["configRoot", "/etc/servarr"],
    ["configRoot", "/var/run/servarr"],
    ["dataRoot", "/proc/data"],
    ["dataRoot", "/"],
    ["configRoot", "/usr/local/servarr"],
  ] as const)("%s under a system path (%s) is refused", (field, dir) => {
    expect(() => synth({ ...exampleConfig, host: { ...exampleConfig.host, [field]: dir } })).toThrow(
      new RegExp(`${field}: "${dir.replaceAll("/", "\\/")}" is not allowed; allowed: a directory of its own, not / or under a system path`),
    );
  });

  it("a service token other than the monitor's admitted on every private app is refused without a reason, listed with one", () => {
    const tokens = { ...exampleConfig.host.serviceTokens, "home-assistant": { everyPrivateApp: true } };
    expect(() => synth({ ...exampleConfig, host: { ...exampleConfig.host, serviceTokens: tokens } })).toThrow(
      /serviceTokens.home-assistant.everyPrivateApp: true is not allowed; allowed: unset: only "uptime-monitor"/,
    );
    const reasoned = { ...tokens, "home-assistant": { everyPrivateApp: true, everyPrivateAppReason: "dashboard health tiles" } };
    const { host } = synth({ ...exampleConfig, host: { ...exampleConfig.host, serviceTokens: reasoned } });
    expect(exceptionSummary(host).join("\n")).toMatch(/service token home-assistant: every private app: dashboard health tiles/);
  });
});

describe("least privilege: what every service gets", () => {
  it("per-preset limits, overridable per app field by field", () => {
    const { host } = synth(
      withApps((h) => {
        catalog.plex(h, { limits: { memory: "8g" } });
        catalog.sonarr(h);
      }),
    );
    const services = composeProject(host).services;
    expect(services.plex).toMatchObject({ mem_limit: "8g", pids_limit: 2048 });
    expect(services.sonarr).toMatchObject({ mem_limit: "1g", pids_limit: 512 });
  });

  it("a custom app gets the default limits, every capability dropped and none added", () => {
    const { host } = synth(custom({}));
    const service = composeProject(host).services.custom;
    expect(service).toMatchObject({ security_opt: ["no-new-privileges:true"], cap_drop: ["ALL"], mem_limit: "1g", pids_limit: 512 });
    expect(service?.cap_add).toBeUndefined();
  });

  it("cloudflared runs with no capability and its token as a file", () => {
    const { host } = synth(exampleConfig);
    const service = composeProject(host).services.cloudflared;
    expect(service).toMatchObject({ cap_drop: ["ALL"], environment: { TUNNEL_TOKEN_FILE: "/run/secrets/tunnel_token" } });
    expect(service?.cap_add).toBeUndefined();
    // Compose refuses an environment-sourced secret in a read-only service (docker/compose pkg/compose/secrets.go).
    expect(service?.read_only).toBeUndefined();
  });
});
