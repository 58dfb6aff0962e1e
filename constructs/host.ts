import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { AccessControl } from "./access-control";
import type { Account } from "./account";
import { WIRE_JOB, wiredAppNames } from "./app-api";
import { BackupBucket } from "./backup-bucket";
import { backupRelay } from "./backup-notify";
import { type BackupSource, backupJobs, backupSources } from "./backups";
import { crossHostProblems, lanNetworkApps } from "./cross-host";
import type { GoogleIdentityProvider } from "./google-idp";
import { type Machine, resolveMachine, validateMachineProps } from "./host-machine";
import type { HostOptions, HostProps } from "./host-props";
import { HostSecrets } from "./host-secrets";
import { type NetworkNode, NetworkPlan } from "./network-plan";
import { assertNoProblems, describeProblem } from "./problems";
import type { RepositoryFacts } from "./repository";
import { NOTIFY_SECRET, type Recovery, recoveryProblems, resolveRecovery } from "./restarter";
import type { RoleKind, RoleOf } from "./roles";
import type { ServarrApp } from "./servarr-app";
import type { ServiceTokens } from "./service-tokens";
import { SshAccess } from "./ssh-access";
import { RESTARTER, type SupportService, supportServices } from "./support-services";
import { Tunnel } from "./tunnel";
import type { ImagePolicy } from "./validate-app-props";
import { validateHostApps } from "./validate-host-apps";
import { validateHostProps } from "./validate-host-props";
import type { ZoneHardening } from "./zone-hardening";

export type { CloudflareTarget, HostOptions, HostProps } from "./host-props";

/**
 * One Docker host: the compose project, its Cloudflare Tunnel, its Access applications and
 * the shared literals (domain, owners, time zone, group, directories) set once for every app.
 */
export class Host extends Construct {
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
  private readonly registered = new Map<string, ServarrApp>();
  private sorted?: readonly ServarrApp[];

  /**
   * @param repository the repository the host clones and deploys from (constructs/repository.ts),
   *   read from the GitHub config so the branch and URL are never typed twice.
   */
  constructor(scope: Construct, name: string, props: HostProps, account: Account, repository: RepositoryFacts, options: HostOptions = {}) {
    super(scope, name);
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
    this.ssh = new SshAccess(this, "ssh", { subdomain: options.prefix ? `ssh-${options.prefix}` : "ssh", ...props.ssh });
    if (this.recovery.notify)
      this.secrets.require(
        NOTIFY_SECRET,
        `${this.recovery.notify.kind} URL the host's notifications are posted to (topic and credentials included)`,
      );
    this.node.addValidation({ validate: () => [...validateHostApps(this), ...crossHostProblems(this)].map(describeProblem) });
  }

  /** Access for every host: the account's reusable policies (constructs/account.ts). */
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
  register(app: ServarrApp): void {
    this.registered.set(app.name, app);
    this.sorted = undefined;
  }

  /** Every app, sorted by name: output order never depends on declaration order. */
  get apps(): readonly ServarrApp[] {
    this.sorted ??= [...this.registered.values()].sort((a, b) => a.name.localeCompare(b.name));
    return this.sorted;
  }

  /** Every app in declaration order (conflicts are reported on the later one). */
  get declaredApps(): readonly ServarrApp[] {
    return [...this.registered.values()];
  }

  app(name: string): ServarrApp | undefined {
    return this.registered.get(name);
  }

  /** The app doing that job for the host, with its typed role data (`.role`), if any. */
  appWithRole<K extends RoleKind>(kind: K): (ServarrApp & { readonly role: RoleOf<K> }) | undefined {
    return this.apps.find((a): a is ServarrApp & { readonly role: RoleOf<K> } => a.role?.kind === kind);
  }

  /** Prefix of a published LAN port: `<lanAddress>:` or nothing. */
  get lanBind(): string {
    return this.lanAddress ? `${this.lanAddress}:` : "";
  }

  /**
   * Who shares a network with whom, derived from talksTo (plus the tunnel connector's exposed
   * apps, the monitor's every app, the restarter's proxy). See constructs/network-plan.ts.
   */
  networkPlan(): NetworkPlan {
    return new NetworkPlan(this.networkNodes());
  }

  /** Every app's config dir as the backup app mounts it (read-only). */
  backupSources(): BackupSource[] {
    return backupSources(this);
  }

  /** The support services (the restarter and its Docker API proxy) of this host. */
  supportServices(): SupportService[] {
    return supportServices(this);
  }

  private networkNodes(): NetworkNode[] {
    const apps = this.apps;
    const gateway = this.appWithRole("vpn-gateway");
    const backup = this.appWithRole("backup");
    const lan = new Set(lanNetworkApps(this));
    const nodes: NetworkNode[] = apps.map((app) => {
      const talksTo = new Set(app.peers);
      if (app.role?.kind === "tunnel-connector") for (const a of apps) if (a.routes.length > 0 && a !== app) talksTo.add(a.name);
      // The monitor checks apps over HTTP only: no Docker API proxy (support-services.ts).
      if (app.role?.kind === "monitor") for (const a of apps) if (a !== app) talksTo.add(a.name);
      // The backup app posts its error reports to the restarter's relay (constructs/backup-notify.ts).
      if (app.role?.kind === "backup" && backupRelay(this, RESTARTER)) talksTo.add(RESTARTER);
      return {
        name: app.name,
        talksTo: [...talksTo].sort(),
        outside: app.needsOutside,
        ...(lan.has(app.name) ? { crossHost: true } : {}),
        ...(app.vpn && gateway ? { via: { service: gateway.name, mode: "namespace" as const } } : {}),
      };
    });
    nodes.push(...supportServices(this).map((s) => s.node));
    // The wire job configures every app with a keyed api (compose/wire-service.ts).
    const wired = wiredAppNames(apps);
    if (wired.length > 0) nodes.push({ name: WIRE_JOB, talksTo: wired, outside: false });
    if (backup)
      for (const job of backupJobs(this, backup))
        nodes.push({ name: job.service, talksTo: [], outside: false, via: { service: backup.name, mode: "egress" } });
    return nodes;
  }
}
