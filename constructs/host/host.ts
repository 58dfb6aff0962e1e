import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { AccessControl } from "../cloudflare/access-control";
import type { Account } from "../cloudflare/account";
import { BackupBucket } from "../cloudflare/backup-bucket";
import type { GoogleIdentityProvider } from "../cloudflare/google-idp";
import type { ServiceTokens } from "../cloudflare/service-tokens";
import { SshAccess } from "../cloudflare/ssh-access";
import { Tunnel } from "../cloudflare/tunnel";
import type { ZoneHardening } from "../cloudflare/zone-hardening";
import type { HostOptions, HostProps } from "../config/host-props";
import { type Machine, resolveMachine, validateMachineProps } from "../config/machine";
import type { ImagePolicy } from "../config/options";
import { assertNoProblems, ConfigError, describeProblem, labelProblem } from "../config/problems";
import { NOTIFY_SECRET, type Recovery, recoveryProblems, resolveRecovery } from "../config/recovery";
import type { RepositoryFacts } from "../config/repository";
import { HostSecrets } from "../github/secrets";
import { crossHostProblems } from "../model/cross-host";
import type { AppModel, AppWithRole, HostModel } from "../model/host-model";
import type { NetworkPlan } from "../model/network-plan";
import type { RoleKind } from "../model/roles";
import { type BackupSource, backupSources } from "../runtime/backups";
import { hostNetworkPlan } from "../runtime/network";
import { validateHostApps } from "../validation/host-apps";
import { validateHostProps } from "../validation/host-props";
import { lanProblems } from "../validation/lan";
import { machinePlaceholderProblems } from "../validation/placeholders";

/**
 * One Docker host: the compose project, its Cloudflare Tunnel, its Access applications and
 * the shared literals (domain, owners, time zone, group, directories) set once for every app.
 */
export class Host extends Construct implements HostModel {
  readonly name: string;
  readonly domain: string;
  readonly timezone: string;
  readonly gid: number;
  readonly groupName: string;
  readonly configRoot: string;
  readonly dataRoot: string;
  readonly umask: string;
  readonly imagePolicy: ImagePolicy;
  readonly secrets: HostSecrets;
  readonly tunnel: Tunnel;
  readonly machine: Machine;
  readonly backup: BackupBucket;
  readonly ssh: SshAccess;
  readonly recovery: Recovery;
  /** The Cloudflare account and zone this host shares with every other host of the config. */
  readonly account: Account;
  /** LAN address LAN ports (and cross-host ports) are published on; unset: every interface. */
  readonly lanAddress?: string;
  /** "" for the first host; `<host>_` for the others: their Terraform outputs and variables. */
  readonly outputPrefix: string;
  private readonly registered = new Map<string, AppModel>();
  private sorted?: readonly AppModel[];

  /**
   * @param repository the repository the host clones and deploys from (constructs/config/repository.ts),
   *   read from the GitHub config so the branch and URL are never typed twice.
   */
  constructor(scope: Construct, name: string, props: HostProps, account: Account, repository: RepositoryFacts, options: HostOptions = {}) {
    super(scope, Host.checkedId(scope, name));
    this.name = name;
    this.domain = account.domain;
    this.timezone = props.timezone;
    this.gid = props.gid;
    this.groupName = props.groupName ?? "servarr";
    this.configRoot = props.configRoot.replace(/\/+$/, "");
    this.dataRoot = props.dataRoot.replace(/\/+$/, "");
    this.umask = props.umask ?? "002";
    this.imagePolicy = props.imagePolicy ?? "tag";
    this.lanAddress = props.lanAddress;
    assertNoProblems(this, [
      ...validateHostProps(name, props),
      ...validateMachineProps(props.machine, props),
      ...machinePlaceholderProblems(account.domain, props.machine),
      ...lanProblems(props.machine, props.lanAddress),
      ...recoveryProblems(props.recovery),
    ]);
    this.machine = resolveMachine(props.machine, repository);
    this.recovery = resolveRecovery(props.recovery);

    this.account = account;
    account.registerHost(this);
    this.outputPrefix = options.prefix ? `${options.prefix.replace(/-/g, "_")}_` : "";
    this.secrets = new HostSecrets(this, "secrets", { githubPrefix: this.outputPrefix.toUpperCase() });
    this.tunnel = new Tunnel(this, "tunnel", { accountId: account.accountId, zoneId: account.zoneId, name });
    this.secrets.provide(
      "TUNNEL_TOKEN",
      "Cloudflare Tunnel connector token (Terraform: the tunnel's token data source)",
      this.tunnel.token,
    );
    new TerraformOutput(this, "tunnel-token", {
      value: this.tunnel.token,
      sensitive: true,
      description: `Cloudflare Tunnel connector token${options.prefix ? ` of ${name}` : ""}`,
    }).overrideLogicalId(`${this.outputPrefix}tunnel_token`);
    this.backup = new BackupBucket(this, "backup", {
      ...props.cloudflare.backupBucket,
      accountId: account.accountId,
      namePrefix: name,
      outputPrefix: this.outputPrefix,
    });
    this.secrets.provide(
      "KOPIA_S3_ACCESS_KEY_ID",
      "S3 access key id of the Kopia R2 bucket (Terraform: token id)",
      this.backup.accessKeyId,
    );
    this.secrets.provide(
      "KOPIA_S3_SECRET_ACCESS_KEY",
      "S3 secret access key of the Kopia R2 bucket (Terraform: SHA-256 of the token value)",
      this.backup.secretAccessKey,
    );
    this.ssh = new SshAccess(this, "ssh", this, this, { subdomain: options.prefix ? `ssh-${options.prefix}` : "ssh", ...props.ssh });
    if (this.recovery.notify)
      this.secrets.require(
        NOTIFY_SECRET,
        `${this.recovery.notify.kind} URL the host's notifications are posted to (topic and credentials included)`,
      );
    this.node.addValidation({ validate: () => [...validateHostApps(this), ...crossHostProblems(this)].map(describeProblem) });
  }

  /** The host's name as its construct id, refused first when it is not a label the construct tree can hold. */
  private static checkedId(scope: Construct, name: string): string {
    const label = labelProblem("name", name);
    if (label) throw new ConfigError(`${scope.node.path}/${name}`, [label]);
    return name;
  }

  /** Access for every host: the account's reusable policies (constructs/cloudflare/account.ts). */
  get access(): AccessControl {
    return this.account.access;
  }

  get zone(): ZoneHardening {
    return this.account.zone;
  }

  get serviceTokens(): ServiceTokens {
    return this.account.serviceTokens;
  }

  get identityProvider(): GoogleIdentityProvider {
    return this.account.identityProvider;
  }

  /** Called by every ServarrApp on construction. */
  register(app: AppModel): void {
    this.registered.set(app.name, app);
    this.sorted = undefined;
  }

  /** Every app, sorted by name: output order never depends on declaration order. */
  get apps(): readonly AppModel[] {
    this.sorted ??= [...this.registered.values()].sort((a, b) => a.name.localeCompare(b.name));
    return this.sorted;
  }

  /** Every app in declaration order (conflicts are reported on the later one). */
  get declaredApps(): readonly AppModel[] {
    return [...this.registered.values()];
  }

  app(name: string): AppModel | undefined {
    return this.registered.get(name);
  }

  /** The app doing that job for the host, with its typed role data (`.role`), if any. */
  appWithRole<K extends RoleKind>(kind: K): AppWithRole<K> | undefined {
    return this.apps.find((a): a is AppWithRole<K> => a.role?.kind === kind);
  }

  /** Prefix of a published LAN port: `<lanAddress>:` or nothing. */
  get lanBind(): string {
    return this.lanAddress ? `${this.lanAddress}:` : "";
  }

  /**
   * Who shares a network with whom, derived from talksTo (plus the tunnel connector's exposed
   * apps, the monitor's every app, the restarter's proxy). See constructs/model/network-plan.ts.
   */
  networkPlan(): NetworkPlan {
    return hostNetworkPlan(this);
  }

  /** Every app's config dir as the backup app mounts it (read-only). */
  backupSources(): BackupSource[] {
    return backupSources(this);
  }
}
