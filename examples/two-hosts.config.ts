import * as catalog from "../constructs/catalog";
import { Exposure } from "../constructs/model/exposure";
import type { ServarrConfig } from "../stacks/config";

/**
 * Two hosts in one config: a media box that fetches (VPN, *arr apps, requests) and a NAS that
 * holds the library and streams it. One Cloudflare account and zone (one IdP, one owners policy,
 * one set of service tokens), one tunnel, bundle, bucket and deploy job per host. Requests on the
 * media box talk to Jellyfin on the NAS across the LAN: the NAS publishes Jellyfin's port on its
 * LAN address for the media box only. Synthesize it with
 * `npm run synth -- --config examples/two-hosts.config.ts --out <dir>`.
 */
export const config: ServarrConfig = {
  name: "mediabox",
  terraformCloud: { organization: "example-org", workspace: "homelab" },
  github: {
    owner: "example-org",
    repository: "homelab",
    visibility: "public",
    plan: "free",
    protection: "ruleset",
    reviewers: ["example-owner"],
  },
  google: { projectId: "example-homelab" },
  host: {
    domain: "example.net",
    cloudflare: {
      accountId: "0123456789abcdef0123456789abcdef",
      zoneId: "fedcba9876543210fedcba9876543210",
      teamName: "example-homelab",
      backupBucket: { name: "homelab-mediabox-backups", location: "weur" },
    },
    serviceTokens: {
      "ci-deploy": { clientSecretVersion: 1 },
      "uptime-monitor": { clientSecretVersion: 1, everyPrivateApp: true },
    },
    owners: ["owner@example.net"],
    timezone: "Europe/Berlin",
    gid: 13000,
    configRoot: "/opt/servarr/config",
    dataRoot: "/data",
    lanAddress: "192.168.1.10",
    recovery: { notify: { kind: "ntfy" } },
    machine: {
      lanCidr: "192.168.1.0/24",
      sshFrom: "lan",
      ownerUser: "owner",
      ownerKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4jkOqD/IKwGURdoCBUB/rY6IyYx4/PVEttnFi3duMY owner@example"],
      deployUser: "deploy",
      deployKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa ci-deploy"],
      dataDisk: { uuid: "0f3c2a1e-5b7d-4c89-9e21-3a4b5c6d7e8f", mountPoint: "/data", fsType: "ext4" },
      rebootTime: "04:30",
      livepatch: false,
      checkoutDir: "/opt/servarr/repo",
    },
  },
  apps: (box) => {
    // Requests: public sign-in of its own; it asks the NAS's Jellyfin what is in the library.
    catalog.seerr(box, { exposure: Exposure.public({ subdomain: "requests" }), talksTo: ["nas/jellyfin"] });
    catalog.kopia(box, {
      exposure: Exposure.private({ subdomain: "backup" }),
      backupPolicy: { snapshotTimes: ["03:30"], retention: { latest: 10, hourly: 0, daily: 14, weekly: 8, monthly: 12, annual: 2 } },
    });
    catalog.gluetun(box, { provider: "airvpn", forwardedPort: 47123 });
    catalog.sonarr(box, { vpn: true, exposure: Exposure.private() });
    catalog.radarr(box, { vpn: true, exposure: Exposure.private() });
    catalog.prowlarr(box, { vpn: true, exposure: Exposure.private() });
    catalog.qbittorrent(box, { vpn: true, exposure: Exposure.private({ subdomain: "torrent" }) });
    catalog.cloudflared(box);
  },
  hosts: {
    // The NAS: the library and the media server; everything unset comes from the media box.
    nas: {
      lanAddress: "192.168.1.20",
      configRoot: "/srv/servarr/config",
      dataRoot: "/srv/media",
      machine: {
        lanCidr: "192.168.1.0/24",
        sshFrom: "lan",
        ownerUser: "owner",
        ownerKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4jkOqD/IKwGURdoCBUB/rY6IyYx4/PVEttnFi3duMY owner@example"],
        deployUser: "deploy",
        deployKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa ci-deploy"],
        dataDisk: { uuid: "6b1d9c3e-2f4a-4e8b-9c7d-1a2b3c4d5e6f", mountPoint: "/srv/media", fsType: "ext4" },
        rebootTime: "05:00",
        livepatch: false,
        checkoutDir: "/opt/servarr/repo",
      },
      apps: (nas) => {
        catalog.jellyfin(nas, { exposure: Exposure.public({ subdomain: "watch" }) });
        catalog.kopia(nas, {
          exposure: Exposure.private({ subdomain: "nas-backup" }),
          backupPolicy: { snapshotTimes: ["04:00"], retention: { latest: 10, hourly: 0, daily: 14, weekly: 8, monthly: 12, annual: 2 } },
        });
        catalog.cloudflared(nas);
      },
    },
  },
};
