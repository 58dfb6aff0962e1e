import { Construct } from "constructs";
import type { SshOptions } from "../config/options";
import type { Problem } from "../config/problems";
import { describeProblem } from "../config/problems";
import type { HostModel } from "../model/host-model";
import type { AccessControl } from "./access-control";
import type { Tunnel } from "./tunnel";

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

  /**
   * @param host the host whose sshd it reaches, as the model sees it (its domain and apps)
   * @param edge the host's tunnel and the account's Access policies the SSH hostname goes through
   */
  constructor(
    scope: Construct,
    id: string,
    host: Pick<HostModel, "domain" | "apps">,
    edge: { readonly tunnel: Tunnel; readonly access: AccessControl },
    options: SshOptions = {},
  ) {
    super(scope, id);
    this.hostname = `${options.subdomain ?? "ssh"}.${host.domain}`;
    this.service = `ssh://${options.target ?? "host.docker.internal:22"}`;
    edge.tunnel.route(this, { hostname: this.hostname, service: () => this.service, owner: this.node.path });
    edge.access.protect(this, { hostname: this.hostname, allowEmails: [], serviceTokens: [SSH_SERVICE_TOKEN], hostWideTokens: false });
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
