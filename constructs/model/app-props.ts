import type { AppApi } from "./app-api";
import type { Login, LoginProps } from "./app-traits";
import {
  type AppKind,
  type ContainerLimits,
  type DataAccess,
  DEFAULT_LIMITS,
  type HostView,
  type Identity,
  type Risk,
  type SecretFiles,
} from "./app-traits";
import { Exposure } from "./exposure";
import { DEFAULT_HEALTH_TIMING, type HealthTiming, type ProbeRunner } from "./health";
import { type InstanceProps, type Library, resolveLibrary } from "./instances";
import type { AppRole } from "./roles";

export interface ServarrAppProps extends InstanceProps, LoginProps {
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
   * A job this app does for the whole host, with its own options: `Role.vpnGateway({ forwardedPort })`,
   * `Role.backup({ policy })`, `Role.tunnelConnector()`, `Role.monitor()` (constructs/model/roles.ts).
   * At most one app per role.
   * @default none
   */
  readonly role?: AppRole;
  /**
   * Apps this one opens connections to (by name). Drives network segmentation. Also picks the
   * one app of a singlePeerKinds kind declared several times.
   * @default none
   */
  readonly talksTo?: readonly string[];
  /**
   * What the app is (see AppKind); other apps find it by kind.
   * @default none
   */
  readonly kinds?: readonly AppKind[];
  /**
   * Kinds of apps this one opens connections to: every declared app of that kind becomes a
   * peer (none declared: no peer, never an error). Drives network segmentation like talksTo.
   * @default none
   */
  readonly talksToKinds?: readonly AppKind[];
  /**
   * Kinds of talksToKinds the app works with one of (Bazarr: one Sonarr, one Radarr). With
   * several declared, `talksTo` names the one (e.g. ["sonarr"]); naming none or two is an error.
   * @default none (every app of each kind is a peer)
   */
  readonly singlePeerKinds?: readonly AppKind[];
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
  /**
   * Capabilities added back after `cap_drop: [ALL]`; a dangerous one (SYS_ADMIN, NET_ADMIN...)
   * needs reasons.capability.
   * @default the preset's minimum (constructs/catalog/preset.ts PRESET_PRIVILEGES), else none
   */
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
  /** One line for the summary and the docs. */
  readonly description?: string;
  /**
   * The app needs the internet (metadata, sign-in, notifications...): it gets a routed network
   * of its own. VPN-routed apps reach the internet only through the gateway whatever this says.
   * The VPN gateway and the tunnel connector always have egress.
   * @default false (peers only)
   */
  readonly egress?: boolean;
  /**
   * How the healthcheck of `healthPath` runs inside the image (see constructs/model/health.ts).
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
   * VPN-routed app: environment variable through which it learns the gateway's forwarded port
   * (Role.vpnGateway({ forwardedPort }))
   * (qBittorrent: TORRENTING_PORT).
   * @default none
   */
  readonly vpnPortEnv?: string;
  /**
   * Hardware video transcoding (Intel/AMD VAAPI/QSV): `/dev/dri` is passed into the container
   * and the container joins the host's render group (`getent group render` on the host gives
   * its id; setup.sh checks it).
   * @default none (software transcoding)
   */
  readonly hardwareTranscoding?: { readonly renderGroupId: number };
  /**
   * The variable through which the app takes its API key (Sonarr: SONARR__AUTH__APIKEY). The
   * key is generated by Terraform, reaches the app through the host's `.env` as
   * `<NAME>_API_KEY`, and apps that call this one (unpackerr, recyclarr) read the same entry.
   * @default none (the app makes up its own key)
   */
  readonly apiKeyEnv?: string;
  /**
   * The HTTP API the app speaks (constructs/model/app-api.ts): the wiring configures it and the apps
   * it relates to through it, and its key is made by Terraform before its first start (through
   * apiKeyEnv, or written into its config file by the `<app>-keys` job).
   * @default none (servarr does not configure the app)
   */
  readonly api?: AppApi;
  /**
   * Fields of what the wire job configures in this app that it sets when it creates them and
   * then leaves to you, as `<relation kind>.<field>` with the app's own field name:
   * `download-client.tvCategory`, `seerr-server.isDefault`, `torrent-preferences.listen_port`,
   * `prowlarr-application.baseUrl`, `bazarr-arr.ip`, `monitor.interval` and `notification.ntfyPriority` on
   * Uptime Kuma (the wire job's `~` lines name the fields).
   * @default none (every field servarr sets is kept as the model says)
   */
  readonly leaveAlone?: readonly string[];
  /**
   * Environment derived from the whole host, computed when compose.yaml is rendered (after every
   * app is declared): e.g. unpackerr's list of the declared *arr apps. Values follow the rules
   * of `environment`.
   * @default none
   */
  readonly environmentFrom?: (host: HostView) => Readonly<Record<string, string>>;
  /**
   * Files generated from the model and mounted read-only into the container (Compose inline
   * `configs`), container path → content; e.g. recyclarr.yml.
   * @default none
   */
  readonly files?: (host: HostView) => Readonly<Record<string, string>>;
  /**
   * When the healthcheck runs and when its failures count (see constructs/model/health.ts); presets
   * set the start period from how long the app takes to answer after a start.
   * @default DEFAULT_HEALTH_TIMING (probes 10 s apart, 3 retries, 5 s timeout, 60 s start period)
   */
  readonly healthTiming?: Partial<HealthTiming>;
  /**
   * How the image reads its secrets from files (see SecretFiles).
   * @default "linuxserver" for the linuxserver identity, else "none"
   */
  readonly secretFiles?: SecretFiles;
  /**
   * Memory and process limits (Compose mem_limit, pids_limit); each field falls back to the
   * preset's default (constructs/catalog/preset.ts), then to DEFAULT_LIMITS.
   * @default the preset's
   */
  readonly limits?: ContainerLimits;
  /**
   * Root filesystem read-only: the image writes only to its mounts.
   * @default the preset's (cloudflared), else false
   */
  readonly readOnlyRoot?: boolean;
  /**
   * Extra host mounts, `host:container[:ro]`. A system path or the Docker socket needs a reason.
   * @default none
   */
  readonly mounts?: readonly string[];
  /** Compose privileged: refused without reasons.privileged. @default false */
  readonly privileged?: boolean;
  /** The host's network namespace: refused without reasons["host-network"]. @default false */
  readonly hostNetwork?: boolean;
  /** The host's PID namespace: refused without reasons["host-pid"]. @default false */
  readonly hostPid?: boolean;
  /**
   * The app's UI administers the host's stack (downloads, indexers, backups, monitoring): a
   * public hostname for it needs reasons["public-admin"].
   * @default false (the catalog sets it on its admin apps)
   */
  readonly adminUi?: boolean;
  /**
   * Named reasons for what is otherwise refused (constructs/validation/least-privilege.ts RISKS), e.g.
   * `{ "public-admin": "read-only demo instance" }`. Each is listed in the synth summary; a
   * reason for something the app does not ask for is an error.
   * @default none
   */
  readonly reasons?: Readonly<Partial<Record<Risk, string>>>;
}

/** The props with every default applied: AppModel.props, resolved once on construction. */
export interface ResolvedAppProps extends Omit<ServarrAppProps, "library"> {
  readonly exposure: Exposure;
  readonly alsoExpose: readonly Exposure[];
  readonly vpn: boolean;
  readonly talksTo: readonly string[];
  readonly kinds: readonly AppKind[];
  readonly talksToKinds: readonly AppKind[];
  readonly singlePeerKinds: readonly AppKind[];
  readonly library?: Library;
  readonly login: Login;
  readonly data: DataAccess;
  readonly identity: Identity;
  readonly configPath: string | null;
  readonly environment: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly healthRunner: ProbeRunner;
  readonly healthTiming: HealthTiming;
  readonly secretFiles: SecretFiles;
  readonly limits: Required<ContainerLimits>;
  readonly reasons: Readonly<Partial<Record<Risk, string>>>;
}

/** The one place an app's defaults are applied (each prop's @default above). */
export function resolveAppProps(props: ServarrAppProps): ResolvedAppProps {
  const identity = props.identity ?? "linuxserver";
  return {
    ...props,
    exposure: props.exposure ?? Exposure.internal(),
    alsoExpose: props.alsoExpose ?? [],
    vpn: props.vpn === true,
    talksTo: props.talksTo ?? [],
    kinds: props.kinds ?? [],
    talksToKinds: props.talksToKinds ?? [],
    singlePeerKinds: props.singlePeerKinds ?? [],
    library: resolveLibrary(props.library),
    login: props.login ?? "app",
    data: props.data ?? "none",
    identity,
    configPath: props.configPath === undefined ? "/config" : props.configPath,
    environment: props.environment ?? {},
    secretEnv: props.secretEnv ?? {},
    healthRunner: props.healthRunner ?? "shell",
    healthTiming: { ...DEFAULT_HEALTH_TIMING, ...props.healthTiming },
    secretFiles: secretFilesOf(props),
    limits: { ...DEFAULT_LIMITS, ...props.limits },
    reasons: props.reasons ?? {},
  };
}

/** Where a secret-reading app takes secrets as files (the default by its identity). */
export function secretFilesOf(props: ServarrAppProps): SecretFiles {
  return props.secretFiles ?? ((props.identity ?? "linuxserver") === "linuxserver" ? "linuxserver" : "none");
}
