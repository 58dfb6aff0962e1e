import { describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { composeProject } from "../../compose/render/project/project";
import * as catalog from "../../constructs/catalog";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { appUrl } from "../../constructs/model/app-url";
import { Exposure } from "../../constructs/model/exposure";
import type { MoreHostConfig, ServarrConfig } from "../../stacks/config";
import { config as twoHosts } from "../fixtures/two-hosts";
import { synth } from "../support";

/** The two-host example with the NAS (or its apps, or the media box's apps) changed. */
const nas = twoHosts.hosts?.nas as MoreHostConfig;
const withNas = (change: Partial<MoreHostConfig>, base: ServarrConfig = twoHosts): ServarrConfig => ({
  ...base,
  hosts: { nas: { ...nas, ...change } },
});
const withBoxApps = (apps: ServarrConfig["apps"]): ServarrConfig => ({ ...twoHosts, apps });

describe("several hosts: each bad declaration stops synth with path, field, value and what is allowed", () => {
  it.each<[string, ServarrConfig, RegExp]>([
    [
      "host name not a DNS label",
      { ...twoHosts, hosts: { NAS_1: nas } },
      /\[servarr\] hosts.NAS_1: "NAS_1" is not allowed; allowed: a host name that is a lower-case DNS label/,
    ],
    [
      "host name of the first host",
      { ...twoHosts, hosts: { mediabox: nas } },
      /hosts.mediabox: "mediabox" is not allowed; allowed: a name other than the first host's/,
    ],
    ["no LAN address", withNas({ lanAddress: undefined as unknown as string }), /hosts.nas.lanAddress: \(unset\) is not allowed/],
    [
      "first host without a LAN address",
      { ...twoHosts, host: { ...twoHosts.host, lanAddress: undefined } },
      /host.lanAddress: \(unset\) is not allowed; allowed: the first host's IPv4 LAN address/,
    ],
    [
      "a hostname another host routes",
      withNas({
        apps: (h) => {
          catalog.jellyfin(h, { exposure: Exposure.public({ subdomain: "requests" }) });
          catalog.cloudflared(h);
        },
      }),
      /servarr\/nas: jellyfin.hostname: "requests.example.net" is not allowed; allowed: a hostname no other host uses \(host mediabox routes it already/,
    ],
    [
      "an SSH hostname another host routes",
      withNas({ ssh: { subdomain: "ssh" } }),
      /servarr\/nas: ssh.subdomain: "ssh.example.net" is not allowed; allowed: a hostname no other host uses/,
    ],
    [
      "a further host without a tunnel connector (its deploy goes through its tunnel)",
      withNas({ apps: (h) => void catalog.jellyfin(h) }),
      /\[servarr\/nas\] apps: "\(no tunnel connector\)" is not allowed; allowed: an app with role "tunnel-connector" \(cloudflared\): the deploy reaches the host over SSH through its tunnel \(ssh-nas.example.net\)/,
    ],
    [
      "the first host's bucket",
      withNas({ backupBucket: { name: "homelab-mediabox-backups" } }),
      /servarr\/nas: backupBucket.name: "homelab-mediabox-backups" is not allowed; allowed: a bucket name of its own/,
    ],
    [
      "the first host's LAN address",
      withNas({ lanAddress: "192.168.1.10" }),
      /servarr\/nas: lanAddress: "192.168.1.10" is not allowed; allowed: an address of this machine \(host mediabox has it already\)/,
    ],
  ])("%s", (_, config, message) => {
    expect(() => synth(config)).toThrow(message);
  });
});

describe("cross-host relations: what is refused", () => {
  const box = (talksTo: string[], vpn = false) =>
    withBoxApps((h) => {
      twoHosts.apps(h);
      catalog.bazarr(h, { vpn, exposure: Exposure.private(), talksTo });
    });

  it.each<[string, ServarrConfig, RegExp]>([
    [
      "an unknown host",
      box(["nsa/jellyfin"]),
      /bazarr.talksTo: "nsa\/jellyfin" is not allowed; allowed: <host>\/<app> naming another host of this config \(nas\)/,
    ],
    [
      "its own host by name",
      box(["mediabox/seerr"]),
      /bazarr.talksTo: "mediabox\/seerr" is not allowed; allowed: <host>\/<app> naming another host/,
    ],
    [
      "an app the host lacks",
      box(["nas/plex"]),
      /bazarr.talksTo: "nas\/plex" is not allowed; allowed: an app with a port on host nas: jellyfin, kopia/,
    ],
    [
      "a VPN-routed target",
      withNas(
        {
          apps: (h) => {
            nas.apps(h);
            catalog.gluetun(h, { provider: "mullvad" });
            catalog.sonarr(h, { vpn: true, exposure: Exposure.private({ subdomain: "nas-sonarr" }) });
          },
        },
        withBoxApps((h) => {
          twoHosts.apps(h);
          catalog.bazarr(h, { exposure: Exposure.private(), talksTo: ["nas/sonarr"] });
        }),
      ),
      /bazarr.talksTo: "nas\/sonarr" is not allowed; allowed: an app that is not VPN-routed: sonarr lives in nas's VPN gateway namespace/,
    ],
    [
      "another host's app without its host",
      box(["jellyfin"]),
      /bazarr.talksTo: "jellyfin" is not allowed; allowed: one of the host's apps: .*, or "nas\/jellyfin" \(on host nas\)/,
    ],
    ["a malformed peer", box(["a/b/c"]), /talksTo\[0\]: "a\/b\/c" is not allowed; allowed: an app name, or <host>\/<app>/],
  ])("%s", (_, config, message) => {
    expect(() => synth(config)).toThrow(message);
  });

  it("a published port that collides with a LAN port of the target host", () => {
    const config = withNas({
      apps: (h) => {
        catalog.jellyfin(h, { exposure: Exposure.public({ subdomain: "watch" }) });
        new ServarrApp(h, "web", {
          image: "nginx:1.27.3",
          port: 8080,
          uid: 13090,
          exposure: Exposure.public({ lanPort: 8096 }),
          reasons: {},
        });
        catalog.cloudflared(h);
      },
    });
    expect(() => synth(config)).toThrow(
      /jellyfin.port: 8096 is not allowed; allowed: a port free on nas's LAN address: mediabox\/seerr reach jellyfin there, and web publishes 8096 already/,
    );
  });

  it("appUrl of another host's app needs the relation in talksTo", () => {
    const config = withBoxApps((h) => {
      twoHosts.apps(h);
      new ServarrApp(h, "homepage", {
        image: "ghcr.io/gethomepage/homepage:v1.0.0",
        port: 3000,
        uid: 13091,
        environment: { JF: appUrl("nas/jellyfin") },
      });
    });
    expect(() => synth(config)).toThrow(
      /homepage.environment.JF: "appUrl\(\\"nas\/jellyfin\\"\)" is not allowed; allowed: an app on another host that homepage declares in talksTo/,
    );
  });

  it("appUrl of another host's app resolves to its host's LAN address and published port", () => {
    const config = withBoxApps((h) => {
      twoHosts.apps(h);
      new ServarrApp(h, "homepage", {
        image: "ghcr.io/gethomepage/homepage:v1.0.0",
        port: 3000,
        uid: 13091,
        talksTo: ["nas/jellyfin"],
        environment: { JF: appUrl("nas/jellyfin", "/web") },
      });
    });
    const { stack } = synth(config);
    expect(composeProject(stack.host).services.homepage?.environment?.JF).toBe("http://192.168.1.20:8096/web");
  });
});

describe("a VPN-routed client of another host's app", () => {
  const config = withBoxApps((h) => {
    twoHosts.apps(h);
    catalog.bazarr(h, { vpn: true, exposure: Exposure.private(), talksTo: ["nas/jellyfin"] });
  });
  const { stack } = synth(config);
  const project = composeProject(stack.host);
  const firewall = (host: (typeof stack.hosts)[number]) => renderBundle(host).get("firewall.nft") ?? "";

  it("leaves through its gateway, whose kill switch lets exactly the peer out besides the VPN", () => {
    expect(project.services.gluetun?.environment?.FIREWALL_OUTBOUND_SUBNETS).toBe("192.168.1.20/32");
    expect(project.services.bazarr?.network_mode).toBe("service:gluetun");
    expect(firewall(stack.host)).not.toMatch(/lan-bazarr/);
  });

  it("the gateway's egress network gets the fixed bridge the media box's firewall admits to the peer port, before the LAN drop", () => {
    expect(project.networks?.["gluetun-egress"]).toEqual({
      internal: false,
      driver_opts: { "com.docker.network.bridge.name": "lan-gluetun" },
    });
    const lines = firewall(stack.host).split("\n");
    const accept = lines.indexOf('    iifname "lan-gluetun" ip daddr 192.168.1.20 tcp dport 8096 accept comment "bazarr to nas/jellyfin"');
    expect(accept).toBeGreaterThan(0);
    expect(lines.findIndex((l) => l.startsWith('    iifname "lan-*"') && l.includes(" drop "))).toBeGreaterThan(accept);
  });

  it("is admitted on the NAS from the media box's address, on the target's port only", () => {
    expect(firewall(stack.hosts[1] as (typeof stack.hosts)[number])).toContain(
      'ip saddr 192.168.1.10 tcp dport 8096 accept comment "jellyfin for mediabox/bazarr mediabox/seerr"',
    );
  });
});
