import type { Machine } from "../config/machine";
import type { ImagePolicy } from "../config/options";
import type { Recovery } from "../config/recovery";
import type { SecretList } from "../config/secrets";
import type { ResolvedAppProps } from "./app-props";
import type { AppKind } from "./app-traits";
import type { Exposure } from "./exposure";
import type { HealthProbe, HealthTiming } from "./health";
import type { Library, PresetName } from "./instances";
import type { AppRole, RoleKind, RoleOf } from "./roles";

/** One hostname at the edge that routes to an app. */
export interface AppRoute {
  readonly hostname: string;
  readonly exposure: Exposure;
}

/**
 * What every rule and renderer reads of one app: the app as the model sees it, with every
 * default applied and no Terraform in it. The ServarrApp construct (constructs/host/) is the one
 * implementation; the compose, Cloudflare and GitHub renderers and the validation rules read
 * this interface, so the model never imports the constructs that render it.
 */
export interface AppModel {
  readonly name: string;
  readonly host: HostModel;
  /** The props with every default applied (resolveAppProps): read these, never re-apply a default. */
  readonly props: ResolvedAppProps;
  readonly exposure: Exposure;
  /** The job this app does for the host, with its resolved options (see ./roles.ts). */
  readonly role?: AppRole;
  readonly routes: readonly AppRoute[];
  /** The host `.env` entry holding this app's API key (apiKeyEnv), e.g. SONARR_API_KEY. */
  readonly apiKeySecret: string | undefined;
  /** Apps this one opens connections to: named in talksTo, or declared with a kind in talksToKinds. */
  readonly peers: readonly string[];
  /** The whole environment as written (plain, derived from the host, URL placeholders unresolved). */
  readonly declaredEnvironment: Readonly<Record<string, string>>;
  readonly vpn: boolean;
  readonly port: number | undefined;
  /** Where other containers (and cloudflared) reach the app (through the VPN gateway's name when VPN-routed). */
  readonly originUrl: string;
  /** Host directory holding the app's state, or undefined for stateless apps. */
  readonly configDir: string | undefined;
  /** The app's healthcheck in typed form, or undefined when it has none. */
  readonly healthProbe: HealthProbe | undefined;
  readonly healthTiming: HealthTiming;
  /** Needs a routed network of its own: declared egress, a host role that needs it, or a LAN port. */
  readonly needsOutside: boolean;
  /** The catalog preset the app is an instance of (catalog.sonarr(host, { name: "sonarr-4k" })), if any. */
  readonly preset?: PresetName;
  /** Where a media manager keeps its library: root folder, download category (./instances.ts). */
  readonly library: Library | undefined;
  /** Whether the app is of this kind (see AppKind). */
  is(kind: AppKind): boolean;
  /** The apps of that kind this one works with: all of them, or the one its talksTo names where it works with one only. */
  peersOfKind(kind: AppKind): readonly AppModel[];
}

/** An app doing the host's job of that kind, with its typed role data. */
export type AppWithRole<K extends RoleKind> = AppModel & { readonly role: RoleOf<K> };

/** The hosts of one config, as every host sees them (cross-host relations). */
export interface HostRegistry {
  readonly hosts: readonly HostModel[];
  host(name: string): HostModel | undefined;
}

/**
 * What every rule and renderer reads of one Docker host: the shared literals set once for every
 * app, the machine, recovery, and the apps. The Host construct (constructs/host/host.ts) is the
 * one implementation.
 */
export interface HostModel {
  readonly name: string;
  readonly domain: string;
  readonly timezone: string;
  readonly gid: number;
  readonly groupName: string;
  readonly configRoot: string;
  readonly dataRoot: string;
  readonly umask: string;
  readonly imagePolicy: ImagePolicy;
  /** LAN address LAN ports (and cross-host ports) are published on; unset: every interface. */
  readonly lanAddress?: string;
  /** Prefix of a published LAN port: `<lanAddress>:` or nothing. */
  readonly lanBind: string;
  /** "" for the first host; `<host>_` for the others: their Terraform outputs and variables. */
  readonly outputPrefix: string;
  readonly machine: Machine;
  readonly recovery: Recovery;
  /** The one list of secrets the host needs (names, audiences, where each value comes from). */
  readonly secrets: SecretList;
  /** The host's SSH hostname at the edge (the deploy connects to it). */
  readonly ssh: { readonly hostname: string };
  /** Every host of the config (this one included). */
  readonly account: HostRegistry;
  /** Every app, sorted by name: output order never depends on declaration order. */
  readonly apps: readonly AppModel[];
  /** Every app in declaration order (conflicts are reported on the later one). */
  readonly declaredApps: readonly AppModel[];
  app(name: string): AppModel | undefined;
  /** The app doing that job for the host, with its typed role data (`.role`), if any. */
  appWithRole<K extends RoleKind>(kind: K): AppWithRole<K> | undefined;
}
