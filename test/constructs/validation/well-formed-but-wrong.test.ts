import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import { IMAGES } from "../../../constructs/model/images";
import { Role } from "../../../constructs/model/roles";
import { GLUETUN_WIREGUARD_PROVIDERS, vpnProviderProblem } from "../../../constructs/validation/gluetun-providers";
import { isExampleDomain, PLACEHOLDER_DISKS, PLACEHOLDER_IDS, PLACEHOLDER_KEYS } from "../../../constructs/validation/placeholders";
import { DEBIAN_TIME_ZONES, timeZoneOnDebian } from "../../../constructs/validation/time-zones";
import { config as twoHostsExample } from "../../../examples/two-hosts.config";
import type { ServarrConfig } from "../../../stacks/config";
import { exampleConfig, synth, withApps, withHost } from "../../support";

/**
 * Values with the right type and format that are still wrong for the box, the VPN or the owner:
 * synth refuses each one, naming the construct path, the field, the value and what is allowed.
 */

/** The full fixture, moved to a real domain with its own Cloudflare ids and owner. */
const real = (host: Partial<ServarrConfig["host"]> = {}): ServarrConfig =>
  withHost({
    domain: "jane-media.net",
    owners: ["jane@jane-media.net"],
    cloudflare: {
      ...exampleConfig.host.cloudflare,
      accountId: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
      zoneId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    },
    ...host,
  });
const ownKeys = {
  ...exampleConfig.host.machine,
  ownerKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0bT3xvN1pG1Qx7Yc5pRkX0m8W2fJ3sL9dE4hU6aZb jane@laptop"],
  deployKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb8sK2nV7qR4tW1yX6zA3cD5eF9gJ0kL2mN4pQ8rS6u media-deploy"],
  dataDisk: { uuid: "3e9a1c7b-2d4f-4a6b-8c1e-5f7a9b2d4c6e", mountPoint: "/data", fsType: "ext4" as const },
};

describe("time zones that exist on a Debian host", () => {
  it('refuses "CST", which Node\'s ICU accepts but no Debian host has a file for', () => {
    expect(() => new Intl.DateTimeFormat("en-US", { timeZone: "CST" })).not.toThrow();
    expect(() => synth(withHost({ timezone: "CST" }))).toThrow(
      /\[servarr\/servarr\] timezone: "CST" is not allowed; allowed: a tz database zone a Debian host has \(\/usr\/share\/zoneinfo\)/,
    );
  });

  it("accepts canonical zones, Etc/ zones and the links Debian ships (America/Chicago synthesizes in the own-identity fixture)", () => {
    for (const zone of ["America/Chicago", "Etc/UTC", "UTC", "US/Eastern", "Asia/Kolkata", "EST5EDT"])
      expect(timeZoneOnDebian(zone), zone).toBe(true);
    for (const zone of ["CST", "PST", "Europe/Berln", "europe/berlin"]) expect(timeZoneOnDebian(zone), zone).toBe(false);
  });

  const zoneinfo = existsSync("/usr/share/zoneinfo/Etc/UTC");
  it.skipIf(!zoneinfo)(
    `every vendored name is a file under this machine's /usr/share/zoneinfo${zoneinfo ? "" : " [skipped: tzdata is not installed]"}`,
    () => {
      expect(DEBIAN_TIME_ZONES.size).toBeGreaterThan(500);
      expect([...DEBIAN_TIME_ZONES].filter((z) => !existsSync(`/usr/share/zoneinfo/${z}`))).toEqual([]);
    },
  );
});

describe("options that only make sense for some apps", () => {
  it("hardware transcoding on an app that is not a media server", () => {
    const config = withApps((host) => {
      catalog.cloudflared(host);
      catalog.sonarr(host, { hardwareTranscoding: { renderGroupId: 993 } });
    });
    expect(() => synth(config)).toThrow(
      /\[servarr\/servarr\/sonarr\] hardwareTranscoding: \{"renderGroupId":993\} is not allowed; allowed: unset: only a media server \(kinds: \["media-server"\]/,
    );
  });

  it("hardware transcoding on a media server is accepted", () => {
    const config = withApps((host) => {
      catalog.cloudflared(host);
      catalog.jellyfin(host, { hardwareTranscoding: { renderGroupId: 993 } });
    });
    expect(() => synth(config)).not.toThrow();
  });
});

describe("the VPN provider, against what the pinned gluetun accepts over WireGuard", () => {
  const withProvider = (provider: string) =>
    withApps((host) => {
      catalog.cloudflared(host);
      catalog.gluetun(host, { provider });
    });

  it('refuses "air vpn" (gluetun would refuse it at start), naming the option the config wrote', () => {
    expect(() => synth(withProvider("air vpn"))).toThrow(
      /\[servarr\/servarr\/gluetun\] provider: "air vpn" is not allowed; allowed: a provider gluetun supports over WireGuard: airvpn, custom, fastestvpn/,
    );
  });

  it("refuses a provider gluetun knows only for OpenVPN", () => {
    expect(() => synth(withProvider("private internet access"))).toThrow(/provider: "private internet access" is not allowed/);
  });

  it("accepts every WireGuard provider of the pinned gluetun, in any case (gluetun lower-cases the name)", () => {
    expect(() => synth(withProvider("AirVPN"))).not.toThrow();
    const gateway = (provider: string) =>
      vpnProviderProblem({
        image: IMAGES.gluetun,
        role: Role.vpnGateway({}),
        environment: { VPN_SERVICE_PROVIDER: provider, VPN_TYPE: "wireguard" },
      });
    for (const provider of GLUETUN_WIREGUARD_PROVIDERS) expect(gateway(provider), provider).toBeUndefined();
    expect(gateway("cyberghost")?.field).toBe("environment.VPN_SERVICE_PROVIDER");
  });
});

describe("the example's placeholders, outside an example", () => {
  it.each([
    ["example.com", true],
    ["jane.example.org", true],
    ["media.test", true],
    ["example.com.au", false],
    ["myexample.com", false],
    ["jane-media.net", false],
  ])("%s is an example's (documentation) domain: %s", (domain, example) => {
    expect(isExampleDomain(domain)).toBe(example);
  });

  it("the shipped examples and fixtures use exactly these placeholders, and keep them (their domains are documentation domains)", () => {
    for (const config of [exampleConfig, twoHostsExample]) {
      expect(isExampleDomain(config.host.domain)).toBe(true);
      expect(PLACEHOLDER_IDS).toContain(config.host.cloudflare.accountId);
      for (const key of config.host.machine?.ownerKeys ?? []) expect(PLACEHOLDER_KEYS).toContain(key.split(" ")[1]);
      expect(PLACEHOLDER_DISKS).toContain(config.host.machine?.dataDisk?.uuid);
    }
    expect(() => synth(twoHostsExample)).not.toThrow();
  });

  it("Cloudflare ids and owners of the example on a real domain", () => {
    expect(() =>
      synth(
        withHost({ domain: "jane-media.net", owners: ["owner@example.com"], cloudflare: exampleConfig.host.cloudflare }, exampleConfig),
      ),
    ).toThrow(
      /\[servarr\/account\] cloudflare\.accountId: "0123456789abcdef0123456789abcdef" is not allowed; allowed: your own value[\s\S]*cloudflare\.zoneId[\s\S]*owners\[0\]: "owner@example\.com" is not allowed; allowed: your own value .*the Google account you sign in with/,
    );
  });

  it("the example's SSH keys and disk UUID on a real domain", () => {
    expect(() => synth(real())).toThrow(
      /\[servarr\/servarr\] machine\.ownerKeys\[0\]: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4jkOqD[^"]*" is not allowed; allowed: your own value .*private half only you hold[\s\S]*machine\.deployKeys\[0\][\s\S]*machine\.dataDisk\.uuid: "0f3c2a1e-5b7d-4c89-9e21-3a4b5c6d7e8f"/,
    );
  });

  it("a real domain with its own keys, ids, disk and owner synthesizes", () => {
    expect(() => synth(real({ machine: ownKeys }))).not.toThrow();
  });
});

describe("the LAN", () => {
  const machine = (lanCidr: string) => ({ ...exampleConfig.host.machine, lanCidr }) as NonNullable<ServarrConfig["host"]["machine"]>;

  it("a LAN that is not a private network (SSH from the LAN would admit a slice of the internet)", () => {
    expect(() => synth(withHost({ machine: machine("8.0.0.0/8"), lanAddress: "8.8.1.10" }))).toThrow(
      /\[servarr\/servarr\] machine\.lanCidr: "8\.0\.0\.0\/8" is not allowed; allowed: a private network inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16/,
    );
  });

  it("a private range wider than the private block (172.0.0.0/8 reaches past 172.16.0.0/12)", () => {
    expect(() => synth(withHost({ machine: machine("172.0.0.0/8"), lanAddress: "172.16.0.10" }))).toThrow(
      /machine\.lanCidr: "172\.0\.0\.0\/8"/,
    );
  });

  it.each(["192.168.1.0", "192.168.1.255"])("the host at %s, the network's own or broadcast address", (lanAddress) => {
    expect(() => synth(withHost({ lanAddress }))).toThrow(
      new RegExp(
        `lanAddress: "${lanAddress.replace(/\./g, "\\.")}" is not allowed; allowed: a host address of 192\\.168\\.1\\.0/24, not its network or broadcast address`,
      ),
    );
  });
});
