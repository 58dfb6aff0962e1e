import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { ConfigError } from "../config/problems";
import type { HostSecret, SecretAudience } from "../config/secrets";

const NAME = /^[A-Z][A-Z0-9_]*$/;

export interface HostSecretsOptions {
  /**
   * Prefix of the GitHub Actions secret names and Terraform variables of this list: "" for the
   * account's secrets and the first host's (the names existing users have), `<HOST>_` for
   * every other host, so two hosts' TUNNEL_TOKEN never collide in GitHub.
   * @default ""
   */
  readonly githubPrefix?: string;
}

/**
 * The ONE list of secrets the host needs. Infrastructure declares the values Terraform
 * computes; apps require the rest by name and each becomes a sensitive Terraform variable.
 * Everything downstream (.env.example, GitHub Actions secrets, the deploy's .env) is derived
 * from this list, so no secret is named in two places.
 *
 * Several hosts: the host-side name (`.env`, Compose secret file) is the same on every host
 * (TUNNEL_TOKEN); GitHub holds one secret per host under `githubName` (TUNNEL_TOKEN for the
 * first host, NAS_TUNNEL_TOKEN for the host "nas"), its Terraform variable is the GitHub name in
 * lower case (nas_ssh_private_key), and each host's deploy job maps `secrets.<githubName>` back to
 * `name` (delivery/deploy-workflow.ts). Secrets of the account (the CI deploy's Access service
 * token) are one list of their own (constructs/cloudflare/account.ts), unprefixed and read by every job.
 */
export class HostSecrets extends Construct {
  private readonly secrets = new Map<string, HostSecret>();
  private readonly githubPrefix: string;

  constructor(scope: Construct, id: string, options: HostSecretsOptions = {}) {
    super(scope, id);
    this.githubPrefix = options.githubPrefix ?? "";
  }

  /** Declares a secret whose value Terraform computes. Infrastructure calls this before any app. */
  provide(name: string, description: string, value: string, audience: SecretAudience = "host"): HostSecret {
    this.checkName(name);
    if (this.secrets.has(name))
      throw new ConfigError(this.node.path, [{ field: "secrets", value: name, allowed: "a secret name declared once" }]);
    const secret: HostSecret = { name, githubName: this.githubPrefix + name, description, source: "terraform", audience, value };
    this.secrets.set(name, secret);
    return secret;
  }

  /**
   * A secret an app reads: the declared one when infrastructure provides it, otherwise a
   * sensitive Terraform variable (`var.<GitHub name in lower case>`: ssh_private_key, nas_ssh_private_key) the owner sets once.
   */
  require(name: string, description: string, audience: SecretAudience = "host"): HostSecret {
    this.checkName(name);
    const existing = this.secrets.get(name);
    if (existing) return existing;
    const githubName = this.githubPrefix + name;
    const variable = new TerraformVariable(this, githubName.toLowerCase(), {
      type: "string",
      sensitive: true,
      nullable: false,
      description,
    });
    // A plain, stable name: the owner (and the bootstrap stack) set it as TF_VAR-style input.
    variable.overrideLogicalId(githubName.toLowerCase());
    const secret: HostSecret = { name, githubName, description, source: "variable", audience, value: variable.stringValue };
    this.secrets.set(name, secret);
    return secret;
  }

  /** Every secret, sorted by name. */
  get all(): readonly HostSecret[] {
    return [...this.secrets.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The secrets one audience reads, sorted by name. */
  for(audience: SecretAudience): readonly HostSecret[] {
    return this.all.filter((s) => s.audience === audience);
  }

  get(name: string): HostSecret | undefined {
    return this.secrets.get(name);
  }

  private checkName(name: string): void {
    if (!NAME.test(name))
      throw new ConfigError(this.node.path, [
        { field: "secrets", value: name, allowed: "an upper-case variable name such as TUNNEL_TOKEN" },
      ]);
  }
}
