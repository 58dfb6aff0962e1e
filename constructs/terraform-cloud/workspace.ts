import { DataTfeTeam } from "@cdktf/provider-tfe/lib/data-tfe-team";
import { TeamAccess } from "@cdktf/provider-tfe/lib/team-access";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { Construct } from "constructs";
import { assertNoProblems, type Problem } from "../config/problems";
import { adopt } from "../terraform/adopt";

/** A sensitive value the workspace's runs read. */
export interface WorkspaceSecret {
  /** Environment variable name (category "env") or Terraform variable name (category "terraform"). */
  readonly key: string;
  readonly category: "env" | "terraform";
  readonly description: string;
  /** A Terraform expression (a sensitive input of the bootstrap stack); never a literal. */
  readonly value: string;
}

export interface TerraformCloudWorkspaceProps {
  readonly organization: string;
  readonly name: string;
  readonly description: string;
  readonly secrets: readonly WorkspaceSecret[];
  /**
   * The workspace exists already: adopt it (import id `<organization>/<name>`,
   * hashicorp/terraform-provider-tfe@v0.71.0: internal/provider/resource_tfe_workspace.go importer).
   * @default false
   */
  readonly adopt?: boolean;
  /** Teams granted access to the workspace: name → "write" (applies) or "plan" (speculative plans only). */
  readonly teamAccess?: Readonly<Record<string, "write" | "plan">>;
}

const NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * One Terraform Cloud workspace driven by the CLI-style API (the workflows upload the
 * synthesized stack): runs execute remotely, nothing is triggered by VCS, nothing applies
 * without the workflow confirming it, and every credential it needs is a sensitive variable.
 */
export class TerraformCloudWorkspace extends Construct {
  readonly workspace: Workspace;

  constructor(scope: Construct, id: string, props: TerraformCloudWorkspaceProps) {
    super(scope, id);
    assertNoProblems(this, validate(props));
    this.workspace = new Workspace(this, "workspace", {
      organization: props.organization,
      name: props.name,
      description: props.description,
      // The uploaded configuration is the stack directory itself.
      workingDirectory: "",
      // The merge workflow applies a confirmable run itself (apply-run); a plan never applies on its own.
      autoApply: false,
      queueAllRuns: false,
      fileTriggersEnabled: false,
      speculativeEnabled: true,
      // Import blocks and write-only arguments need Terraform >= 1.11; stay on 1.x.
      terraformVersion: "~> 1.11",
      tagNames: ["servarr"],
      lifecycle: { preventDestroy: true },
    });
    if (props.adopt === true) adopt(this.workspace, `${props.organization}/${props.name}`);
    new WorkspaceSettings(this, "settings", { workspaceId: this.workspace.id, executionMode: "remote" });
    // Without this, a team token (the workflows' TF_API_TOKEN) cannot see the workspace it made.
    for (const [team, access] of Object.entries(props.teamAccess ?? {})) {
      const found = new DataTfeTeam(this, `team-${team.toLowerCase()}`, { organization: props.organization, name: team });
      new TeamAccess(this, `access-${team.toLowerCase()}`, { teamId: found.id, workspaceId: this.workspace.id, access });
    }
    for (const secret of props.secrets) {
      new Variable(this, `${secret.category}-${secret.key.toLowerCase()}`, {
        workspaceId: this.workspace.id,
        key: secret.key,
        category: secret.category,
        description: secret.description,
        value: secret.value,
        sensitive: true,
      });
    }
  }
}

function validate(props: TerraformCloudWorkspaceProps): Problem[] {
  const problems: Problem[] = [];
  if (!NAME.test(props.organization))
    problems.push({ field: "terraformCloud.organization", value: props.organization, allowed: "letters, digits, '-' and '_'" });
  if (!NAME.test(props.name))
    problems.push({ field: "terraformCloud.workspace", value: props.name, allowed: "letters, digits, '-' and '_' (at most 90)" });
  const seen = new Set<string>();
  for (const s of props.secrets) {
    const key = `${s.category}:${s.key}`;
    if (seen.has(key))
      problems.push({ field: "terraformCloud.variables", value: s.key, allowed: `a ${s.category} variable declared once` });
    seen.add(key);
  }
  return problems;
}
