import { existsSync } from "node:fs";
import path from "node:path";
import type { Host } from "../../constructs/host/host";
import { appUrl, resolveAppUrls } from "../../constructs/model/app-url";
import { crossHostLinks } from "../../constructs/model/cross-host";
import type { ServarrConfig } from "../../stacks/config";
import type { CrossHostRelation, Endpoint, LanPlan } from "./plan";

/**
 * The LAN plan of a config's model: its hosts at their lanAddress, one relation per
 * cross-host link (constructs/model/cross-host.ts), probed at the URL the URL helper hands the client
 * (`appUrl("<host>/<app>")` resolved on the client's host), and every client (not VPN-routed,
 * not host-network) counted as confined to its declared peers: its host's firewall lets no
 * container reach the LAN otherwise (compose/host-scripts.ts, constructs/model/cross-host.ts).
 */
export function lanPlanFromModel(hosts: readonly Host[], bundleRoot: string, source: string): LanPlan {
  const cidrs = [...new Set(hosts.map((h) => h.machine.lanCidr))];
  if (cidrs.length !== 1) throw new Error(`${source}: the hosts sit on ${cidrs.length} LANs (${cidrs.join(", ")}); the run lays out one`);
  const relations: CrossHostRelation[] = crossHostLinks(hosts).map((l) => {
    const url = new URL(resolveAppUrls(l.clientHost, appUrl(`${l.targetHost.name}/${l.target.name}`)));
    return {
      from: { host: l.clientHost.name, service: l.client.name },
      to: { host: l.targetHost.name, service: l.target.name, address: url.hostname, port: Number(url.port), path: url.pathname || "/" },
    };
  });
  // One bystander per relation: an app of the client's host with a way out (egress, not behind
  // the VPN) that does not talk to the target; the first by name, to keep the run short.
  const undeclared: CrossHostRelation[] = relations.flatMap((r) => {
    const host = hosts.find((h) => h.name === r.from.host) as Host;
    const plan = host.networkPlan();
    const bystander = host.apps
      .filter(
        (a) =>
          !a.vpn && !a.props.hostNetwork && plan.hasEgress(a.name) && !(a.props.talksTo ?? []).includes(`${r.to.host}/${r.to.service}`),
      )
      .map((a) => a.name)
      .sort()[0];
    return bystander ? [{ from: { host: r.from.host, service: bystander }, to: r.to }] : [];
  });
  const confined = new Map<string, Endpoint>();
  // A VPN-routed client is confined by gluetun's kill switch, which a stand-in does not run: not probed here.
  for (const l of crossHostLinks(hosts))
    if (!l.client.vpn && !l.client.props.hostNetwork)
      confined.set(`${l.clientHost.name}/${l.client.name}`, { host: l.clientHost.name, service: l.client.name });
  return {
    source,
    lanCidr: cidrs[0] as string,
    hosts: hosts.map((h) => {
      if (!h.lanAddress) throw new Error(`${source}: host ${h.name} has no lanAddress`);
      const bundle = path.join(bundleRoot, h.name);
      if (!existsSync(path.join(bundle, "compose.yaml")))
        throw new Error(`${source}: no ${bundle}/compose.yaml (synthesize the config first)`);
      return { name: h.name, lanAddress: h.lanAddress, bundle };
    }),
    relations,
    confined: [...confined.values()],
    undeclared,
  };
}

/** A config file of the project (compiled into dist/ with the harness), exporting `config`. */
export function loadConfig(file: string): ServarrConfig {
  const relative = path.relative(path.resolve("."), path.resolve(file));
  if (relative.startsWith("..") || !relative.endsWith(".ts")) throw new Error(`--config ${file}: a .ts config file inside the project`);
  const loaded = require(path.resolve("dist", relative.replace(/\.ts$/, ".js"))) as { config?: ServarrConfig };
  if (!loaded.config) throw new Error(`--config ${file}: exports no config`);
  return loaded.config;
}
