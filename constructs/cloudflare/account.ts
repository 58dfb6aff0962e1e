import type { TerraformStack } from "cdktf";
import { TerraformElement } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct, type Node } from "constructs";
import type { AccountProps } from "../config/accounts";
import { assertNoProblems } from "../config/problems";
import { CI_ACCESS_SECRETS } from "../github/deploy-secrets";
import { HostSecrets } from "../github/secrets";
import type { HostModel } from "../model/host-model";
import { accountProblems } from "../validation/account-props";
import { accountPlaceholderProblems } from "../validation/placeholders";
import { AccessControl } from "./access-control";
import { GoogleIdentityProvider } from "./google-idp";
import { ServiceTokens } from "./service-tokens";
import { ZoneHardening } from "./zone-hardening";

/**
 * What exists once per Cloudflare account and zone, whatever the number of hosts: Google sign-in
 * (the IdP), the owners' and the service tokens' reusable Access policies, the service tokens,
 * the zone's hardening (DNSSEC, TLS settings, cache rules) and the account-level CI secret
 * (the deploy's Access token, read by every host's deploy job). Each Host references it.
 */
export class Account extends Construct {
  readonly name: string;
  readonly domain: string;
  readonly accountId: string;
  readonly zoneId: string;
  readonly identityProvider: GoogleIdentityProvider;
  readonly serviceTokens: ServiceTokens;
  readonly access: AccessControl;
  readonly zone: ZoneHardening;
  /** Secrets of the account, not of a host: read by every host's deploy job. */
  readonly secrets: HostSecrets;
  readonly owners: readonly string[];
  readonly addressAnchor: string;
  private readonly registered: HostModel[] = [];

  constructor(scope: Construct, id: string, props: AccountProps) {
    super(scope, id);
    assertNoProblems(this, [...accountProblems(props), ...accountPlaceholderProblems(props)]);
    this.name = props.name;
    this.domain = props.domain;
    this.owners = props.owners;
    this.addressAnchor = props.addressAnchor;
    const { accountId, zoneId, teamName } = props.cloudflare;
    this.accountId = accountId;
    this.zoneId = zoneId;
    this.secrets = new HostSecrets(this, "secrets");
    this.identityProvider = new GoogleIdentityProvider(this, "google", { accountId, teamName, name: "Google" });
    this.serviceTokens = new ServiceTokens(this, "service-tokens", { accountId, namePrefix: props.name, tokens: props.serviceTokens });
    const ci = this.serviceTokens.required("ci-deploy");
    this.secrets.provide(
      CI_ACCESS_SECRETS.clientId,
      "Access service token id of the CI deploy (SSH through the tunnel)",
      ci.clientId,
      "ci",
    );
    this.secrets.provide(CI_ACCESS_SECRETS.clientSecret, "Access service token secret of the CI deploy", ci.clientSecret, "ci");
    // The uptime monitor's token goes straight into the uptime checks (stacks/integrations.ts): no workflow reads it, so it is no GitHub secret.
    this.serviceTokens.required("uptime-monitor");
    this.access = new AccessControl(this, "access", {
      accountId,
      owners: props.owners,
      namePrefix: props.name,
      identityProvider: this.identityProvider,
      serviceTokens: this.serviceTokens,
    });
    this.zone = new ZoneHardening(this, "zone", {
      zoneId,
      botFightMode: props.cloudflare.botFightMode,
      existingCacheRuleset: props.cloudflare.existingCacheRuleset,
    });
  }

  /** Called by every Host on construction. */
  registerHost(host: HostModel): void {
    this.registered.push(host);
  }

  /** Every host sharing this account, the first host first. */
  get hosts(): readonly HostModel[] {
    return [...this.registered];
  }

  host(name: string): HostModel | undefined {
    return this.registered.find((h) => h.name === name);
  }

  /**
   * The logical id of a Terraform element inside this account, as if its path began at the
   * address anchor instead of this construct: `servarr/account/google/google` keeps the
   * address `servarr_google_...` it had under the first host (cdktf's own hashing scheme,
   * TerraformStack.allocateLogicalId), so applied state needs no move. Undefined outside.
   */
  static logicalIdOf(stack: TerraformStack, element: TerraformElement | Node): string | undefined {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const scopes = node.scopes;
    const at = scopes.findIndex((c) => c instanceof Account);
    const account = scopes[at];
    if (!(account instanceof Account) || scopes[at - 1] !== stack) return undefined;
    return makeUniqueId([account.addressAnchor, ...scopes.slice(at + 1).map((c) => c.node.id)]);
  }
}
