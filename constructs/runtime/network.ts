import { WIRE_JOB, wiredAppNames } from "../model/app-api";
import { lanNetworkApps } from "../model/cross-host";
import type { HostModel } from "../model/host-model";
import { type NetworkNode, NetworkPlan } from "../model/network-plan";
import { backupRelay } from "./backup-notify";
import { backupJobs } from "./backups";
import { RESTARTER, supportNodes } from "./support";

/**
 * Who shares a network with whom on one host, derived from talksTo plus what the host runs
 * besides the apps: the tunnel connector reaches every exposed app, the monitor every app, the
 * backup app the restarter's relay; the support services and the backup jobs are nodes of their
 * own. See constructs/model/network-plan.ts for how nodes become networks.
 */
export function hostNetworkPlan(host: HostModel): NetworkPlan {
  return new NetworkPlan(hostNetworkNodes(host));
}

export function hostNetworkNodes(host: HostModel): NetworkNode[] {
  const apps = host.apps;
  const gateway = host.appWithRole("vpn-gateway");
  const backup = host.appWithRole("backup");
  const lan = new Set(lanNetworkApps(host));
  const nodes: NetworkNode[] = apps.map((app) => {
    const talksTo = new Set(app.peers);
    if (app.role?.kind === "tunnel-connector") for (const a of apps) if (a.routes.length > 0 && a !== app) talksTo.add(a.name);
    // The monitor checks apps over HTTP only: no Docker API proxy (support-services.ts).
    if (app.role?.kind === "monitor") for (const a of apps) if (a !== app) talksTo.add(a.name);
    // The backup app posts its error reports to the restarter's relay (constructs/runtime/backup-notify.ts).
    if (app.role?.kind === "backup" && backupRelay(host, RESTARTER)) talksTo.add(RESTARTER);
    return {
      name: app.name,
      talksTo: [...talksTo].sort(),
      outside: app.needsOutside,
      ...(lan.has(app.name) ? { crossHost: true } : {}),
      ...(app.vpn && gateway ? { via: { service: gateway.name, mode: "namespace" as const } } : {}),
    };
  });
  nodes.push(...supportNodes(host));
  // The wire job configures every app with a keyed api (compose/render/project/wire-service.ts).
  const wired = wiredAppNames(apps);
  if (wired.length > 0) nodes.push({ name: WIRE_JOB, talksTo: wired, outside: false });
  if (backup)
    for (const job of backupJobs(host, backup))
      nodes.push({ name: job.service, talksTo: [], outside: false, via: { service: backup.name, mode: "egress" } });
  return nodes;
}
