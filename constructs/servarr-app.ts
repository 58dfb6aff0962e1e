import { Password } from "@cdktf/provider-random/lib/password";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { ComposeService, ComposeServiceSecret } from "../compose/compose-spec";
import type { AppKind, DataAccess, ServarrAppProps } from "./app-props";
import { resolveAppUrls } from "./app-url";
import { Exposure } from "./exposure";
import {
  DEFAULT_HEALTH_TIMING,
  type HealthProbe,
  type HealthTiming,
  healthRoutePath,
  healthTimingProblems,
  renderHealthcheck,
} from "./health";
import type { Host } from "./host";
import { secretFileName } from "./host-secrets";
import { DEFAULT_LIMITS, riskProblems, secretFilesOf } from "./least-privilege";
import { assertNoProblems, ConfigError } from "./problems";
import { serviceTokenProblems, validateAppProps } from "./validate-app-props";

export type { AppKind, AppRole, DataAccess, Identity, ServarrAppProps } from "./app-props";

export interface AppRoute {
  readonly hostname: string;
  readonly exposure: Exposure;
}

const DATA_MOUNTS: Record<DataAccess, readonly string[]> = {
  none: [],
  media: ["media"],
  downloads: ["torrents"],
  usenet: ["usenet"],
  all: [""],
};

/**
 * One self-hosted app. This single construct fans out to every layer: its compose service,
 * its tunnel ingress rule and proxied DNS record, its Access application, and (through the
 * host) its networks, user, dirs and backups.
 */
export class ServarrApp extends Construct {
  readonly name: string;
  readonly host: Host;
  readonly props: ServarrAppProps;
  readonly exposure: Exposure;
  readonly routes: readonly AppRoute[];

  constructor(host: Host, name: string, props: ServarrAppProps) {
    super(host, ServarrApp.uniqueId(host, name));
    this.name = name;
    this.host = host;
    this.props = props;
    this.exposure = props.exposure ?? Exposure.internal();
    assertNoProblems(this, [
      ...validateAppProps(name, props, host.imagePolicy),
      ...serviceTokenProblems(props, host.serviceTokens.names),
      ...healthTimingProblems("healthTiming", props.healthTiming),
      ...riskProblems(props),
    ]);

    this.routes = [this.exposure, ...(props.alsoExpose ?? [])]
      .filter((e) => e.atEdge)
      .map((exposure) => ({ hostname: `${exposure.subdomain ?? name}.${host.domain}`, exposure }));
    host.register(this);
    for (const [secret, description] of Object.entries(props.secretEnv ?? {})) host.secrets.require(secret, description);
    if (props.apiKeyEnv) {
      // Terraform makes the key, so the apps that call this one can be given it too.
      const key = new Password(this, "api-key", { length: 32, special: false, upper: false });
      host.secrets.provide(this.apiKeySecret as string, `API key of ${name} (Terraform: random_password)`, key.result);
      // The first start on the host reads it from here (npm run setup -- env); later deploys from the GitHub secret.
      const output = (this.apiKeySecret as string).toLowerCase();
      new TerraformOutput(this, "api-key-output", {
        value: key.result,
        sensitive: true,
        description: `API key of ${name}`,
      }).overrideLogicalId(output);
    }
    for (const route of this.routes) {
      host.tunnel.route(this, {
        hostname: route.hostname,
        path: route.exposure.path,
        service: () => this.originUrl,
        owner: this.node.path,
      });
      if (route.exposure.kind === "private") {
        host.access.protect(this, {
          hostname: route.hostname,
          allowEmails: route.exposure.allowEmails,
          serviceTokens: route.exposure.serviceTokens,
          healthPath: healthRoutePath(props.healthPath, route.exposure.path),
        });
      }
      if (props.cacheBypass) host.zone.bypassCache(route.hostname);
    }
  }

  private static uniqueId(host: Host, name: string): string {
    if (host.node.tryFindChild(name) !== undefined)
      throw new ConfigError(`${host.node.path}/${name}`, [
        { field: "name", value: name, allowed: "a name not used by another app or construct on this host" },
      ]);
    return name;
  }

  /** The host `.env` entry holding this app's API key (apiKeyEnv), e.g. SONARR_API_KEY. */
  get apiKeySecret(): string | undefined {
    return this.props.apiKeyEnv ? `${this.name.toUpperCase().replaceAll("-", "_")}_API_KEY` : undefined;
  }

  /** Whether the app is of this kind (see AppKind). */
  is(kind: AppKind): boolean {
    return this.props.kinds?.includes(kind) ?? false;
  }

  /** Apps this one opens connections to: named in talksTo, or declared with a kind in talksToKinds. */
  get peers(): readonly string[] {
    const byKind = this.host.apps.filter((a) => a !== this && (this.props.talksToKinds ?? []).some((k) => a.is(k)));
    return [...new Set([...(this.props.talksTo ?? []), ...byKind.map((a) => a.name)])].sort();
  }

  /** The whole environment as written (plain, derived from the host, URL placeholders unresolved). */
  get declaredEnvironment(): Readonly<Record<string, string>> {
    return { ...this.props.environment, ...this.props.environmentFrom?.(this.host) };
  }

  get vpn(): boolean {
    return this.props.vpn === true;
  }

  get port(): number | undefined {
    return this.props.port;
  }

  /**
   * Where other containers (and cloudflared) reach the app: a VPN-routed app lives in the
   * gateway's network namespace, so its port is reached through the gateway's name.
   */
  get originUrl(): string {
    const via = this.vpn ? (this.host.appWithRole("vpn-gateway")?.name ?? this.name) : this.name;
    return `http://${via}:${this.props.port}`;
  }

  /** Host directory holding the app's state, or undefined for stateless apps. */
  get configDir(): string | undefined {
    return this.props.configPath === null ? undefined : `${this.host.configRoot}/${this.name}`;
  }

  /** The compose service, derived from the props and the host's shared settings. */
  composeService(): ComposeService {
    const { props, host } = this;
    const identity = props.identity ?? "linuxserver";
    const environment: Record<string, string> = { TZ: host.timezone };
    if (identity === "linuxserver") {
      Object.assign(environment, { PUID: String(props.uid), PGID: String(host.gid), UMASK: host.umask });
    }
    for (const [key, value] of Object.entries(this.declaredEnvironment)) environment[key] = resolveAppUrls(host, value);
    for (const name of Object.keys(props.secretEnv ?? {})) environment[name] = envRef(name);
    if (props.apiKeyEnv && this.apiKeySecret) environment[props.apiKeyEnv] = envRef(this.apiKeySecret);

    if (props.role === "vpn-gateway") {
      // gluetun's firewall: the forwarded port in from the VPN, the namespace's app ports in from peers.
      if (props.vpnInputPort !== undefined) environment.FIREWALL_VPN_INPUT_PORTS = String(props.vpnInputPort);
      const ports = host.apps.filter((a) => a.vpn && a.port !== undefined).map((a) => a.port);
      if (ports.length > 0) environment.FIREWALL_INPUT_PORTS = ports.join(",");
    }
    const gateway = this.vpn ? this.host.appWithRole("vpn-gateway") : undefined;
    const inputPort = gateway?.props.vpnInputPort;
    if (props.vpnPortEnv && inputPort !== undefined) environment[props.vpnPortEnv] = String(inputPort);
    const secrets = this.secretsAsFiles(environment);
    const lanPort = this.exposure.lanPort;
    const volumes = [
      ...(this.configDir ? [`${this.configDir}:${props.configPath ?? "/config"}`] : []),
      ...DATA_MOUNTS[props.data ?? "none"].map((sub) => (sub ? `${host.dataRoot}/${sub}:/data/${sub}` : `${host.dataRoot}:/data`)),
      ...(props.role === "backup" ? host.backupSources().map((s) => `${s.hostDir}:${s.containerDir}:ro`) : []),
      ...(props.mounts ?? []),
    ];
    const networks = props.hostNetwork ? [] : gateway ? [] : host.networkPlan().networksOf(this.name);
    const health = this.healthProbe;
    const devices = [...(props.devices ?? []), ...(props.hardwareTranscoding ? ["/dev/dri:/dev/dri"] : [])];
    const files = Object.entries(props.files?.(host) ?? {});
    return {
      image: props.image,
      restart: "unless-stopped",
      ...(identity === "user" ? { user: `${props.uid}:${host.gid}` } : {}),
      ...(gateway
        ? {
            network_mode: `service:${gateway.name}`,
            depends_on: { [gateway.name]: { condition: "service_healthy" as const, restart: true } },
          }
        : {}),
      ...(gateway ? {} : props.hostNetwork ? { network_mode: "host" } : networks.length > 0 ? { networks } : { network_mode: "none" }),
      ...(props.hostPid ? { pid: "host" } : {}),
      ...(lanPort !== undefined ? { ports: [`${host.lanBind}${lanPort}:${props.port}`] } : {}),
      environment,
      ...(secrets.length > 0 ? { secrets } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(props.command ? { command: props.command } : {}),
      ...this.leastPrivilege,
      ...(devices.length > 0 ? { devices } : {}),
      ...(props.hardwareTranscoding ? { group_add: [String(props.hardwareTranscoding.renderGroupId)] } : {}),
      ...(files.length > 0 ? { configs: files.map(([target], i) => ({ source: this.configName(i), target })) } : {}),
      ...(props.extraHosts ? { extra_hosts: props.extraHosts } : {}),
      ...(health ? { healthcheck: renderHealthcheck(health, this.healthTiming), labels: { [AUTOHEAL_LABEL]: "true" } } : {}),
    };
  }

  /**
   * Moves every host secret out of `environment` (in place): each `${SECRET:?...}` value becomes
   * the image's file variable pointing at the Compose secret /run/secrets/<secret in lower case>
   * (see SecretFiles). Left in place only on an app whose image reads none from a file, which
   * then names its reason (reasons["secret-environment"]).
   */
  private secretsAsFiles(environment: Record<string, string>): ComposeServiceSecret[] {
    const convention = secretFilesOf(this.props);
    if (convention === "none") return [];
    const owner =
      (this.props.identity ?? "linuxserver") === "image"
        ? {}
        : { uid: String(this.props.identity === "user" ? this.props.uid : 0), gid: String(this.host.gid) };
    const secrets = new Map<string, ComposeServiceSecret>();
    for (const [key, value] of Object.entries(environment)) {
      const name = /^\$\{(\w+):\?[^}]*\}$/.exec(value)?.[1];
      if (name === undefined || this.host.secrets.get(name)?.audience !== "host") continue;
      const source = secretFileName(name);
      delete environment[key];
      const fileVariable = convention === "linuxserver" ? `FILE__${key}` : `${key}_${convention === "file" ? "FILE" : "SECRETFILE"}`;
      environment[fileVariable] = `/run/secrets/${source}`;
      // Readable by the process that reads it: root's init (linuxserver), the app's user, or any user of an image's own.
      secrets.set(source, { source, ...owner, mode: owner.uid === undefined ? 0o444 : 0o440 });
    }
    return [...secrets.values()];
  }

  /**
   * CIS Docker runtime basics: no new privileges, every capability dropped but the preset's
   * documented minimum (constructs/preset.ts), memory and process limits, read-only root where
   * the image allows; privileged only with a named reason (constructs/least-privilege.ts).
   */
  get leastPrivilege(): Pick<ComposeService, "cap_add"> & Record<string, unknown> {
    const { props } = this;
    const limits = { ...DEFAULT_LIMITS, ...props.limits };
    return {
      ...(props.privileged ? { privileged: true } : {}),
      security_opt: ["no-new-privileges:true"],
      cap_drop: ["ALL"],
      ...(props.capAdd && props.capAdd.length > 0 ? { cap_add: props.capAdd } : {}),
      ...(props.readOnlyRoot ? { read_only: true } : {}),
      mem_limit: limits.memory,
      pids_limit: limits.pids,
    };
  }

  /** Generated files of the app (`files`) as Compose inline configs, keyed by config name. */
  composeConfigs(): Record<string, { content: string }> {
    return Object.fromEntries(
      Object.values(this.props.files?.(this.host) ?? {}).map((content, i) => [
        this.configName(i),
        { content: resolveAppUrls(this.host, content) },
      ]),
    );
  }

  private configName(index: number): string {
    return `${this.name}-file-${index + 1}`;
  }

  /**
   * The app's healthcheck in typed form: its own command, or HTTP probes of its `healthPath`
   * plus, for a VPN-routed app, the gateway's namespace probe. Undefined when the app has none.
   */
  get healthProbe(): HealthProbe | undefined {
    const { props } = this;
    if (props.healthCommand) return { kind: "command", command: props.healthCommand };
    const gateway = this.vpn ? this.host.appWithRole("vpn-gateway") : undefined;
    const probes = [
      ...(props.healthPath && props.port !== undefined ? [{ url: `http://127.0.0.1:${props.port}${props.healthPath}` }] : []),
      ...(gateway?.props.namespaceProbe ? [{ url: gateway.props.namespaceProbe }] : []),
    ];
    return probes.length > 0 ? { kind: "http", probes, runner: props.healthRunner ?? "shell" } : undefined;
  }

  /** The healthcheck's timing: the preset's or config's over the defaults. */
  get healthTiming(): HealthTiming {
    return { ...DEFAULT_HEALTH_TIMING, ...this.props.healthTiming };
  }

  /** Needs a routed network of its own: declared egress, a host role that needs it, or a LAN port. */
  get needsOutside(): boolean {
    if (this.vpn) return false;
    const role = this.props.role;
    return this.props.egress === true || role === "vpn-gateway" || role === "tunnel-connector" || this.exposure.lanPort !== undefined;
  }
}

/** A reference to a host `.env` entry: Compose refuses to start when it is unset. */
export function envRef(name: string): string {
  return `\${${name}:?${name} must be set in .env}`;
}

/** Label the restarter looks for: only containers carrying it are restarted when unhealthy. */
export const AUTOHEAL_LABEL = "servarr.autoheal";
