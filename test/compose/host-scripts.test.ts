import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { sharedDirMode } from "../../compose/render/host/host-scripts";
import { appService } from "../../compose/render/project/app-service";
import { composeProject } from "../../compose/render/project/project";
import { type MachineProps, TUNNEL_BRIDGE } from "../../constructs/config/machine";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { Exposure } from "../../constructs/model/exposure";
import type { ServarrConfig } from "../../stacks/config";
import { exampleConfig, plus, synth, withHost } from "../support";

const jellyfin = { image: "jellyfin/jellyfin:10.11.3", port: 8096, uid: 13100, data: "media" as const };
const bundle = (config: ServarrConfig) => renderBundle(synth(config).host);
const file = (config: ServarrConfig, name: string) => bundle(config).get(name) ?? "";
const lines = (text: string) => new Set(text.split("\n"));
const added = (before: string, after: string) => [...lines(after)].filter((l) => !lines(before).has(l));
const withMachine = (machine: Partial<MachineProps>): ServarrConfig => ({
  ...exampleConfig,
  host: { ...exampleConfig.host, machine: { ...exampleConfig.host.machine, ...machine } },
});

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-setup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;
/**
 * The per-item steps setup.sh takes for a config: its own loop lines (compose/scripts/setup.sh) run by
 * bash over the bundle's bundle.env, with each step printing its call instead of acting.
 */
function setupSteps(config: ServarrConfig): string[] {
  const env = path.join(scratch, `bundle-${runs++}.env`);
  writeFileSync(env, file(config, "bundle.env"));
  const loops = readFileSync(path.resolve(__dirname, "../../compose/scripts/setup.sh"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("for ((i = 0;") || l.startsWith("ensure_group ") || l.startsWith("ensure_login_user "));
  const stubs = ["ensure_group", "ensure_app_user", "check_render_group", "ensure_login_user", "ensure_dir"].map(
    (f) => `${f}() { echo "${f} $*"; }`,
  );
  const res = spawnSync("bash", ["-c", ['. "$1"', ...stubs, ...loops].join("\n"), "steps", env], { encoding: "utf8" });
  expect(res.stderr).toBe("");
  return res.stdout.trim().split("\n");
}

describe("setup.sh follows the apps", () => {
  it("adding one app construct adds exactly its user and its config dir", () => {
    const before = setupSteps(exampleConfig).join("\n");
    const after = setupSteps(plus((host) => new ServarrApp(host, "jellyfin", jellyfin))).join("\n");
    expect(added(before, after).sort()).toEqual([
      "ensure_app_user jellyfin 13100 servarr",
      "ensure_dir /opt/servarr/config/jellyfin jellyfin servarr 750",
    ]);
  });

  it("creates a user for every uid compose.yaml runs a service as, and none for image-identity apps", () => {
    const { host } = synth();
    const steps = setupSteps(exampleConfig);
    for (const app of host.apps) {
      const service = appService(app);
      const uid = service.user?.split(":")[0] ?? service.environment?.PUID;
      const user = steps.filter((l) => l.startsWith(`ensure_app_user ${app.name} `));
      expect(user, app.name).toEqual(uid === undefined ? [] : [`ensure_app_user ${app.name} ${uid} servarr`]);
    }
    expect(steps).toContain("ensure_group servarr 13000");
    expect(steps).toContain("ensure_login_user owner servarr");
  });

  it("gives the /data tree the group and setgid mode the umask implies", () => {
    expect(sharedDirMode("002")).toBe("2775");
    expect(sharedDirMode("022")).toBe("2755");
    const steps = setupSteps(withMachine({ libraries: ["movies", "tv", "music"] }));
    for (const dir of ["/data", "/data/torrents/music", "/data/media/music", "/data/media/tv"])
      expect(steps).toContain(`ensure_dir ${dir} root servarr 2775`);
  });

  it("mounts the data disk by UUID with nofail and never starts the project without it", () => {
    expect(file(exampleConfig, "bundle.env")).toContain("fstab_line='UUID=0f3c2a1e-5b7d-4c89-9e21-3a4b5c6d7e8f /data ext4 defaults,nofail");
    expect(file(exampleConfig, "etc/systemd/system/servarr-compose.service")).toContain("RequiresMountsFor=/data /opt/servarr/config");
    expect(file(exampleConfig, "etc/apt/apt.conf.d/52servarr-unattended-upgrades")).toContain(
      'Unattended-Upgrade::Automatic-Reboot-Time "04:30";',
    );
  });

  it("installs every file of the bundle's etc/ tree at the same path under /etc", () => {
    const etc = [...bundle(exampleConfig).keys()].filter((n) => n.startsWith("etc/"));
    const setup = readFileSync(path.resolve(__dirname, "../../compose/scripts/setup.sh"), "utf8");
    const installed = [...setup.matchAll(/^install_etc "?(etc\/[^ "]+)"? \d+$/gm)].map((m) => m[1]?.replace("$deploy_user", "deploy"));
    expect(installed.sort()).toEqual(etc.sort());
  });
});

describe("firewall.nft follows the exposures", () => {
  it("allows a declared LAN port from the LAN only, on input and for Docker's DNAT", () => {
    const rules = file(
      plus((host) => new ServarrApp(host, "jellyfin", { ...jellyfin, exposure: Exposure.internal({ lanPort: 8096 }) })),
      "firewall.nft",
    );
    expect(rules).toContain('ip saddr 192.168.1.0/24 tcp dport 8096 accept comment "jellyfin LAN port"');
    expect(rules).toContain("ct status dnat ip saddr 192.168.1.0/24 meta l4proto tcp ct original proto-dst 8096 accept");
    expect(rules.indexOf("proto-dst 8096 accept")).toBeLessThan(rules.indexOf("ct status dnat drop"));
  });

  it("has no LAN port allow for an app without a LAN port", () => {
    const rules = file(exampleConfig, "firewall.nft");
    expect(rules.match(/proto-dst (\d+) accept/g)).toEqual(["proto-dst 32400 accept"]);
    expect(rules).toContain("policy drop;");
  });

  it('admits SSH from the LAN only when sshFrom is "lan"; the tunnel path stays', () => {
    expect(file(exampleConfig, "firewall.nft")).toContain("ip saddr 192.168.1.0/24 tcp dport 22 accept");
    const tunnelOnly = file(withMachine({ sshFrom: "tunnel" }), "firewall.nft");
    expect(tunnelOnly).not.toContain("ip saddr 192.168.1.0/24 tcp dport 22");
    expect(tunnelOnly).toContain(`iifname "${TUNNEL_BRIDGE}" tcp dport 22 accept`);
  });

  it("admits SSH from the tunnel connector's own bridge only, never from every Docker network", () => {
    const { host } = synth();
    const rules = renderBundle(host).get("firewall.nft") ?? "";
    const ssh = rules.split("\n").filter((l) => /dport 22 accept/.test(l));
    expect(ssh).toEqual([
      '    ip saddr 192.168.1.0/24 tcp dport 22 accept comment "ssh from the LAN"',
      `    iifname "${TUNNEL_BRIDGE}" tcp dport 22 accept comment "ssh through the tunnel: cloudflared's own network only"`,
    ]);
    // The bridge is the connector's egress network, and nobody else is on it.
    const compose = composeProject(host);
    const named = Object.entries(compose.networks ?? {}).filter(([, n]) => n.driver_opts !== undefined);
    expect(named).toEqual([["cloudflared-egress", { internal: false, driver_opts: { "com.docker.network.bridge.name": TUNNEL_BRIDGE } }]]);
    const members = Object.entries(compose.services).filter(([, s]) =>
      (s.networks as string[] | undefined)?.includes("cloudflared-egress"),
    );
    expect(members.map(([n]) => n)).toEqual(["cloudflared"]);
  });

  it("limits ICMP to related errors, rate-limited ping from the LAN and IPv6 neighbour discovery", () => {
    const rules = file(exampleConfig, "firewall.nft");
    const icmp = rules.split("\n").filter((l) => /icmp/.test(l) && !l.trim().startsWith("#"));
    expect(icmp).toEqual([
      '    ip saddr 192.168.1.0/24 icmp type echo-request limit rate 10/second accept comment "ping from the LAN"',
      '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept comment "IPv6 neighbour discovery"',
    ]);
  });
});

describe("deploy gate", () => {
  it("accepts only the variables the model declares, and holds no value", () => {
    const { host } = synth();
    const files = renderBundle(host);
    const env = path.join(scratch, "gate.env");
    writeFileSync(env, files.get("bundle.env") ?? "");
    const allowed = spawnSync("bash", ["-c", '. "$1"; printf "%s\\n" "${allowed[@]}"', "allowed", env], { encoding: "utf8" });
    expect(allowed.stdout.trim().split("\n")).toEqual(host.secrets.for("host").map((s) => s.name));
    expect(files.get("deploy-gate.sh")).toContain("merge-base --is-ancestor");
  });

  it("is the only sudo rule and the deploy user's forced command, run from outside the checkout", () => {
    expect(file(exampleConfig, "etc/sudoers.d/servarr-deploy")).toContain(
      "deploy ALL=(root) NOPASSWD: /usr/local/lib/servarr/servarr/deploy-gate.sh\n",
    );
    const sshd = file(exampleConfig, "etc/ssh/sshd_config.d/10-servarr.conf");
    expect(sshd).toContain('ForceCommand /usr/bin/sudo -n /usr/local/lib/servarr/servarr/deploy-gate.sh "$SSH_ORIGINAL_COMMAND"');
    expect(sshd).not.toContain(`-n ${exampleConfig.host.machine.checkoutDir}`);
    expect(sshd).toContain("AllowUsers owner deploy");
  });
});

describe("machine settings are validated at synth", () => {
  const path = /\[servarr\/servarr\]/;
  const machine = exampleConfig.host.machine;
  const rules: Array<[string, ServarrConfig, RegExp]> = [
    [
      "missing data disk UUID",
      withMachine({ dataDisk: { ...machine.dataDisk, uuid: "" } }),
      /machine.dataDisk.uuid: "" is not allowed; allowed: the data disk's file system UUID/,
    ],
    [
      "invalid data disk UUID",
      withMachine({ dataDisk: { ...machine.dataDisk, uuid: "/dev/sdb1" } }),
      /machine.dataDisk.uuid: "\/dev\/sdb1" is not allowed; allowed: the data disk's file system UUID in lower-case RFC 4122 form/,
    ],
    [
      "no machine at all",
      withHost({ machine: undefined as unknown as MachineProps }),
      /machine: \(unset\) is not allowed; allowed: the machine settings/,
    ],
    [
      "LAN CIDR",
      withMachine({ lanCidr: "192.168.1.0" }),
      /machine.lanCidr: "192.168.1.0" is not allowed; allowed: an IPv4 network in CIDR form/,
    ],
    [
      "LAN address outside the LAN",
      withHost({ lanAddress: "10.0.0.5" }),
      /lanAddress: "10.0.0.5" is not allowed; allowed: an address inside machine.lanCidr \(192.168.1.0\/24\)/,
    ],
    [
      "dataRoot off the data disk",
      withHost({ dataRoot: "/srv/data" }),
      /dataRoot: "\/srv\/data" is not allowed; allowed: a directory on the data disk \(\/data or below it\)/,
    ],
    [
      "no owner key",
      withMachine({ ownerKeys: [] }),
      /machine.ownerKeys: \[\] is not allowed; allowed: at least one SSH public key for the owner/,
    ],
    [
      "private key pasted as a key",
      withMachine({ deployKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"] }),
      /machine.deployKeys\[0\]: .* allowed: an OpenSSH public key line/,
    ],
    ["root as owner", withMachine({ ownerUser: "root" }), /machine.ownerUser: "root" is not allowed/],
    [
      "deploy user equal to the owner",
      withMachine({ deployUser: "owner" }),
      /machine.deployUser: "owner" is not allowed; allowed: a unix user name other than root and the owner/,
    ],
    ["reboot time", withMachine({ rebootTime: "4am" }), /machine.rebootTime: "4am" is not allowed; allowed: a local time "HH:MM"/],
    ["ssh mode", withMachine({ sshFrom: "internet" as "lan" }), /machine.sshFrom: "internet" is not allowed; allowed: "lan" or "tunnel"/],
  ];
  for (const [name, config, message] of rules) {
    it(`rejects ${name}`, () => {
      expect(() => synth(config)).toThrow(message);
      expect(() => synth(config)).toThrow(path);
    });
  }

  it("rejects a LAN port on a VPN app before any firewall rule exists for it", () => {
    const config = plus(
      (host) => new ServarrApp(host, "jellyfin", { ...jellyfin, vpn: true, exposure: Exposure.private({ lanPort: 8096 }) }),
    );
    expect(() => synth(config)).toThrow(
      /\[servarr\/servarr\/jellyfin\] exposure.lanPort: 8096 is not allowed; allowed: no LAN port on a VPN-routed app/,
    );
  });
});
