import { secretFileName } from "../../../constructs/config/secrets";
import { envRef } from "../../../constructs/host/servarr-app";
import type { DataAccess } from "../../../constructs/model/app-traits";
import { resolveAppUrls } from "../../../constructs/model/app-url";
import type { AppModel, HostModel } from "../../../constructs/model/host-model";
import type { NetworkPlan } from "../../../constructs/model/network-plan";
import { fixedForwardedPort } from "../../../constructs/model/roles";
import { backupSources } from "../../../constructs/runtime/backups";
import { hostNetworkPlan } from "../../../constructs/runtime/network";
import { AUTOHEAL_LABEL } from "../../../constructs/runtime/restarter";
import type { ComposeService, ComposeServiceSecret } from "./compose-spec";
import { renderHealthcheck } from "./healthcheck";

/** The part of the /data tree each access mounts (TRaSH layout); "" is the whole tree. */
const DATA_MOUNTS: Record<DataAccess, readonly string[]> = {
  none: [],
  media: ["media"],
  downloads: ["torrents"],
  usenet: ["usenet"],
  all: [""],
};

/**
 * An app's compose service, read from its resolved props and the host's shared settings.
 * `plan`: the host's network plan, when the caller already derived it (one per project, not per app).
 */
export function appService(app: AppModel, plan: NetworkPlan = hostNetworkPlan(app.host)): ComposeService {
  const { props, host } = app;
  const environment: Record<string, string> = { TZ: host.timezone };
  if (props.identity === "linuxserver") {
    Object.assign(environment, { PUID: String(props.uid), PGID: String(host.gid), UMASK: host.umask });
  }
  for (const [key, value] of Object.entries(app.declaredEnvironment)) environment[key] = resolveAppUrls(host, value);
  for (const name of Object.keys(props.secretEnv)) environment[name] = envRef(name);
  if (props.apiKeyEnv && app.apiKeySecret) environment[props.apiKeyEnv] = envRef(app.apiKeySecret);

  if (app.role?.kind === "vpn-gateway") {
    // gluetun's firewall: the forwarded port in from the VPN, the namespace's app ports in from peers.
    // A port that moves is opened by gluetun itself, at each change (compose/render/project/port-forward-hook.ts).
    const fixed = fixedForwardedPort(app.role);
    if (fixed !== undefined) environment.FIREWALL_VPN_INPUT_PORTS = String(fixed);
    const ports = host.apps.filter((a) => a.vpn && a.port !== undefined).map((a) => a.port);
    if (ports.length > 0) environment.FIREWALL_INPUT_PORTS = ports.join(",");
  }
  const gateway = app.vpn ? host.appWithRole("vpn-gateway") : undefined;
  const forwardedPort = fixedForwardedPort(gateway?.role);
  if (props.vpnPortEnv && forwardedPort !== undefined) environment[props.vpnPortEnv] = String(forwardedPort);
  const secrets = secretsAsFiles(app, environment);
  const lanPort = app.exposure.lanPort;
  const volumes = [
    ...(app.configDir && props.configPath ? [`${app.configDir}:${props.configPath}`] : []),
    ...DATA_MOUNTS[props.data].map((sub) => (sub ? `${host.dataRoot}/${sub}:/data/${sub}` : `${host.dataRoot}:/data`)),
    ...(app.role?.kind === "backup" ? backupSourceMounts(host) : []),
    ...(props.mounts ?? []),
  ];
  const networks = props.hostNetwork ? [] : gateway ? [] : plan.networksOf(app.name);
  const health = app.healthProbe;
  const devices = [...(props.devices ?? []), ...(props.hardwareTranscoding ? ["/dev/dri:/dev/dri"] : [])];
  const files = Object.keys(props.files?.(host) ?? {});
  return {
    image: props.image,
    restart: "unless-stopped",
    ...(props.identity === "user" ? { user: `${props.uid}:${host.gid}` } : {}),
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
    ...leastPrivilege(app),
    ...(devices.length > 0 ? { devices } : {}),
    ...(props.hardwareTranscoding ? { group_add: [String(props.hardwareTranscoding.renderGroupId)] } : {}),
    ...(files.length > 0 ? { configs: files.map((target, i) => ({ source: configName(app, i), target })) } : {}),
    ...(props.extraHosts ? { extra_hosts: props.extraHosts } : {}),
    ...(health ? { healthcheck: renderHealthcheck(health, app.healthTiming), labels: { [AUTOHEAL_LABEL]: "true" } } : {}),
  };
}

/** Every app's config dir, read-only, where the backup app snapshots it. */
export function backupSourceMounts(host: HostModel): string[] {
  return backupSources(host).map((s) => `${s.hostDir}:${s.containerDir}:ro`);
}

/**
 * Moves every host secret out of `environment` (in place): each `${SECRET:?...}` value becomes
 * the image's file variable pointing at the Compose secret /run/secrets/<secret in lower case>
 * (see SecretFiles). Left in place only on an app whose image reads none from a file, which
 * then names its reason (reasons["secret-environment"]).
 */
function secretsAsFiles(app: AppModel, environment: Record<string, string>): ComposeServiceSecret[] {
  const { props, host } = app;
  const convention = props.secretFiles;
  if (convention === "none") return [];
  const owner = props.identity === "image" ? {} : { uid: String(props.identity === "user" ? props.uid : 0), gid: String(host.gid) };
  const secrets = new Map<string, ComposeServiceSecret>();
  for (const [key, value] of Object.entries(environment)) {
    const name = /^\$\{(\w+):\?[^}]*\}$/.exec(value)?.[1];
    if (name === undefined || host.secrets.get(name)?.audience !== "host") continue;
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
 * documented minimum (constructs/catalog/preset.ts), memory and process limits, read-only root where
 * the image allows; privileged only with a named reason (constructs/validation/least-privilege.ts).
 */
export function leastPrivilege(app: AppModel): Pick<ComposeService, "cap_add"> & Record<string, unknown> {
  const { props } = app;
  return {
    ...(props.privileged ? { privileged: true } : {}),
    security_opt: ["no-new-privileges:true"],
    cap_drop: ["ALL"],
    ...(props.capAdd && props.capAdd.length > 0 ? { cap_add: props.capAdd } : {}),
    ...(props.readOnlyRoot ? { read_only: true } : {}),
    mem_limit: props.limits.memory,
    pids_limit: props.limits.pids,
  };
}

/** Generated files of the app (`files`) as Compose inline configs, keyed by config name. */
export function appConfigs(app: AppModel): Record<string, { content: string }> {
  return Object.fromEntries(
    Object.values(app.props.files?.(app.host) ?? {}).map((content, i) => [
      configName(app, i),
      { content: resolveAppUrls(app.host, content) },
    ]),
  );
}

function configName(app: AppModel, index: number): string {
  return `${app.name}-file-${index + 1}`;
}
