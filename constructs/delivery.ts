import { Construct } from "constructs";
import type { Host } from "./host";
import type { HostSecret } from "./host-secrets";
import { assertNoProblems, type Problem } from "./problems";

export interface DeliveryProps {
  /**
   * Account the CI logs in as over SSH: owns the checkout and may use Docker.
   * @default "servarr-deploy"
   */
  readonly sshUser?: string;
  /**
   * Where this repository is checked out on the host (its `origin` must be fetchable there).
   * @default "/opt/servarr/repo"
   */
  readonly checkoutPath?: string;
  /**
   * Hostname of the host's SSH server, routed through the tunnel behind Access.
   * @default `ssh.<domain>`
   */
  readonly sshHostname?: string;
  /**
   * Seconds deploy.sh waits for every service to be healthy before it rolls back.
   * @default 300
   */
  readonly healthTimeoutSeconds?: number;
}

const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * How a host receives changes: the SSH login the merge workflow uses (through the tunnel, host
 * key pinned), the checkout it updates and deploy.sh's health deadline. Declares the two CI-only
 * secrets of the SSH deploy, so they reach GitHub with every other secret.
 */
export class Delivery extends Construct {
  readonly sshUser: string;
  readonly checkoutPath: string;
  readonly sshHostname: string;
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
    this.sshUser = props.sshUser ?? "servarr-deploy";
    this.checkoutPath = (props.checkoutPath ?? "/opt/servarr/repo").replace(/\/+$/, "");
    this.sshHostname = props.sshHostname ?? `ssh.${host.domain}`;
    this.healthTimeoutSeconds = props.healthTimeoutSeconds ?? 300;
    assertNoProblems(this, validateDeliveryProps(this));
    this.sshPrivateKey = host.secrets.require(
      "DEPLOY_SSH_PRIVATE_KEY",
      `Private key (OpenSSH format) the merge workflow logs in with as ${this.sshUser}@${this.sshHostname}; its public half is in that user's authorized_keys`,
      "ci",
    );
    this.sshKnownHosts = host.secrets.require(
      "DEPLOY_SSH_KNOWN_HOSTS",
      `known_hosts line(s) pinning the host key of ${this.sshHostname} (e.g. \`ssh-keygen -lf\` checked on the host), so the deploy refuses any other host`,
      "ci",
    );
  }
}

function validateDeliveryProps(d: Delivery): Problem[] {
  const problems: Array<Problem | undefined> = [
    USER.test(d.sshUser)
      ? undefined
      : { field: "sshUser", value: d.sshUser, allowed: "a unix user name: a-z, 0-9, '_', '-', up to 32 characters" },
    /^\/[\w./-]*$/.test(d.checkoutPath) && !d.checkoutPath.split("/").includes("..") && d.checkoutPath !== ""
      ? undefined
      : { field: "checkoutPath", value: d.checkoutPath, allowed: "an absolute path on the host without '..' or spaces" },
    HOSTNAME.test(d.sshHostname)
      ? undefined
      : { field: "sshHostname", value: d.sshHostname, allowed: "a lower-case DNS hostname such as ssh.example.com" },
    Number.isInteger(d.healthTimeoutSeconds) && d.healthTimeoutSeconds >= 10 && d.healthTimeoutSeconds <= 3600
      ? undefined
      : { field: "healthTimeoutSeconds", value: d.healthTimeoutSeconds, allowed: "an integer from 10 to 3600" },
  ];
  return problems.filter((p): p is Problem => p !== undefined);
}
