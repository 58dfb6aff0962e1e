import * as catalog from "./constructs/catalog";
import { Exposure } from "./constructs/model/exposure";
import type { ServarrConfig } from "./stacks/config";

/**
 * The example configuration: the only file a user edits. Replace the example.com domain,
 * the placeholder Cloudflare ids, the owner and the Terraform Cloud names with your own.
 */
export const config: ServarrConfig = {
  name: "servarr",
  terraformCloud: { organization: "example-org", workspace: "servarr" },
  // Public on the free plan gets a ruleset and the production environment; a private repository
  // needs a paid plan for both (private + free allows only protection: "none").
  // The owner is an organization: name the people who review (CODEOWNERS, plan approvals).
  github: {
    owner: "example-org",
    repository: "servarr",
    visibility: "public",
    plan: "free",
    protection: "ruleset",
    reviewers: ["example-owner"],
  },
  google: { projectId: "example-servarr" },
  host: {
    domain: "example.com",
    cloudflare: {
      accountId: "0123456789abcdef0123456789abcdef",
      zoneId: "fedcba9876543210fedcba9876543210",
      teamName: "example-team",
      backupBucket: { name: "servarr-backups", location: "weur" },
    },
    // Machine identities for Access. Bump clientSecretVersion to rotate a secret.
    serviceTokens: {
      "ci-deploy": { clientSecretVersion: 1 },
      "uptime-monitor": { clientSecretVersion: 1, everyPrivateApp: true },
    },
    owners: ["owner@example.com"],
    timezone: "Etc/UTC",
    gid: 13000,
    configRoot: "/opt/servarr/config",
    dataRoot: "/data",
    lanAddress: "192.168.1.10",
    // Restarts, back-offs, VPN recoveries, deploy outcomes and backup failures go to your phone: an ntfy topic
    // URL (ntfy.sh or your own server; credentials in the URL) in the secret NOTIFY_URL.
    recovery: { notify: { kind: "ntfy" } },
    // The box itself (setup.sh, first-boot.sh). Example keys: replace them with your own public keys.
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
  apps: (host) => {
    // Public: the apps do their own sign-in, and people without a Google account use them.
    catalog.plex(host, { exposure: Exposure.public({ lanPort: 32400 }) });
    catalog.seerr(host, { exposure: Exposure.public({ subdomain: "requests" }) });
    catalog.wizarr(host, { exposure: Exposure.public({ subdomain: "join" }) });
    // Admin UIs: behind Cloudflare Access.
    catalog.tautulli(host, { exposure: Exposure.private() });
    catalog.maintainerr(host, { exposure: Exposure.private() });
    catalog.kopia(host, {
      exposure: Exposure.private({ subdomain: "backup" }),
      // Every app's config dir, snapshotted nightly to R2; how many snapshots of each age to keep.
      backupPolicy: {
        snapshotTimes: ["03:30"],
        retention: { latest: 10, hourly: 0, daily: 14, weekly: 8, monthly: 12, annual: 2 },
      },
    });
    catalog.uptimeKuma(host, {
      exposure: Exposure.private({ subdomain: "uptime" }),
      alsoExpose: [Exposure.public({ subdomain: "status", path: "^/(status|api/status-page|assets|upload|icon)" })],
    });
    // Downloading: every byte leaves through the VPN gateway.
    // forwardedPort: the port your VPN provider forwards to you (AirVPN: Client Area, Ports).
    catalog.gluetun(host, { provider: "airvpn", forwardedPort: 47123 });
    catalog.sonarr(host, { vpn: true, exposure: Exposure.private() });
    catalog.radarr(host, { vpn: true, exposure: Exposure.private() });
    catalog.bazarr(host, { vpn: true, exposure: Exposure.private() });
    catalog.prowlarr(host, { vpn: true, exposure: Exposure.private() });
    catalog.qbittorrent(host, { vpn: true, exposure: Exposure.private({ subdomain: "torrent" }) });
    catalog.flaresolverr(host, { vpn: true });
    // The tunnel itself.
    catalog.cloudflared(host);
  },
};
