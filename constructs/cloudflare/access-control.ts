import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import { ZeroTrustAccessPolicy } from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import { Construct } from "constructs";
import type { GoogleIdentityProvider } from "./google-idp";
import type { MachineIdentity, ServiceTokens } from "./service-tokens";

export interface AccessControlProps {
  readonly accountId: string;
  /** People who may reach every private app. */
  readonly owners: readonly string[];
  /** Prefix of every Access object's name, so several hosts can share one account. */
  readonly namePrefix: string;
  /** The only identity provider people sign in with. */
  readonly identityProvider: GoogleIdentityProvider;
  readonly serviceTokens: ServiceTokens;
}

export interface ProtectOptions {
  /** The whole hostname is guarded, whatever path rules the tunnel has for it. */
  readonly hostname: string;
  /** People allowed on this app only, besides the owners. */
  readonly allowEmails: readonly string[];
  /** Names of the host's service tokens allowed on this app (validated by the caller). */
  readonly serviceTokens?: readonly string[];
  /**
   * Admit the tokens declared with `everyPrivateApp` (the uptime monitor) on `healthPath`.
   * @default true
   */
  readonly hostWideTokens?: boolean;
  /**
   * The app's health route (see healthRoutePath in health.ts): the host-wide tokens are admitted
   * there, through an Access application scoped to `<hostname><healthPath>`, and nowhere else.
   * @default none (the host-wide tokens are admitted nowhere on this hostname)
   */
  readonly healthPath?: string;
}

/**
 * Zero Trust Access for one host: account-level reusable policies (the owners, one per
 * service token) shared by every private app, and one Access application per guarded
 * hostname that only references them. Only an app that lists extra people gets a policy
 * of its own. The host-wide machine identities (the uptime monitor) are admitted only on
 * each app's health route, through a second Access application scoped to that path (Access
 * picks the most specific path; Cloudflare provider 5.14.0,
 * internal/services/zero_trust_access_application/schema.go: a public destination's `uri`
 * "can include a domain and path").
 */
export class AccessControl extends Construct {
  readonly ownersPolicy: ZeroTrustAccessPolicy;
  private readonly props: AccessControlProps;
  private readonly tokenPolicies = new Map<string, ZeroTrustAccessPolicy>();

  constructor(scope: Construct, id: string, props: AccessControlProps) {
    super(scope, id);
    this.props = props;
    this.ownersPolicy = new ZeroTrustAccessPolicy(this, "owners", {
      accountId: props.accountId,
      name: `${props.namePrefix} owners`,
      decision: "allow",
      include: props.owners.map((email) => ({ email: { email } })),
      // Signed in through Google, whatever other login methods the account has.
      require: [{ loginMethod: { id: props.identityProvider.id } }],
    });
  }

  /** Every shared policy created so far: the owners' and one per service token in use. */
  get sharedPolicies(): readonly ZeroTrustAccessPolicy[] {
    return [this.ownersPolicy, ...[...this.tokenPolicies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p)];
  }

  /**
   * One Access application guarding `hostname`, created in `scope` (the app it belongs to).
   * Precedence follows Access's own evaluation order: service-auth (non_identity) policies
   * first, then the owners, then the app's extra people; numbered 1..n without gaps.
   */
  protect(scope: Construct, options: ProtectOptions): ZeroTrustAccessApplication {
    const label = options.hostname.split(".")[0];
    const tokens = new Set(options.serviceTokens ?? []);
    const hostWide = this.props.serviceTokens.all.filter((t) => t.everyPrivateApp).map((t) => t.name);
    if (options.hostWideTokens !== false && options.healthPath !== undefined && hostWide.length > 0)
      this.protectHealthRoute(scope, label, `${options.hostname}${options.healthPath}`, hostWide);
    const policyIds = [...tokens].sort().map((name) => this.tokenPolicy(name).id);
    policyIds.push(this.ownersPolicy.id);
    if (options.allowEmails.length > 0) {
      const extra = new ZeroTrustAccessPolicy(scope, `access-${label}-people`, {
        accountId: this.props.accountId,
        name: `${this.props.namePrefix} ${options.hostname} people`,
        decision: "allow",
        include: options.allowEmails.map((email) => ({ email: { email } })),
        require: [{ loginMethod: { id: this.props.identityProvider.id } }],
      });
      policyIds.push(extra.id);
    }
    return new ZeroTrustAccessApplication(scope, `access-${label}`, {
      accountId: this.props.accountId,
      name: `${this.props.namePrefix} ${options.hostname}`,
      type: "self_hosted",
      destinations: [{ type: "public", uri: options.hostname }],
      policies: policyIds.map((id, i) => ({ id, precedence: i + 1 })),
      allowedIdps: [this.props.identityProvider.id],
      autoRedirectToIdentity: true,
      // Machines get a 401 instead of a redirect to the login page they cannot use.
      ...(tokens.size > 0 ? { serviceAuth401Redirect: true } : {}),
      sessionDuration: "24h",
      appLauncherVisible: true,
    });
  }

  /** An Access application for one path only, admitting only the given machine identities. */
  private protectHealthRoute(scope: Construct, label: string, uri: string, tokens: readonly string[]): ZeroTrustAccessApplication {
    return new ZeroTrustAccessApplication(scope, `access-${label}-health`, {
      accountId: this.props.accountId,
      name: `${this.props.namePrefix} ${uri}`,
      type: "self_hosted",
      destinations: [{ type: "public", uri }],
      policies: [...tokens].sort().map((name, i) => ({ id: this.tokenPolicy(name).id, precedence: i + 1 })),
      allowedIdps: [this.props.identityProvider.id],
      serviceAuth401Redirect: true,
      sessionDuration: "24h",
      appLauncherVisible: false,
    });
  }

  /** The shared non_identity policy admitting one service token, created on first use. */
  private tokenPolicy(name: string): ZeroTrustAccessPolicy {
    const existing = this.tokenPolicies.get(name);
    if (existing) return existing;
    const token: MachineIdentity | undefined = this.props.serviceTokens.get(name);
    if (!token) throw new Error(`unknown service token ${name}: callers validate token names first`);
    const policy = new ZeroTrustAccessPolicy(this, `token-${name}`, {
      accountId: this.props.accountId,
      name: `${this.props.namePrefix} machine ${name}`,
      decision: "non_identity",
      include: [{ serviceToken: { tokenId: token.id } }],
    });
    this.tokenPolicies.set(name, policy);
    return policy;
  }
}
