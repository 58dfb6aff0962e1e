import { Construct } from "constructs";
import type { Host } from "./host";
import type { HostSecret } from "./host-secrets";
import { assertNoProblems } from "./problems";

export interface DeliveryProps {
  /**
   * Seconds deploy.sh waits for every service to be healthy before it rolls back.
   * @default 300
   */
  readonly healthTimeoutSeconds?: number;
}

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
  static of(host: Host): Delivery | undefined {
    return host.node.children.find((c): c is Delivery => c instanceof Delivery);
  }

  constructor(
    readonly host: Host,
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
    this.sshPrivateKey = host.secrets.require(
      "DEPLOY_SSH_PRIVATE_KEY",
      `Private key (OpenSSH format) the merge workflow logs in with as ${this.sshUser}@${this.sshHostname}; its public half is in machine.deployKeys`,
      "ci",
    );
    this.sshKnownHosts = host.secrets.require(
      "DEPLOY_SSH_KNOWN_HOSTS",
      `known_hosts line(s) pinning the host key of ${this.sshHostname} (\`ssh-keyscan\` output checked against \`ssh-keygen -lf\` on the host), so the deploy refuses any other host`,
      "ci",
    );
  }

  get sshUser(): string {
    return this.host.machine.deployUser;
  }

  get sshHostname(): string {
    return this.host.ssh.hostname;
  }

  /** The bundle directory of the host's checkout. */
  get bundleDir(): string {
    return `${this.host.machine.checkoutDir}/compose/${this.host.name}`;
  }
}
