import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AccessControl } from "./access-control";
import { BackupBucket, type BackupBucketOptions } from "./backup-bucket";
import { backupRelay } from "./backup-notify";
import { type BackupSource, backupJobs, backupSources } from "./backups";
import { CI_ACCESS_SECRETS } from "./deploy-secrets";
import { GoogleIdentityProvider } from "./google-idp";
import { type Machine, type MachineProps, resolveMachine, validateMachineProps } from "./host-machine";
import { HostSecrets } from "./host-secrets";
import { type NetworkNode, NetworkPlan } from "./network-plan";
import { assertNoProblems, describeProblem } from "./problems";
import type { RepositoryFacts } from "./repository";
import { NOTIFY_SECRET, type Recovery, type RecoveryOptions, recoveryProblems, resolveRecovery } from "./restarter";
import type { RoleKind, RoleOf } from "./roles";
import type { ServarrApp } from "./servarr-app";
import { type ServiceTokenOptions, ServiceTokens } from "./service-tokens";
import { SshAccess, type SshOptions } from "./ssh-access";
import { RESTARTER, type SupportService, supportServices } from "./support-services";
import { Tunnel } from "./tunnel";
import type { ImagePolicy } from "./validate-app-props";
import { validateHostApps } from "./validate-host-apps";
import { validateHostProps } from "./validate-host-props";
import { ZoneHardening } from "./zone-hardening";

export interface CloudflareTarget {
  /** Cloudflare account id (32 hex characters). */
  readonly accountId: string;
  /** Zone id of `domain` (32 hex characters). */
  readonly zoneId: string;
  /** Zero Trust team name: the `<team>` of `<team>.cloudflareaccess.com` (Google's redirect URI uses it). */
  readonly teamName: string;
  /** The R2 bucket Kopia backs up to. */
  readonly backupBucket: BackupBucketOptions;
  /**
   * Bot Fight Mode on the zone. It cannot be skipped for monitors or service tokens.
   * @default false
   */
  readonly botFightMode?: boolean;
}

export interface HostProps {
  /** The zone every app hostname lives under, e.g. example.com. */
  readonly domain: string;
  readonly cloudflare: CloudflareTarget;
  /** Emails of the people who may reach every private app (signed in through the IdP). */
  readonly owners: readonly string[];
  /** IANA time zone for every container, e.g. Europe/Berlin. */
  readonly timezone: string;
  /** Group shared by every app user and the /data tree (hardlinks need one group). */
  readonly gid: number;
  /** @default "servarr" */
  readonly groupName?: string;
  /** Host directory holding one sub-directory of state per app. */
  readonly configRoot: string;
  /** Host directory of the single /data tree (TRaSH layout: torrents/ and media/). */
  readonly dataRoot: string;
  /** @default "002" (group-writable, so every app can hardlink and move) */
  readonly umask?: string;
  /**
   * LAN address LAN ports are published on. Unset publishes on every interface.
   * @default every interface
   */
  readonly lanAddress?: string;
  /**
   * How strictly images must be pinned: "tag" (a version tag) or "digest" (tag@sha256).
   * @default "tag"
   */
  readonly imagePolicy?: ImagePolicy;
  /** The machine itself: LAN, SSH, data disk, updates, checkout (drives setup.sh and first-boot.sh). */
  readonly machine: MachineProps;
  /**
   * Access service tokens (machine identities) by name; must include "ci-deploy" (the deploy
   * over SSH) and "uptime-monitor" (off-host uptime checks).
   */
  readonly serviceTokens: Readonly<Record<string, ServiceTokenOptions>>;
  /** SSH to the host through the tunnel. @default ssh.<domain> to host.docker.internal:22 */
  readonly ssh?: SshOptions;
  /** The restarter's back-off and every container's log cap (constructs/restarter.ts). @default their defaults */
  readonly recovery?: RecoveryOptions;
}

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
  readonly access: AccessControl;
  readonly machine: Machine;
  readonly identityProvider: GoogleIdentityProvider;
  readonly serviceTokens: ServiceTokens;
  readonly backup: BackupBucket;
  readonly zone: ZoneHardening;
  readonly ssh: SshAccess;
  readonly recovery: Recovery;
  private readonly lanAddress?: string;
  private readonly registered = new Map<string, ServarrApp>();
  private sorted?: readonly ServarrApp[];

  /**
   * @param repository the repository the host clones and deploys from (constructs/repository.ts),
   *   read from the GitHub config so the branch and URL are never typed twice.
   */
  constructor(scope: Construct, name: string, props: HostProps, repository: RepositoryFacts) {
    super(scope, name);
    this.name = name;
    this.domain = props.domain;
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

    this.secrets = new HostSecrets(this, "secrets");
    this.tunnel = new Tunnel(this, "tunnel", { ...props.cloudflare, name });
    this.secrets.provide(
      "TUNNEL_TOKEN",
      "Cloudflare Tunnel connector token (Terraform: the tunnel's token data source)",
      this.tunnel.token,
    );
    new TerraformOutput(this, "tunnel-token", {
      value: this.tunnel.token,
      sensitive: true,
      description: "Cloudflare Tunnel connector token",
    }).overrideLogicalId("tunnel_token");
    const { accountId } = props.cloudflare;
    this.identityProvider = new GoogleIdentityProvider(this, "google", { accountId, teamName: props.cloudflare.teamName, name: "Google" });
    this.serviceTokens = new ServiceTokens(this, "service-tokens", { accountId, namePrefix: name, tokens: props.serviceTokens });
    const ci = this.serviceTokens.required("ci-deploy");
    this.secrets.provide(
      CI_ACCESS_SECRETS.clientId,
      "Access service token id of the CI deploy (SSH through the tunnel)",
      ci.clientId,
      "ci",
    );
    this.secrets.provide(CI_ACCESS_SECRETS.clientSecret, "Access service token secret of the CI deploy", ci.clientSecret, "ci");
    // The uptime monitor's token goes straight into the uptime checks (stacks/integrations.ts): no workflow reads it, so it is no GitHub secret.
    this.serviceTokens.required("uptime-monitor");
    this.access = new AccessControl(this, "access", {
      accountId,
      owners: props.owners,
      namePrefix: name,
      identityProvider: this.identityProvider,
      serviceTokens: this.serviceTokens,
    });
    this.backup = new BackupBucket(this, "backup", { ...props.cloudflare.backupBucket, accountId, namePrefix: name });
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
    this.zone = new ZoneHardening(this, "zone", { zoneId: props.cloudflare.zoneId, botFightMode: props.cloudflare.botFightMode });
    this.ssh = new SshAccess(this, "ssh", props.ssh);
    if (this.recovery.notify)
      this.secrets.require(
        NOTIFY_SECRET,
        `${this.recovery.notify.kind} URL the host's notifications are posted to (topic and credentials included)`,
      );
    this.node.addValidation({ validate: () => validateHostApps(this).map(describeProblem) });
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
        ...(app.vpn && gateway ? { via: { service: gateway.name, mode: "namespace" as const } } : {}),
      };
    });
    nodes.push(...supportServices(this).map((s) => s.node));
    if (backup)
      for (const job of backupJobs(this, backup))
        nodes.push({ name: job.service, talksTo: [], outside: false, via: { service: backup.name, mode: "egress" } });
    return nodes;
  }
}
