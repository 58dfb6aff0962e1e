import { TUNNEL_BRIDGE } from "../../../constructs/config/machine";
import { secretFileName } from "../../../constructs/config/secrets";
import { WIRE_JOB } from "../../../constructs/model/app-api";
import { crossHostPorts, egressBridges, lanBridge, vpnOutboundSubnets } from "../../../constructs/model/cross-host";
import type { HostModel } from "../../../constructs/model/host-model";
import type { NetworkPlan } from "../../../constructs/model/network-plan";
import { hostNetworkPlan } from "../../../constructs/runtime/network";
import { composeLogging } from "../host/restarter-script";
import { appConfigs, appService } from "./app-service";
import { backupServices } from "./backup-jobs";
import type { ComposeFile, ComposeNetwork, ComposeService } from "./compose-spec";
import { portForwardHook, withPortForwardHook } from "./port-forward-hook";
import { supportServices } from "./support-services";
import { keysJobs, wireJob } from "./wire-service";

/** The compose project of a host, read from its model: apps, support services, backup jobs, networks, secrets. */
/** `plan`: the host's network plan, when the caller already derived it (one per bundle). */
export function composeProject(host: HostModel, plan: NetworkPlan = hostNetworkPlan(host)): ComposeFile {
  const services: Record<string, ComposeService> = Object.fromEntries(host.apps.map((a) => [a.name, appService(a, plan)]));
  for (const s of supportServices(host)) {
    const networks = plan.networksOf(s.name);
    services[s.name] = { ...s.service, ...(networks.length > 0 ? { networks } : { network_mode: "none" }) };
  }
  const backup = host.appWithRole("backup");
  if (backup) Object.assign(services, backupServices(host, backup, plan));
  // Keys before first start (the `<app>-keys` jobs), then the wire job once the apps are healthy.
  for (const [name, job] of Object.entries(keysJobs(host))) {
    services[name] = job;
    const app = services[name.slice(0, -"-keys".length)] as ComposeService;
    const dependsOn = { ...app.depends_on, [name]: { condition: "service_completed_successfully" as const } };
    app.depends_on = Object.fromEntries(Object.entries(dependsOn).sort(([a], [b]) => a.localeCompare(b)));
  }
  const wire = wireJob(host, plan);
  if (wire) services[WIRE_JOB] = wire;
  // Every container's logs bounded on disk, whatever the engine's default driver.
  for (const service of Object.values(services)) service.logging = composeLogging(host.recovery.logs);
  // VPN-routed clients of apps on other hosts: the gateway's kill switch lets exactly those peers out (gluetun).
  const gateway = host.appWithRole("vpn-gateway");
  const subnets = vpnOutboundSubnets(host);
  if (gateway && subnets.length > 0) {
    const environment = { ...services[gateway.name]?.environment };
    const declared = environment.FIREWALL_OUTBOUND_SUBNETS?.split(",").filter(Boolean) ?? [];
    environment.FIREWALL_OUTBOUND_SUBNETS = [...new Set([...declared, ...subnets])].join(",");
    (services[gateway.name] as ComposeService).environment = environment;
  }
  // A forwarded port that moves: gluetun's hook hands each new port to qBittorrent (port-forward-hook.ts).
  const hook = portForwardHook(host);
  if (gateway && hook) services[gateway.name] = withPortForwardHook(services[gateway.name] as ComposeService, hook);
  // Ports other hosts' apps reach, on this host's LAN address only (constructs/model/cross-host.ts).
  for (const p of crossHostPorts(host)) {
    const target = services[p.app] as ComposeService;
    if (target.network_mode === undefined) target.ports = [...(target.ports ?? []), `${host.lanBind}${p.port}:${p.port}`];
  }
  const connector = host.appWithRole("tunnel-connector");
  // Egress networks that carry cross-host connections: a fixed bridge name the firewall admits to the peers.
  const routed = new Map([...egressBridges(host)].map(([service, bridge]) => [`${service}-egress`, bridge]));
  const networks: Record<string, ComposeNetwork> = Object.fromEntries(
    plan.networks.map((n) => [
      n.name,
      // The firewall admits SSH from this bridge only (constructs/config/machine.ts TUNNEL_BRIDGE).
      connector && n.name === `${connector.name}-egress`
        ? { internal: n.internal, driver_opts: { "com.docker.network.bridge.name": TUNNEL_BRIDGE } }
        : n.purpose === "lan"
          ? // The firewall lets this bridge reach the declared peers only (compose/firewall-cross-host.ts).
            { internal: false, driver_opts: { "com.docker.network.bridge.name": lanBridge(n.members[0] as string) } }
          : routed.has(n.name)
            ? { internal: n.internal, driver_opts: { "com.docker.network.bridge.name": routed.get(n.name) as string } }
            : { internal: n.internal },
    ]),
  );
  const configs = Object.assign({}, ...host.apps.map(appConfigs));
  // Each secret a service reads as a file, from the host's .env entry of the same name (the deploy writes .env).
  const sources = new Set(Object.values(services).flatMap((s) => (s.secrets ?? []).map((x) => (typeof x === "string" ? x : x.source))));
  const secrets = Object.fromEntries(
    host.secrets
      .for("host")
      .filter((s) => sources.has(secretFileName(s.name)))
      .map((s) => [secretFileName(s.name), { environment: s.name }]),
  );
  return {
    name: host.name,
    services: Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b))),
    networks,
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(Object.keys(configs).length > 0 ? { configs } : {}),
  };
}
