import { Construct } from "constructs";
import type { Host } from "../host/host";
import type { Problem } from "../validation/problems";
import { describeProblem } from "../validation/problems";

export interface SshOptions {
  /**
   * Subdomain of the SSH hostname.
   * @default "ssh"
   */
  readonly subdomain?: string;
  /**
   * Where cloudflared reaches the host's sshd, `host:port`. The default resolves to the
   * host itself from inside the cloudflared container (compose `extra_hosts: host-gateway`).
   * @default "host.docker.internal:22"
   */
  readonly target?: string;
}

/** The service token the CI deploy uses: the only machine admitted to SSH. */
export const SSH_SERVICE_TOKEN = "ci-deploy";

/**
 * SSH to the host through the tunnel: its own hostname, an `ssh://` ingress rule to the host's
 * sshd, and an Access application admitting the owners and the CI deploy token only (no
 * host-wide tokens such as the uptime monitor).
 */
export class SshAccess extends Construct {
  readonly hostname: string;
  readonly service: string;

  constructor(host: Host, id: string, options: SshOptions = {}) {
    super(host, id);
    this.hostname = `${options.subdomain ?? "ssh"}.${host.domain}`;
    this.service = `ssh://${options.target ?? "host.docker.internal:22"}`;
    host.tunnel.route(this, { hostname: this.hostname, service: () => this.service, owner: this.node.path });
    host.access.protect(this, { hostname: this.hostname, allowEmails: [], serviceTokens: [SSH_SERVICE_TOKEN], hostWideTokens: false });
    this.node.addValidation({
      validate: () =>
        host.apps
          .filter((app) => app.routes.some((r) => r.hostname === this.hostname))
          .map(
            (app): Problem => ({
              field: `${app.name}.hostname`,
              value: this.hostname,
              allowed: "a hostname other than the host's SSH hostname (set ssh.subdomain or the app's subdomain)",
            }),
          )
          .map(describeProblem),
    });
  }
}
