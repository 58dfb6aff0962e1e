import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import type { Account } from "../constructs/cloudflare/account";
import { requireDeploySecrets } from "../constructs/github/deploy-secrets";
import { type ActionsValue, GitHubRepo } from "../constructs/github/repo";
import { GoogleSso } from "../constructs/google/sso";
import { UptimeMonitoring } from "../constructs/google/uptime-monitoring";
import type { Host } from "../constructs/host/host";
import { TOKEN_EXPIRY_VARIABLE } from "../delivery/token-expiry-workflow";
import type { ServarrConfig } from "./config";

export interface Integrations {
  readonly github: GitHubRepo;
  readonly google: GoogleSso;
  readonly monitoring: UptimeMonitoring;
}

/**
 * GitHub and Google Cloud around the hosts. Called after every app is declared: the GitHub
 * secrets are the account's and every host's complete lists (each host's under its GitHub
 * names, constructs/github/secrets.ts) and the uptime checks cover every host's hostnames.
 * Credentials come from the workspace's environment (GITHUB_TOKEN, GOOGLE_CREDENTIALS).
 */
export function addIntegrations(scope: Construct, config: ServarrConfig, account: Account, hosts: readonly Host[]): Integrations {
  const host = hosts[0] as Host;
  new GithubProvider(scope, "github", { owner: config.github.owner });
  new GoogleProvider(scope, "google", { project: config.google.projectId });
  for (const h of hosts) requireDeploySecrets(h.secrets);

  const google = new GoogleSso(scope, "google-sso", { projectId: config.google.projectId });
  const monitoring = new UptimeMonitoring(scope, "uptime", hosts, {
    projectId: config.google.projectId,
    alertEmail: config.google.alertEmail ?? config.host.owners[0] ?? "",
    probeToken: account.serviceTokens.required("uptime-monitor"),
    dependsOn: [...google.services],
  });
  const github = new GitHubRepo(scope, "repo", {
    ...config.github,
    description: `${config.name}: a self-hosted media server as code (${account.domain})`,
    secrets: () =>
      [...account.secrets.all, ...hosts.flatMap((h) => h.secrets.all)]
        .map((s) => ({ ...s, name: s.githubName }))
        .sort((a, b) => a.name.localeCompare(b.name)),
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
