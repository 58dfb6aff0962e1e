import { describe, expect, it } from "vitest";
import { appService } from "../../compose/app-service";
import { renderBundle } from "../../compose/bundle";
import { sharedDirMode } from "../../compose/host-scripts";
import { composeProject } from "../../compose/project";
import { Exposure } from "../../constructs/exposure";
import { type MachineProps, TUNNEL_BRIDGE } from "../../constructs/host-machine";
import { ServarrApp } from "../../constructs/servarr-app";
import type { ServarrConfig } from "../../stacks/config";
import { exampleConfig, plus, synth } from "../support";

const jellyfin = { image: "lscr.io/linuxserver/jellyfin:10.11.3", port: 8096, uid: 13100, data: "media" as const };
const bundle = (config: ServarrConfig) => renderBundle(synth(config).host);
const file = (config: ServarrConfig, name: string) => bundle(config).get(name) ?? "";
const lines = (text: string) => new Set(text.split("\n"));
const added = (before: string, after: string) => [...lines(after)].filter((l) => !lines(before).has(l));
const withMachine = (machine: Partial<MachineProps>): ServarrConfig => ({
  ...exampleConfig,
  host: { ...exampleConfig.host, machine: { ...exampleConfig.host.machine, ...machine } },
});
const withHost = (host: Partial<ServarrConfig["host"]>): ServarrConfig => ({ ...exampleConfig, host: { ...exampleConfig.host, ...host } });

describe("setup.sh follows the apps", () => {
  it("adding one app construct adds exactly its user and its config dir", () => {
    const before = file(exampleConfig, "setup.sh");
    const after = file(
      plus((host) => new ServarrApp(host, "jellyfin", jellyfin)),
      "setup.sh",
    );
    expect(added(before, after).sort()).toEqual([
      "ensure_app_user 'jellyfin' 13100 'servarr'",
      "ensure_dir '/opt/servarr/config/jellyfin' 'jellyfin' 'servarr' 750",
    ]);
  });

  it("creates a user for every uid compose.yaml runs a service as, and none for image-identity apps", () => {
    const { host } = synth();
    const setup = renderBundle(host).get("setup.sh") ?? "";
    for (const app of host.apps) {
      const service = appService(app);
      const uid = service.user?.split(":")[0] ?? service.environment?.PUID;
      if (uid === undefined) expect(setup).not.toContain(`ensure_app_user '${app.name}'`);
      else expect(setup).toContain(`ensure_app_user '${app.name}' ${uid} 'servarr'`);
    }
  });

  it("gives the /data tree the group and setgid mode the umask implies", () => {
    expect(sharedDirMode("002")).toBe("2775");
    expect(sharedDirMode("022")).toBe("2755");
    const setup = file(withMachine({ libraries: ["movies", "tv", "music"] }), "setup.sh");
    for (const dir of ["/data", "/data/torrents/music", "/data/media/music", "/data/media/tv"])
      expect(setup).toContain(`ensure_dir '${dir}' 'root' 'servarr' 2775`);
  });

  it("mounts the data disk by UUID with nofail and never starts the project without it", () => {
    const setup = file(exampleConfig, "setup.sh");
    expect(setup).toContain("UUID=0f3c2a1e-5b7d-4c89-9e21-3a4b5c6d7e8f /data ext4 defaults,nofail");
    expect(setup).toContain("RequiresMountsFor=/data /opt/servarr/config");
    expect(setup).toContain('Unattended-Upgrade::Automatic-Reboot-Time "04:30";');
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
    const gate = renderBundle(host).get("deploy-gate.sh") ?? "";
    const allowed = /^allowed=\((.*)\)$/m.exec(gate)?.[1];
    expect(allowed).toBe(
      host.secrets
        .for("host")
        .map((s) => `'${s.name}'`)
        .join(" "),
    );
    expect(gate).toContain("merge-base --is-ancestor");
  });

  it("is the only sudo rule and the deploy user's forced command", () => {
    const setup = file(exampleConfig, "setup.sh");
    expect(setup).toContain("deploy ALL=(root) NOPASSWD: /opt/servarr/repo/compose/servarr/deploy-gate.sh\n");
    expect(setup).toContain('ForceCommand /usr/bin/sudo -n /opt/servarr/repo/compose/servarr/deploy-gate.sh "$SSH_ORIGINAL_COMMAND"');
    expect(setup).toContain("AllowUsers owner deploy");
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
