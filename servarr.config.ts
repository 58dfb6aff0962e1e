import * as catalog from "./constructs/catalog";
import { Exposure } from "./constructs/exposure";
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
  github: { owner: "example-org", repository: "servarr", visibility: "public", plan: "free", protection: "ruleset" },
  google: { projectId: "example-servarr" },
  host: {
    domain: "example.com",
    cloudflare: {
      accountId: "0123456789abcdef0123456789abcdef",
      zoneId: "fedcba9876543210fedcba9876543210",
      teamName: "example",
    },
    owners: ["owner@example.com"],
    timezone: "Etc/UTC",
    gid: 13000,
    configRoot: "/opt/servarr/config",
    dataRoot: "/data",
    lanAddress: "192.168.1.10",
  },
  apps: (host) => {
    // Public: the apps do their own sign-in, and people without a Google account use them.
    catalog.plex(host, { exposure: Exposure.public({ lanPort: 32400 }) });
    catalog.seerr(host, { exposure: Exposure.public({ subdomain: "requests" }) });
    catalog.wizarr(host, { exposure: Exposure.public({ subdomain: "join" }) });
    // Admin UIs: behind Cloudflare Access.
    catalog.tautulli(host, { exposure: Exposure.private() });
    catalog.maintainerr(host, { exposure: Exposure.private() });
    catalog.kopia(host, { exposure: Exposure.private({ subdomain: "backup" }) });
    catalog.uptimeKuma(host, {
      exposure: Exposure.private({ subdomain: "uptime" }),
      alsoExpose: [Exposure.public({ subdomain: "status", path: "^/(status|api/status-page|assets|upload|icon)" })],
    });
    // Downloading: every byte leaves through the VPN gateway.
    catalog.gluetun(host, { provider: "airvpn" });
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
