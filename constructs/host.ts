import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { ComposeFile, ComposeNetwork, ComposeService } from "../compose/compose-spec";
import type { AccessControl } from "./access-control";
import type { Account } from "./account";
import { BackupBucket, type BackupBucketOptions } from "./backup-bucket";
import { BACKUP_JOBS, type BackupSource, backupJobs, backupSources } from "./backups";
import { crossHostPorts, crossHostProblems, lanBridge, linksOf } from "./cross-host";
import type { GoogleIdentityProvider } from "./google-idp";
import { type Machine, type MachineProps, resolveMachine, TUNNEL_BRIDGE, validateMachineProps } from "./host-machine";
import { HostSecrets, secretFileName } from "./host-secrets";
import { type NetworkNode, NetworkPlan } from "./network-plan";
import { assertNoProblems, describeProblem } from "./problems";
import { composeLogging, NOTIFY_SECRET, type Recovery, type RecoveryOptions, recoveryProblems, resolveRecovery } from "./restarter";
import type { AppRole, ServarrApp } from "./servarr-app";
import type { ServiceTokenOptions, ServiceTokens } from "./service-tokens";
import { SshAccess, type SshOptions } from "./ssh-access";
import { type SupportService, supportServices } from "./support-services";
import { Tunnel } from "./tunnel";
import type { ImagePolicy } from "./validate-app-props";
import { validateHostApps } from "./validate-host-apps";
import { validateHostProps } from "./validate-host-props";
import type { ZoneHardening } from "./zone-hardening";

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

/** How a host sits among the config's hosts. */
export interface HostOptions {
  /**
   * Unset for the first host (today's names: ssh.<domain>, TUNNEL_TOKEN, tunnel_token); the
   * host's name for every other one: ssh-<host>.<domain>, GitHub secret <HOST>_TUNNEL_TOKEN,
   * Terraform output <host>_tunnel_token (constructs/host-secrets.ts).
   */
  readonly prefix?: string;
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

  constructor(scope: Construct, name: string, props: HostProps, account: Account, options: HostOptions = {}) {
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
    this.machine = resolveMachine(props.machine);
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

  appWithRole(role: AppRole): ServarrApp | undefined {
    return this.apps.find((a) => a.props.role === role);
  }

  /** Prefix of a published LAN port: `<lanAddress>:` or nothing. */
  get lanBind(): string {
    return this.lanAddress ? `${this.lanAddress}:` : "";
  }

  /** The compose project of this host, derived from its apps. */
  composeProject(): ComposeFile {
    const services: Record<string, ComposeService> = Object.fromEntries(this.apps.map((a) => [a.name, a.composeService()]));
    for (const s of supportServices(this)) services[s.name] = { ...s.service, ...this.networkingOf(s.name) };
    const backup = this.appWithRole("backup");
    if (backup) {
      const jobs = backupJobs(this, backup);
      Object.assign(services, jobs);
      const policyJob = Object.keys(jobs).find((n) => n.endsWith("-policy"));
      const server = services[backup.name] as ComposeService;
      if (policyJob) server.depends_on = { ...server.depends_on, [policyJob]: { condition: "service_completed_successfully" } };
    }
    // Every container's logs bounded on disk, whatever the engine's default driver.
    for (const service of Object.values(services)) service.logging = composeLogging(this.recovery.logs);
    // Ports other hosts' apps reach, on this host's LAN address only (constructs/cross-host.ts).
    for (const p of crossHostPorts(this)) {
      const target = services[p.app] as ComposeService;
      if (target.network_mode === undefined) target.ports = [...(target.ports ?? []), `${this.lanBind}${p.port}:${p.port}`];
    }
    const connector = this.appWithRole("tunnel-connector");
    const networks: Record<string, ComposeNetwork> = Object.fromEntries(
      this.networkPlan().networks.map((n) => [
        n.name,
        // The firewall admits SSH from this bridge only (constructs/host-machine.ts TUNNEL_BRIDGE).
        connector && n.name === `${connector.name}-egress`
          ? { internal: n.internal, driver_opts: { "com.docker.network.bridge.name": TUNNEL_BRIDGE } }
          : n.purpose === "lan"
            ? // The firewall lets this bridge reach the declared peers only (compose/host-scripts.ts).
              { internal: false, driver_opts: { "com.docker.network.bridge.name": lanBridge(n.members[0] as string) } }
            : { internal: n.internal },
      ]),
    );
    const configs = Object.assign({}, ...this.apps.map((a) => a.composeConfigs()));
    // Each secret a service reads as a file, from the host's .env entry of the same name (the deploy writes .env).
    const sources = new Set(Object.values(services).flatMap((s) => (s.secrets ?? []).map((x) => (typeof x === "string" ? x : x.source))));
    const secrets = Object.fromEntries(
      this.secrets
        .for("host")
        .filter((s) => sources.has(secretFileName(s.name)))
        .map((s) => [secretFileName(s.name), { environment: s.name }]),
    );
    return {
      name: this.name,
      services: Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b))),
      networks,
      ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      ...(Object.keys(configs).length > 0 ? { configs } : {}),
    };
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
    const targets = new Set(crossHostPorts(this).map((p) => p.app));
    const clients = new Set(linksOf(this).map((l) => l.client.name));
    const nodes: NetworkNode[] = apps.map((app) => {
      const talksTo = new Set(app.peers);
      if (app.props.role === "tunnel-connector") for (const a of apps) if (a.routes.length > 0 && a !== app) talksTo.add(a.name);
      // The monitor checks apps over HTTP only: no Docker API proxy (support-services.ts).
      if (app.props.role === "monitor") for (const a of apps) if (a !== app) talksTo.add(a.name);
      return {
        name: app.name,
        talksTo: [...talksTo].sort(),
        outside: app.needsOutside || targets.has(app.name),
        ...(clients.has(app.name) && !app.props.hostNetwork ? { crossHost: true } : {}),
        ...(app.vpn && gateway ? { via: { service: gateway.name, mode: "namespace" as const } } : {}),
      };
    });
    nodes.push(...supportServices(this).map((s) => s.node));
    if (backup)
      for (const job of BACKUP_JOBS)
        nodes.push({ name: `${backup.name}-${job}`, talksTo: [], outside: false, via: { service: backup.name, mode: "egress" } });
    return nodes;
  }

  private networkingOf(service: string): Pick<ComposeService, "networks" | "network_mode"> {
    const networks = this.networkPlan().networksOf(service);
    return networks.length > 0 ? { networks } : { network_mode: "none" };
  }
}
