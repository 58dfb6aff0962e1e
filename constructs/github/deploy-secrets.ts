import type { HostSecrets } from "./secrets";

/**
 * What the deploy job needs besides the host's own secrets: the key it logs in with over SSH
 * (through the tunnel) and the host key it must match. The SSH hostname and the deploy user are
 * not secrets: the workflow takes them from the model (host.ssh, machine.deployUser). Typed once by the owner (each one
 * a sensitive Terraform variable), read only by the workflows (audience "ci").
 */
export const DEPLOY_SECRETS: Readonly<Record<string, string>> = {
  SSH_PRIVATE_KEY: "Private key (OpenSSH format) of the deploy user's key pair (its public key is in machine.deployKeys in the config)",
  SSH_KNOWN_HOSTS: "known_hosts line(s) of the host's SSH host key (ssh-keyscan on the LAN): the deploy refuses any other key",
};

/**
 * The CI deploy's Access service token as GitHub secrets: the deploy job's cloudflared presents
 * it to reach the SSH hostname. Terraform writes them (constructs/host/host.ts), the workflow reads them.
 */
export const CI_ACCESS_SECRETS = { clientId: "CF_ACCESS_CLIENT_ID", clientSecret: "CF_ACCESS_CLIENT_SECRET" } as const;

/** Declares the deploy's secrets in the host's one list of secrets. */
export function requireDeploySecrets(secrets: HostSecrets): void {
  for (const [name, description] of Object.entries(DEPLOY_SECRETS)) secrets.require(name, description, "ci");
}
