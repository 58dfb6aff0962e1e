import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { CloudBackend, NamedCloudWorkspace, type TerraformElement, TerraformStack } from "cdktf";
import type { Construct, Node } from "constructs";
import { Account } from "../constructs/cloudflare/account";
import type { Host } from "../constructs/host/host";
import type { ServarrConfig } from "./config";
import { declareHosts } from "./hosts";
import { addIntegrations, type Integrations } from "./integrations";

/**
 * The servarr stack: one Terraform Cloud workspace for every provider, because values cross
 * providers (the tunnel token becomes a GitHub secret) and that needs one state.
 */
export class ServarrStack extends TerraformStack {
  /** The Cloudflare account and zone: created once, whatever the number of hosts. */
  readonly account: Account;
  /** The first host (`host` + `apps` in the config). */
  readonly host: Host;
  /** Every host: the first, then `hosts` in declaration order. */
  readonly hosts: readonly Host[];
  readonly integrations: Integrations;

  constructor(scope: Construct, id: string, config: ServarrConfig) {
    super(scope, id);
    new CloudBackend(this, {
      organization: config.terraformCloud.organization,
      workspaces: new NamedCloudWorkspace(config.terraformCloud.workspace),
    });
    // Credentials come from the workspace's environment (CLOUDFLARE_API_TOKEN), never from code.
    new CloudflareProvider(this, "cloudflare", {});
    new RandomProvider(this, "random", {});
    const h = config.host;
    this.account = new Account(this, "account", {
      name: config.name,
      domain: h.domain,
      cloudflare: h.cloudflare,
      owners: h.owners,
      serviceTokens: h.serviceTokens,
      addressAnchor: config.name,
    });
    const hosts = declareHosts(this, config, this.account);
    this.host = hosts.first;
    this.hosts = hosts.all;
    this.integrations = addIntegrations(this, config, this.account, this.hosts);
  }

  /** Account resources keep the addresses they had under the first host (Account.logicalIdOf). */
  override allocateLogicalId(element: TerraformElement | Node): string {
    return Account.logicalIdOf(this, element) ?? super.allocateLogicalId(element);
  }
}
