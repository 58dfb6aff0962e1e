import { ZeroTrustAccessServiceToken } from "@cdktf/provider-cloudflare/lib/zero-trust-access-service-token";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";

export interface ServiceTokenOptions {
  /**
   * Bump to rotate the client secret (the client id stays). Set
   * `previousClientSecretExpiresAt` to keep the old secret valid while consumers update.
   * @default 1
   */
  readonly clientSecretVersion?: number;
  /**
   * RFC 3339 time until which the secret of the previous version still works.
   * @default the previous secret stops working at once
   */
  readonly previousClientSecretExpiresAt?: string;
  /**
   * Admitted on every private app's health route only (an Access application scoped to the
   * app's health path), not only where an exposure lists it: the uptime monitor, so off-host
   * checks reach each admin UI's health path and nothing else.
   * @default false
   */
  readonly everyPrivateApp?: boolean;
}

/** The machine identities every host must declare: CI deploys over SSH, uptime checks. */
export const REQUIRED_SERVICE_TOKENS = ["ci-deploy", "uptime-monitor"] as const;

/** One Access service token: what a machine sends as CF-Access-Client-Id / CF-Access-Client-Secret. */
export class MachineIdentity extends Construct {
  readonly name: string;
  readonly resource: ZeroTrustAccessServiceToken;
  readonly everyPrivateApp: boolean;

  constructor(scope: Construct, name: string, props: ServiceTokenOptions & { accountId: string; namePrefix: string }) {
    super(scope, name);
    this.name = name;
    this.everyPrivateApp = props.everyPrivateApp === true;
    this.resource = new ZeroTrustAccessServiceToken(this, "token", {
      accountId: props.accountId,
      name: `${props.namePrefix} ${name}`,
      clientSecretVersion: props.clientSecretVersion ?? 1,
      ...(props.previousClientSecretExpiresAt ? { previousClientSecretExpiresAt: props.previousClientSecretExpiresAt } : {}),
    });
    const base = `service_token_${name.replace(/-/g, "_")}`;
    new TerraformOutput(this, "client-id", {
      value: this.clientId,
      sensitive: true,
      description: `CF-Access-Client-Id of the ${name} service token`,
    }).overrideLogicalId(`${base}_client_id`);
    new TerraformOutput(this, "client-secret", {
      value: this.clientSecret,
      sensitive: true,
      description: `CF-Access-Client-Secret of the ${name} service token`,
    }).overrideLogicalId(`${base}_client_secret`);
  }

  /** Token id, referenced by Access policies. */
  get id(): string {
    return this.resource.id;
  }

  /** CF-Access-Client-Id header value (sensitive Terraform value). */
  get clientId(): string {
    return this.resource.clientId;
  }

  /** CF-Access-Client-Secret header value (sensitive Terraform value). */
  get clientSecret(): string {
    return this.resource.clientSecret;
  }
}

/** The host's service tokens, by name (sorted). */
export class ServiceTokens extends Construct {
  private readonly tokens = new Map<string, MachineIdentity>();

  constructor(
    scope: Construct,
    id: string,
    props: { accountId: string; namePrefix: string; tokens: Readonly<Record<string, ServiceTokenOptions>> },
  ) {
    super(scope, id);
    for (const name of Object.keys(props.tokens).sort())
      this.tokens.set(
        name,
        new MachineIdentity(this, name, { ...props.tokens[name], accountId: props.accountId, namePrefix: props.namePrefix }),
      );
  }

  get(name: string): MachineIdentity | undefined {
    return this.tokens.get(name);
  }

  /** Like get(), for the tokens every host declares (validated on the host). */
  required(name: (typeof REQUIRED_SERVICE_TOKENS)[number]): MachineIdentity {
    const token = this.tokens.get(name);
    if (!token) throw new Error(`service token ${name} is required`);
    return token;
  }

  get names(): readonly string[] {
    return [...this.tokens.keys()];
  }

  get all(): readonly MachineIdentity[] {
    return [...this.tokens.values()];
  }
}
