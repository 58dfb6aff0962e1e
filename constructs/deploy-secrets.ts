import type { HostSecrets } from "./host-secrets";

/**
 * What the deploy job needs besides the host's own secrets: how to log in to the host over
 * SSH (through the tunnel) and the host key it must match. Typed once by the owner (each one
 * a sensitive Terraform variable), read only by the workflows (audience "ci").
 */
export const DEPLOY_SECRETS: Readonly<Record<string, string>> = {
  SSH_HOST: "Hostname the deploy job reaches the host's SSH server at (through the tunnel with cloudflared access ssh)",
  SSH_USER: "Unix user the deploy job logs in as on the host (owns the checkout, may run docker compose)",
  SSH_PRIVATE_KEY: "Private key (OpenSSH format) of a key pair whose public key is in that user's authorized_keys",
  SSH_KNOWN_HOSTS: "known_hosts line(s) of the host's SSH host key (ssh-keyscan on the LAN): the deploy refuses any other key",
};

/** Declares the deploy's secrets in the host's one list of secrets. */
export function requireDeploySecrets(secrets: HostSecrets): void {
  for (const [name, description] of Object.entries(DEPLOY_SECRETS)) secrets.require(name, description, "ci");
}
