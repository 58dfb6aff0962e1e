import { DataGithubRepository } from "@cdktf/provider-github/lib/data-github-repository";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { LocalBackend, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { ConfigError, type Problem } from "../constructs/config/problems";
import { GitHubEnvironments } from "../constructs/github/environments";
import { TerraformCloudWorkspace, type WorkspaceSecret } from "../constructs/terraform-cloud/workspace";
import type { ServarrConfig } from "./config";
import type { ServarrStack } from "./servarr-stack";

/**
 * Where the bootstrap state lives, relative to `cdktf.out/stacks/bootstrap` (where the owner
 * runs terraform): the repository root, because every synth replaces cdktf.out. It holds the
 * secrets in clear, so it is git-ignored and stays on the owner's machine.
 */
export const BOOTSTRAP_STATE = "../../../bootstrap.tfstate";

/** Provider credentials the servarr workspace's runs read from their environment. */
export const PROVIDER_CREDENTIALS: Readonly<Record<string, string>> = {
  CLOUDFLARE_API_TOKEN: "Cloudflare API token for the servarr stack (tunnel, DNS, Access, R2, zone settings)",
  GITHUB_TOKEN: "GitHub token with admin rights on the repository (settings, protection, Actions secrets)",
  GOOGLE_CREDENTIALS: "Google service account key (JSON on one line) with Monitoring and Service Usage admin on the project",
};

export interface BootstrapInput {
  /** Terraform variable name of the bootstrap stack: set it as TF_VAR_<name>. */
  readonly name: string;
  readonly description: string;
}

/**
 * Run once by the owner, with local state: the Terraform Cloud workspace the servarr stack
 * runs in, every credential and secret it reads (sensitive variables, typed here once), and
 * what the workflows need to reach Terraform Cloud (the TF_API_TOKEN secret, organization
 * and workspace names). The servarr stack's variables are read from that stack, so a new
 * secret there is a new input here without anyone listing it.
 */
export class BootstrapStack extends TerraformStack {
  readonly inputs: readonly BootstrapInput[];
  readonly workspace: TerraformCloudWorkspace;

  constructor(scope: Construct, id: string, config: ServarrConfig, servarr: ServarrStack) {
    super(scope, id);
    new LocalBackend(this, { path: BOOTSTRAP_STATE });
    // Credentials from the owner's environment: TFE_TOKEN (or `terraform login`) and GITHUB_TOKEN.
    new TfeProvider(this, "tfe", {});
    new GithubProvider(this, "github", { owner: config.github.owner });

    const inputs: BootstrapInput[] = [];
    const input = (name: string, description: string): string => {
      const variable = new TerraformVariable(this, name, { type: "string", sensitive: true, nullable: false, description });
      variable.overrideLogicalId(name);
      inputs.push({ name, description });
      return variable.stringValue;
    };

    const secrets: WorkspaceSecret[] = [
      ...Object.entries(PROVIDER_CREDENTIALS).map(([key, description]) => ({
        key,
        category: "env" as const,
        description,
        value: input(key.toLowerCase(), description),
      })),
      ...servarrVariables(servarr).map(({ name, description }) => ({
        key: name,
        category: "terraform" as const,
        description,
        value: input(name, description),
      })),
    ];
    const { organization, workspace } = config.terraformCloud;
    const teams = config.terraformCloud.teams;
    this.workspace = new TerraformCloudWorkspace(this, "workspace", {
      organization,
      name: workspace,
      adopt: config.terraformCloud.adoptWorkspace,
      teamAccess: teams ? { [teams.apply]: "write", [teams.plan]: "plan" } : undefined,
      description: `${config.name}: Cloudflare, GitHub and Google Cloud around the host (applied by the merge workflow)`,
      secrets,
    });

    // The repository must exist (the owner pushed this code to it): a missing one fails the
    // bootstrap's plan here, and its state records it for `npm run setup -- ready first-apply`.
    new DataGithubRepository(this, "repository", { fullName: `${config.github.owner}/${config.github.repository}` });

    // TF_API_TOKEN lives in GitHub environments (production: apply; plan: reviewed PR plans), not the repository.
    new GitHubEnvironments(this, "environments", {
      github: config.github,
      applyToken: input("tf_api_token", "Terraform Cloud team or user API token the apply job runs with (production environment)"),
      planToken: input(
        "tf_plan_token",
        "Terraform Cloud token for pull request plans (plan environment, each run approved by a reviewer): a team token with plan access only",
      ),
    });
    this.inputs = inputs;
  }
}

/** Every variable of the servarr stack: each must be sensitive and have no default (a secret typed once). */
function servarrVariables(servarr: ServarrStack): BootstrapInput[] {
  const variables = servarr.node.findAll().filter((c): c is TerraformVariable => c instanceof TerraformVariable);
  const problems: Problem[] = [];
  const found: BootstrapInput[] = [];
  for (const v of variables) {
    const name = v.friendlyUniqueId;
    if (v.sensitive !== true || v.default !== undefined)
      problems.push({
        field: `variables.${name}`,
        value: name,
        allowed: "a sensitive variable without a default (non-secret settings belong in servarr.config.ts)",
      });
    if (
      name in PROVIDER_CREDENTIALS ||
      Object.keys(PROVIDER_CREDENTIALS).some((k) => k.toLowerCase() === name) ||
      name === "tf_api_token" ||
      name === "tf_plan_token"
    )
      problems.push({ field: `variables.${name}`, value: name, allowed: "a name the bootstrap stack does not use itself" });
    found.push({ name, description: v.description ?? name });
  }
  if (problems.length > 0) throw new ConfigError(servarr.node.path, problems);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
