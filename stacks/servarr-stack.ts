import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { CloudBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Delivery } from "../constructs/delivery";
import { Host } from "../constructs/host";
import { repositoryFacts } from "../constructs/repository";
import type { ServarrConfig } from "./config";
import { addIntegrations, type Integrations } from "./integrations";

/**
 * The servarr stack: one Terraform Cloud workspace for every provider, because values cross
 * providers (the tunnel token becomes a GitHub secret) and that needs one state.
 */
export class ServarrStack extends TerraformStack {
  readonly host: Host;
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
    this.host = new Host(this, config.name, config.host, repositoryFacts(config.github));
    config.apps(this.host);
    new Delivery(this.host, "delivery", config.delivery);
    this.integrations = addIntegrations(this, config, this.host);
  }
}
