import { Password } from "@cdktf/provider-random/lib/password";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { assertNoProblems, ConfigError, labelProblem } from "../config/problems";
import { credentialSecretName } from "../model/app-api";
import { type ResolvedAppProps, resolveAppProps, type ServarrAppProps } from "../model/app-props";
import type { AppKind } from "../model/app-traits";
import type { Exposure } from "../model/exposure";
import { type HealthProbe, type HealthTiming, healthRoutePath, healthTimingProblems } from "../model/health";
import type { AppModel, AppRoute } from "../model/host-model";
import { catalogImageProblem, instancePropsProblems, type Library, type PresetName, presetFunction, presetOf } from "../model/instances";
import { type AppRole, roleProblems } from "../model/roles";
import { serviceTokenProblems, validateAppProps } from "../validation/app-props";
import { riskProblems } from "../validation/least-privilege";
import { loginProblems } from "../validation/single-login";
import type { Host } from "./host";

/**
 * One self-hosted app. This single construct fans out to every layer: its compose service,
 * its tunnel ingress rule and proxied DNS record, its Access application, and (through the
 * host) its networks, user, dirs and backups.
 */
export class ServarrApp extends Construct implements AppModel {
  readonly name: string;
  readonly host: Host;
  /** The props with every default applied (resolveAppProps): read these, never re-apply a default. */
  readonly props: ResolvedAppProps;
  readonly exposure: Exposure;
  /** The job this app does for the host, with its resolved options (see constructs/model/roles.ts). */
  readonly role?: AppRole;
  readonly routes: readonly AppRoute[];
  /** The catalog preset the app was built from (constructs/instances.ts), if any. */
  readonly preset?: PresetName;

  constructor(host: Host, name: string, declared: ServarrAppProps) {
    super(host, ServarrApp.uniqueId(host, name, presetOf(declared)));
    this.name = name;
    this.host = host;
    this.preset = presetOf(declared);
    assertNoProblems(this, [
      ...validateAppProps(name, declared, host.imagePolicy),
      ...[catalogImageProblem(name, declared.image, this.preset)].filter((p) => p !== undefined),
      ...instancePropsProblems(declared),
      ...loginProblems(declared),
      ...roleProblems(declared.role),
      ...serviceTokenProblems(declared, host.serviceTokens.names),
      ...healthTimingProblems("healthTiming", declared.healthTiming),
      ...riskProblems(declared),
    ]);
    const props = resolveAppProps(declared);
    this.props = props;
    this.exposure = props.exposure;
    this.role = props.role;

    this.routes = [this.exposure, ...props.alsoExpose]
      .filter((e) => e.atEdge)
      .map((exposure) => ({ hostname: `${exposure.subdomain ?? name}.${host.domain}`, exposure }));
    host.register(this);
    for (const [secret, description] of Object.entries(props.secretEnv)) host.secrets.require(secret, description);
    if (this.apiKeySecret) {
      // Terraform makes the key (before the app's first start), so the apps that call this one can be given it too.
      const key = new Password(this, "api-key", { length: 32, special: false, upper: false });
      const what = this.apiKeySecret.endsWith("_WEBUI_PASSWORD") ? "Web UI password" : "API key";
      host.secrets.provide(this.apiKeySecret, `${what} of ${name} (Terraform: random_password)`, key.result);
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

  private static uniqueId(host: Host, name: string, preset: PresetName | undefined): string {
    const label = labelProblem("name", name);
    if (label) throw new ConfigError(`${host.node.path}/${name}`, [label]);
    if (host.node.tryFindChild(name) !== undefined)
      throw new ConfigError(`${host.node.path}/${name}`, [
        {
          field: "name",
          value: name,
          allowed: `a name not used by another app or construct on this host${
            preset && host.app(name)?.preset === preset
              ? `; another instance of ${preset} takes its own: catalog.${presetFunction(preset)}(host, { name: "${preset}-4k", … })`
              : ""
          }`,
        },
      ]);
    return name;
  }

  /**
   * The host `.env` entry holding this app's key (apiKeyEnv, or an `api` with a key), e.g.
   * SONARR_API_KEY, QBITTORRENT_WEBUI_PASSWORD (constructs/app-api.ts).
   */
  get apiKeySecret(): string | undefined {
    return credentialSecretName(this.name, this.props.api, this.props.apiKeyEnv);
  }

  /** Whether the app is of this kind (see AppKind). */
  is(kind: AppKind): boolean {
    return this.props.kinds.includes(kind);
  }

  /** Apps this one opens connections to: named in talksTo, or declared with a kind in talksToKinds. */
  get peers(): readonly string[] {
    const byKind = this.props.talksToKinds.flatMap((k) => this.peersOfKind(k));
    return [...new Set([...this.props.talksTo, ...byKind.map((a) => a.name)])].sort();
  }

  /**
   * The apps of a kind this one works with, sorted by name: every declared one; for a kind of
   * singlePeerKinds with several declared, the one talksTo names (none while that is ambiguous,
   * which the host reports).
   */
  peersOfKind(kind: AppKind): readonly AppModel[] {
    const all = this.host.apps.filter((a) => a !== this && a.is(kind));
    if (!this.props.singlePeerKinds.includes(kind) || all.length <= 1) return all;
    const named = all.filter((a) => this.props.talksTo.includes(a.name));
    return named.length === 1 ? named : [];
  }

  /** The media library the app manages (root folder, download category), if any. */
  get library(): Library | undefined {
    return this.props.library;
  }

  /** The whole environment as written (plain, derived from the host, URL placeholders unresolved). */
  get declaredEnvironment(): Readonly<Record<string, string>> {
    const { props } = this;
    return {
      ...(props.portEnv && props.port !== undefined ? { [props.portEnv]: String(props.port) } : {}),
      ...props.environment,
      ...(props.login === "access" ? props.externalLogin : {}),
      ...props.environmentFrom?.(this.host),
    };
  }

  get vpn(): boolean {
    return this.props.vpn;
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

  /**
   * The app's healthcheck in typed form: its own command, or HTTP probes of its `healthPath`
   * plus, for a VPN-routed app, the gateway's namespace probe. Undefined when the app has none.
   */
  get healthProbe(): HealthProbe | undefined {
    const { props } = this;
    if (props.healthCommand) return { kind: "command", command: props.healthCommand };
    const namespaceProbe = this.vpn ? this.host.appWithRole("vpn-gateway")?.role.namespaceProbe : undefined;
    const probes = [
      ...(props.healthPath && props.port !== undefined ? [{ url: `http://127.0.0.1:${props.port}${props.healthPath}` }] : []),
      ...(namespaceProbe ? [{ url: namespaceProbe }] : []),
    ];
    return probes.length > 0 ? { kind: "http", probes, runner: props.healthRunner } : undefined;
  }

  /** The healthcheck's timing: the preset's or config's over the defaults. */
  get healthTiming(): HealthTiming {
    return this.props.healthTiming;
  }

  /** Needs a routed network of its own: declared egress, a host role that needs it, or a LAN port. */
  get needsOutside(): boolean {
    if (this.vpn) return false;
    const role = this.role?.kind;
    return this.props.egress === true || role === "vpn-gateway" || role === "tunnel-connector" || this.exposure.lanPort !== undefined;
  }
}

/** A reference to a host `.env` entry: Compose refuses to start when it is unset. */
export function envRef(name: string): string {
  return `\${${name}:?${name} must be set in .env}`;
}
