import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import { ZeroTrustAccessPolicy } from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import { Construct } from "constructs";

export interface AccessControlProps {
  readonly accountId: string;
  /** People who may reach every private app. */
  readonly owners: readonly string[];
  /** Prefix of every Access object's name, so several hosts can share one account. */
  readonly namePrefix: string;
}

export interface ProtectOptions {
  /** The whole hostname is guarded, whatever path rules the tunnel has for it. */
  readonly hostname: string;
  /** People allowed on this app only, besides the owners. */
  readonly allowEmails: readonly string[];
}

/**
 * Zero Trust Access for one host: account-level reusable policies shared by every private
 * app, and one Access application per guarded hostname that only references them.
 */
export class AccessControl extends Construct {
  readonly ownersPolicy: ZeroTrustAccessPolicy;
  private readonly props: AccessControlProps;

  constructor(scope: Construct, id: string, props: AccessControlProps) {
    super(scope, id);
    this.props = props;
    this.ownersPolicy = new ZeroTrustAccessPolicy(this, "owners", {
      accountId: props.accountId,
      name: `${props.namePrefix} owners`,
      decision: "allow",
      include: props.owners.map((email) => ({ email: { email } })),
    });
  }

  /** One Access application guarding `hostname`, created in `scope` (the app it belongs to). */
  protect(scope: Construct, options: ProtectOptions): ZeroTrustAccessApplication {
    const label = options.hostname.split(".")[0];
    const policies = [{ id: this.ownersPolicy.id, precedence: 1 }];
    if (options.allowEmails.length > 0) {
      const extra = new ZeroTrustAccessPolicy(scope, `access-${label}-people`, {
        accountId: this.props.accountId,
        name: `${this.props.namePrefix} ${options.hostname} people`,
        decision: "allow",
        include: options.allowEmails.map((email) => ({ email: { email } })),
      });
      policies.push({ id: extra.id, precedence: policies.length + 1 });
    }
    return new ZeroTrustAccessApplication(scope, `access-${label}`, {
      accountId: this.props.accountId,
      name: `${this.props.namePrefix} ${options.hostname}`,
      type: "self_hosted",
      destinations: [{ type: "public", uri: options.hostname }],
      policies,
      sessionDuration: "24h",
      appLauncherVisible: true,
    });
  }
}
