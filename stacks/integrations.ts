import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { requireDeploySecrets } from "../constructs/deploy-secrets";
import { type ActionsValue, GitHubRepo } from "../constructs/github-repo";
import { GoogleSso } from "../constructs/google-sso";
import type { Host } from "../constructs/host";
import { UptimeMonitoring } from "../constructs/uptime-monitoring";
import { TOKEN_EXPIRY_VARIABLE } from "../delivery/token-expiry-workflow";
import type { ServarrConfig } from "./config";

export interface Integrations {
  readonly github: GitHubRepo;
  readonly google: GoogleSso;
  readonly monitoring: UptimeMonitoring;
}

/**
 * GitHub and Google Cloud around the host. Called after every app is declared: the GitHub
 * secrets are the host's complete list of secrets and the uptime checks cover every hostname.
 * Credentials come from the workspace's environment (GITHUB_TOKEN, GOOGLE_CREDENTIALS).
 */
export function addIntegrations(scope: Construct, config: ServarrConfig, host: Host): Integrations {
  new GithubProvider(scope, "github", { owner: config.github.owner });
  new GoogleProvider(scope, "google", { project: config.google.projectId });
  requireDeploySecrets(host.secrets);

  const google = new GoogleSso(scope, "google-sso", { projectId: config.google.projectId });
  const monitoring = new UptimeMonitoring(scope, "uptime", host, {
    projectId: config.google.projectId,
    alertEmail: config.google.alertEmail ?? config.host.owners[0] ?? "",
    probeToken: host.serviceTokens.required("uptime-monitor"),
    dependsOn: [...google.services],
  });
  const github = new GitHubRepo(scope, "repo", {
    ...config.github,
    description: `${config.name}: a self-hosted media server as code (${host.domain})`,
    secrets: () => host.secrets.all,
    variables: actionsVariables(host),
  });
  return { github, google, monitoring };
}

/** The plain (non-secret) values the workflows read as `vars.NAME`; nothing a workflow does not read (test/user-config/checks.ts). */
export function actionsVariables(host: Host): ActionsValue[] {
  return [
    {
      name: TOKEN_EXPIRY_VARIABLE,
      description: "When each Access service token expires (JSON), read by the token-expiry workflow",
      value: Fn.jsonencode(Object.fromEntries(host.serviceTokens.all.map((t) => [t.name, t.expiresAt]))),
    },
  ];
}
