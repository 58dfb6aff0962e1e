import { Construct } from "constructs";
import type { ComposeService } from "../compose/compose-spec";
import type { BackupPolicy } from "./backups";
import { Exposure } from "./exposure";
import {
  DEFAULT_HEALTH_TIMING,
  type HealthProbe,
  type HealthTiming,
  healthRoutePath,
  healthTimingProblems,
  type ProbeRunner,
  renderHealthcheck,
} from "./health";
import type { Host } from "./host";
import { assertNoProblems, ConfigError } from "./problems";
import { serviceTokenProblems, validateAppProps } from "./validate-app-props";

/** Which part of the single /data tree (TRaSH layout) an app mounts. */
export type DataAccess = "none" | "media" | "downloads" | "all";

/**
 * How the container learns which user to run as:
 * - linuxserver: PUID/PGID/UMASK environment (LinuxServer.io images),
 * - user: Compose `user: uid:gid`,
 * - image: the image's own user (root or a built-in one), e.g. the VPN gateway, which needs NET_ADMIN.
 */
export type Identity = "linuxserver" | "user" | "image";

/**
 * - vpn-gateway: VPN-routed apps share its network namespace (gluetun),
 * - tunnel-connector: runs the host's Cloudflare Tunnel (cloudflared); talks to every exposed app,
 * - monitor: checks every app over HTTP (uptime-kuma); talks to every app, never to the Docker API,
 * - backup: backs up every app's config dir (kopia), mounted read-only.
 */
export type AppRole = "vpn-gateway" | "tunnel-connector" | "monitor" | "backup";

export interface ServarrAppProps {
  /** Pinned image: `repository:tag`, ideally `repository:tag@sha256:...`. */
  readonly image: string;
  /**
   * The container port of the app's web interface. Drives the ingress rule, the LAN port
   * mapping, the healthcheck and the monitor.
   * @default none (the app is not reachable over HTTP)
   */
  readonly port?: number;
  /** @default Exposure.internal() */
  readonly exposure?: Exposure;
  /**
   * More hostnames for the same port, e.g. a public status page next to a private admin UI.
   * @default none
   */
  readonly alsoExpose?: readonly Exposure[];
  /**
   * Route all the app's traffic through the VPN gateway: it joins the gateway's network
   * namespace, has no networks or ports of its own, and is reached at `http://<gateway>:<port>`.
   * @default false
   */
  readonly vpn?: boolean;
  /**
   * A job this app does for the whole host; at most one app per role.
   * @default none
   */
  readonly role?: AppRole;
  /**
   * Apps this one opens connections to (by name). Drives network segmentation.
   * @default none
   */
  readonly talksTo?: readonly string[];
  /** @default "none" */
  readonly data?: DataAccess;
  /** @default "linuxserver" */
  readonly identity?: Identity;
  /** The app's own user id on the host (owner of its config dir). Required unless identity is "image". */
  readonly uid?: number;
  /**
   * Where the app keeps its state inside the container; the host's `<configRoot>/<name>` is
   * mounted there and backed up. `null` for stateless apps.
   * @default "/config"
   */
  readonly configPath?: string | null;
  /**
   * HTTP path that answers 200 without authentication when the app is healthy.
   * @default none
   */
  readonly healthPath?: string;
  /** Plain, non-secret environment. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secret variables the app reads, name → what it is. Values live only in Terraform
   * (sensitive), GitHub secrets and the host's `.env`; compose only references them.
   * @default none
   */
  readonly secretEnv?: Readonly<Record<string, string>>;
  /** @default the image's command */
  readonly command?: readonly string[];
  /** @default none */
  readonly capAdd?: readonly string[];
  /** @default none */
  readonly devices?: readonly string[];
  /**
   * Never cache this app's responses at the CDN (media streams, e.g. Plex).
   * @default false (Cloudflare's default caching of static files)
   */
  readonly cacheBypass?: boolean;
  /** Compose `extra_hosts`, e.g. `host.docker.internal:host-gateway`. @default none */
  readonly extraHosts?: readonly string[];
  /** One line for the summary and the README. */
  readonly description?: string;
  /**
   * The app needs the internet (metadata, sign-in, notifications...): it gets a routed network
   * of its own. VPN-routed apps reach the internet only through the gateway whatever this says.
   * The VPN gateway and the tunnel connector always have egress.
   * @default false (peers only)
   */
  readonly egress?: boolean;
  /**
   * How the healthcheck of `healthPath` runs inside the image (see constructs/health.ts).
   * @default "shell"
   */
  readonly healthRunner?: ProbeRunner;
  /**
   * An exec-form healthcheck of the image itself, for images without a shell (distroless)
   * or with a better built-in check. Replaces the `healthPath` probe.
   * @default none
   */
  readonly healthCommand?: readonly string[];
  /**
   * VPN gateway only: a URL on 127.0.0.1 served by the gateway's own process. Every VPN-routed
   * app probes it in its healthcheck, so an app left in a dead namespace after the engine
   * restarted the gateway turns unhealthy (and the restarter restarts it).
   * @default none
   */
  readonly namespaceProbe?: string;
  /**
   * VPN gateway only: the port the VPN provider forwards to this host (torrent incoming
   * connections); opened in the gateway's firewall and handed to the app with `vpnPortEnv`.
   * @default none
   */
  readonly vpnInputPort?: number;
  /**
   * VPN-routed app: environment variable through which it learns the gateway's `vpnInputPort`
   * (qBittorrent: TORRENTING_PORT).
   * @default none
   */
  readonly vpnPortEnv?: string;
  /**
   * When the healthcheck runs and when its failures count (see constructs/health.ts); presets
   * set the start period from how long the app takes to answer after a start.
   * @default DEFAULT_HEALTH_TIMING (probes 10 s apart, 3 retries, 5 s timeout, 60 s start period)
   */
  readonly healthTiming?: Partial<HealthTiming>;
  /** Backup app only: snapshot schedule and retention. @default see DEFAULT_BACKUP_POLICY */
  readonly backupPolicy?: BackupPolicy;
}

export interface AppRoute {
  readonly hostname: string;
  readonly exposure: Exposure;
}

const DATA_MOUNTS: Record<DataAccess, readonly string[]> = {
  none: [],
  media: ["media"],
  downloads: ["torrents"],
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
    ]);

    this.routes = [this.exposure, ...(props.alsoExpose ?? [])]
      .filter((e) => e.atEdge)
      .map((exposure) => ({ hostname: `${exposure.subdomain ?? name}.${host.domain}`, exposure }));
    host.register(this);
    for (const [secret, description] of Object.entries(props.secretEnv ?? {})) host.secrets.require(secret, description);
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
    Object.assign(environment, props.environment);
    for (const name of Object.keys(props.secretEnv ?? {})) environment[name] = `\${${name}:?${name} must be set in .env}`;

    if (props.role === "vpn-gateway") {
      // gluetun's firewall: the forwarded port in from the VPN, the namespace's app ports in from peers.
      if (props.vpnInputPort !== undefined) environment.FIREWALL_VPN_INPUT_PORTS = String(props.vpnInputPort);
      const ports = host.apps.filter((a) => a.vpn && a.port !== undefined).map((a) => a.port);
      if (ports.length > 0) environment.FIREWALL_INPUT_PORTS = ports.join(",");
    }
    const gateway = this.vpn ? this.host.appWithRole("vpn-gateway") : undefined;
    const inputPort = gateway?.props.vpnInputPort;
    if (props.vpnPortEnv && inputPort !== undefined) environment[props.vpnPortEnv] = String(inputPort);
    const lanPort = this.exposure.lanPort;
    const volumes = [
      ...(this.configDir ? [`${this.configDir}:${props.configPath ?? "/config"}`] : []),
      ...DATA_MOUNTS[props.data ?? "none"].map((sub) => (sub ? `${host.dataRoot}/${sub}:/data/${sub}` : `${host.dataRoot}:/data`)),
      ...(props.role === "backup" ? host.backupSources().map((s) => `${s.hostDir}:${s.containerDir}:ro`) : []),
    ];
    const networks = gateway ? [] : host.networkPlan().networksOf(this.name);
    const health = this.healthProbe;
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
      ...(gateway ? {} : networks.length > 0 ? { networks } : { network_mode: "none" }),
      ...(lanPort !== undefined ? { ports: [`${host.lanBind}${lanPort}:${props.port}`] } : {}),
      environment,
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(props.command ? { command: props.command } : {}),
      ...(props.capAdd ? { cap_add: props.capAdd } : {}),
      ...(props.devices ? { devices: props.devices } : {}),
      ...(props.extraHosts ? { extra_hosts: props.extraHosts } : {}),
      ...(health ? { healthcheck: renderHealthcheck(health, this.healthTiming), labels: { [AUTOHEAL_LABEL]: "true" } } : {}),
    };
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

/** Label the restarter looks for: only containers carrying it are restarted when unhealthy. */
export const AUTOHEAL_LABEL = "servarr.autoheal";
