import { Construct } from "constructs";
import type { DeliveryProps } from "../config/options";
import { assertNoProblems } from "../config/problems";
import type { HostSecret } from "../config/secrets";
import type { HostModel } from "../model/host-model";
import { DEPLOY_SECRETS } from "./deploy-secrets";
import type { HostSecrets } from "./secrets";

/** The host a deploy goes to: its construct (the Delivery is its child), machine, SSH hostname and secret list. */
export type DeliveryHost = Construct & Pick<HostModel, "name" | "machine" | "ssh"> & { readonly secrets: HostSecrets };

/**
 * How a host receives changes. The SSH login (the machine's deploy user, whose only command
 * is the deploy gate), the checkout and the SSH hostname come from the host's machine model;
 * this adds deploy.sh's health deadline and declares the two CI-only secrets of the SSH
 * deploy, so they reach GitHub with every other secret.
 */
export class Delivery extends Construct {
  readonly healthTimeoutSeconds: number;
  readonly sshPrivateKey: HostSecret;
  readonly sshKnownHosts: HostSecret;

  /** The delivery of a host, if one was declared. */
  static of(host: Construct): Delivery | undefined {
    return host.node.children.find((c): c is Delivery => c instanceof Delivery);
  }

  constructor(
    readonly host: DeliveryHost,
    id: string,
    props: DeliveryProps = {},
  ) {
    super(host, id);
    this.healthTimeoutSeconds = props.healthTimeoutSeconds ?? 300;
    const t = this.healthTimeoutSeconds;
    assertNoProblems(
      this,
      Number.isInteger(t) && t >= 10 && t <= 3600
        ? []
        : [{ field: "healthTimeoutSeconds", value: t, allowed: "an integer from 10 to 3600" }],
    );
    // The one declaration of the deploy's SSH secrets is DEPLOY_SECRETS; require() returns it.
    this.sshPrivateKey = host.secrets.require("SSH_PRIVATE_KEY", DEPLOY_SECRETS.SSH_PRIVATE_KEY ?? "", "ci");
    this.sshKnownHosts = host.secrets.require("SSH_KNOWN_HOSTS", DEPLOY_SECRETS.SSH_KNOWN_HOSTS ?? "", "ci");
  }

  get sshUser(): string {
    return this.host.machine.deployUser;
  }

  get sshHostname(): string {
    return this.host.ssh.hostname;
  }
}
