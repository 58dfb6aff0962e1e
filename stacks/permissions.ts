import type { TerraformJson } from "../delivery/stacks";

/** The credential a stack's provider runs with. */
export type Credential = "CLOUDFLARE_API_TOKEN" | "GITHUB_TOKEN" | "GOOGLE_CREDENTIALS" | "TFE_TOKEN" | "none";

export interface Grant {
  readonly credential: Credential;
  /** What to grant, as the provider's console names it. */
  readonly grant: string;
}

const cf = (grant: string): Grant => ({ credential: "CLOUDFLARE_API_TOKEN", grant });
const gh = (grant: string): Grant => ({ credential: "GITHUB_TOKEN", grant });
const gcp = (grant: string): Grant => ({ credential: "GOOGLE_CREDENTIALS", grant });
const TFE_WORKSPACES: Grant = { credential: "TFE_TOKEN", grant: "user or team token that can manage workspaces in the organization" };

/**
 * What each resource or data-source type needs from its provider's credential. Cloudflare:
 * API token permission groups (scope · group · level, as the dashboard lists them; scope the
 * zone groups to the one zone and the account groups to the one account). GitHub:
 * fine-grained personal access token permissions on the one repository. Google: IAM roles on
 * the project for the service account. A type synth emits without an entry fails the tests.
 */
export const PERMISSIONS: Readonly<Record<string, readonly Grant[]>> = {
  cloudflare_zero_trust_tunnel_cloudflared: [cf("Account · Cloudflare Tunnel · Edit")],
  cloudflare_zero_trust_tunnel_cloudflared_config: [cf("Account · Cloudflare Tunnel · Edit")],
  "data.cloudflare_zero_trust_tunnel_cloudflared_token": [cf("Account · Cloudflare Tunnel · Edit")],
  cloudflare_dns_record: [cf("Zone · DNS · Edit")],
  cloudflare_zero_trust_access_application: [cf("Account · Access: Apps and Policies · Edit")],
  cloudflare_zero_trust_access_policy: [cf("Account · Access: Apps and Policies · Edit")],
  cloudflare_zero_trust_access_identity_provider: [cf("Account · Access: Organizations, Identity Providers, and Groups · Edit")],
  cloudflare_zero_trust_access_service_token: [cf("Account · Access: Service Tokens · Edit")],
  cloudflare_r2_bucket: [cf("Account · Workers R2 Storage · Edit")],
  cloudflare_r2_bucket_lifecycle: [cf("Account · Workers R2 Storage · Edit")],
  cloudflare_r2_bucket_lock: [cf("Account · Workers R2 Storage · Edit")],
  // The backup credentials are an account-owned token that this token creates.
  cloudflare_account_token: [cf("Account · Account API Tokens · Edit")],
  "data.cloudflare_account_api_token_permission_groups_list": [cf("Account · Account API Tokens · Edit")],
  cloudflare_zone_setting: [cf("Zone · Zone Settings · Edit")],
  cloudflare_zone_dnssec: [cf("Zone · DNS · Edit")],
  // The zone's entry-point ruleset of the http_request_cache_settings phase.
  cloudflare_ruleset: [cf("Zone · Cache Rules · Edit")],
  cloudflare_bot_management: [cf("Zone · Bot Management · Edit")],
  github_repository: [gh("Administration: read and write"), gh("Metadata: read")],
  github_repository_ruleset: [gh("Administration: read and write")],
  github_branch_protection: [gh("Administration: read and write")],
  // Environments and their deployment branch policies are repository administration.
  github_repository_environment: [gh("Administration: read and write")],
  github_repository_environment_deployment_policy: [gh("Administration: read and write")],
  github_actions_secret: [gh("Secrets: read and write")],
  // GitHub's REST reference for environment secrets: Environments (write) and Secrets (read).
  github_actions_environment_secret: [gh("Environments: read and write"), gh("Secrets: read")],
  github_actions_variable: [gh("Variables: read and write")],
  // Reviewers of an environment are user ids, read from public profiles (every fine-grained token reads metadata).
  "data.github_user": [gh("Metadata: read")],
  google_project_service: [gcp("roles/serviceusage.serviceUsageAdmin")],
  google_monitoring_uptime_check_config: [gcp("roles/monitoring.editor")],
  google_monitoring_alert_policy: [gcp("roles/monitoring.editor")],
  google_monitoring_notification_channel: [gcp("roles/monitoring.editor")],
  tfe_workspace: [TFE_WORKSPACES],
  tfe_workspace_settings: [TFE_WORKSPACES],
  tfe_variable: [TFE_WORKSPACES],
  // Granting a team access to the workspace, and finding the team by name.
  tfe_team_access: [{ credential: "TFE_TOKEN", grant: 'owners team or a token with "Manage workspaces" and "Read teams"' }],
  "data.tfe_team": [{ credential: "TFE_TOKEN", grant: 'owners team or a token with "Read teams"' }],
  // The bootstrap reads the repository it adds environments to (it must exist).
  "data.github_repository": [gh("Metadata: read")],
  random_bytes: [{ credential: "none", grant: "none (computed locally)" }],
  random_password: [{ credential: "none", grant: "none (computed locally)" }],
  terraform_data: [{ credential: "none", grant: "none (built into Terraform)" }],
};

/** Resource types as "type", data sources as "data.type": the keys of PERMISSIONS. */
export function typesOf(json: TerraformJson): string[] {
  return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((t) => `data.${t}`)];
}

/**
 * Per stack, per credential: the sorted, de-duplicated grants the stack's types need. Throws
 * naming every type without an entry, so a new construct cannot ship without its permission.
 */
export function requiredGrants(stacks: ReadonlyMap<string, TerraformJson>): Map<string, Map<Credential, string[]>> {
  const missing = [...stacks.values()].flatMap(typesOf).filter((t) => !(t in PERMISSIONS));
  if (missing.length > 0)
    throw new Error(
      `stacks/permissions.ts: no permission entry for ${[...new Set(missing)].sort().join(", ")}: add what its credential needs`,
    );
  const result = new Map<string, Map<Credential, string[]>>();
  for (const [name, json] of [...stacks].sort(([a], [b]) => a.localeCompare(b))) {
    const byCredential = new Map<Credential, Set<string>>();
    for (const type of typesOf(json))
      for (const g of PERMISSIONS[type] ?? []) {
        if (g.credential === "none") continue;
        byCredential.set(g.credential, (byCredential.get(g.credential) ?? new Set()).add(g.grant));
      }
    result.set(name, new Map([...byCredential].sort(([a], [b]) => a.localeCompare(b)).map(([c, grants]) => [c, [...grants].sort()])));
  }
  return result;
}

/** The printed form: one block per stack and credential. */
export function permissionLines(stacks: ReadonlyMap<string, TerraformJson>): string[] {
  const lines = ["", "credentials, least privilege for the resource types synthesized:"];
  for (const [stack, byCredential] of requiredGrants(stacks)) {
    lines.push(`  stack ${stack}:`);
    for (const [credential, grants] of byCredential) lines.push(`    ${credential}:`, ...grants.map((g) => `      - ${g}`));
  }
  return lines;
}
