import { ZeroTrustAccessServiceToken } from "@cdktf/provider-cloudflare/lib/zero-trust-access-service-token";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { REQUIRED_SERVICE_TOKENS, ServiceTokenOptions } from "../config/options";
import { assertNoProblems, type Problem } from "../config/problems";

/** The provider's default token lifetime: one year. */
export const DEFAULT_TOKEN_DURATION = "8760h";

/** Go durations in hours, minutes or seconds as Cloudflare takes them ("8760h", "2h45m"). */
const DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;
/** A warning this many days before a token expires (the token-expiry workflow). */
export const EXPIRY_WARNING_DAYS = 30;

/** Hours in a Go duration of the form DURATION accepts. */
export function durationHours(duration: string): number {
  const m = DURATION.exec(duration);
  if (!m || duration === "") return Number.NaN;
  return Number.parseInt(m[1] ?? "0", 10) + Number.parseInt(m[2] ?? "0", 10) / 60 + Number.parseInt(m[3] ?? "0", 10) / 3600;
}

/** The rotation pair and the duration, as the provider will judge them. */
function rotationProblems(name: string, o: ServiceTokenOptions): Problem[] {
  const problems: Problem[] = [];
  const version = o.clientSecretVersion ?? 1;
  if (version > 1 && o.previousClientSecretExpiresAt === undefined)
    problems.push({
      field: `serviceTokens.${name}.previousClientSecretExpiresAt`,
      value: undefined,
      allowed: `an RFC 3339 time when clientSecretVersion is ${version} (until when the previous secret still works; a past time ends it at once)`,
    });
  if (version === 1 && o.previousClientSecretExpiresAt !== undefined)
    problems.push({
      field: `serviceTokens.${name}.previousClientSecretExpiresAt`,
      value: o.previousClientSecretExpiresAt,
      allowed: "unset while clientSecretVersion is 1 (there is no previous secret before the first rotation)",
    });
  const hours = o.duration === undefined ? 1 : durationHours(o.duration);
  if (!(hours > 0))
    problems.push({
      field: `serviceTokens.${name}.duration`,
      value: o.duration,
      allowed: 'a positive duration in h, m and s such as "8760h" (one year) or "2160h"',
    });
  return problems;
}

/** One Access service token: what a machine sends as CF-Access-Client-Id / CF-Access-Client-Secret. */
export class MachineIdentity extends Construct {
  readonly name: string;
  readonly resource: ZeroTrustAccessServiceToken;
  readonly everyPrivateApp: boolean;
  /** The owner's reason for admitting a token other than the monitor's on every private app. */
  readonly everyPrivateAppReason?: string;
  /** How long the token is valid after creation (Go duration). */
  readonly duration: string;

  constructor(scope: Construct, name: string, props: ServiceTokenOptions & { accountId: string; namePrefix: string }) {
    super(scope, name);
    this.name = name;
    this.everyPrivateApp = props.everyPrivateApp === true;
    this.everyPrivateAppReason = props.everyPrivateApp && name !== "uptime-monitor" ? props.everyPrivateAppReason : undefined;
    this.duration = props.duration ?? DEFAULT_TOKEN_DURATION;
    assertNoProblems(this, rotationProblems(name, props));
    this.resource = new ZeroTrustAccessServiceToken(this, "token", {
      accountId: props.accountId,
      name: `${props.namePrefix} ${name}`,
      duration: this.duration,
      // The provider's schema ties the two together (AlsoRequires on each): version 1 is its
      // default and is left out; a rotation sets both.
      ...((props.clientSecretVersion ?? 1) > 1
        ? { clientSecretVersion: props.clientSecretVersion, previousClientSecretExpiresAt: props.previousClientSecretExpiresAt }
        : {}),
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
    new TerraformOutput(this, "expires-at", {
      value: this.expiresAt,
      description: `When the ${name} service token expires (renew it before: docs/operations.md, service tokens)`,
    }).overrideLogicalId(`${base}_expires_at`);
  }

  /** RFC 3339 expiry of the token (Terraform expression; known after apply). */
  get expiresAt(): string {
    return this.resource.expiresAt;
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
