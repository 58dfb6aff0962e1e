import type { Construct } from "constructs";
import type { Account } from "../constructs/cloudflare/account";
import type { HostProps } from "../constructs/config/host-props";
import { assertNoProblems, DNS_LABEL, DNS_LABEL_ALLOWED, type Problem } from "../constructs/config/problems";
import { repositoryFacts } from "../constructs/config/repository";
import { Delivery } from "../constructs/github/delivery";
import { Host } from "../constructs/host/host";
import { hostCollisionProblems } from "../constructs/host/validate-hosts";
import type { MoreHostConfig, ServarrConfig } from "./config";

/**
 * Every host of a config: the first (`host` + `apps`, the shipped one-host shape) and one per
 * entry of `hosts`, each with its apps and delivery declared. Whole-config rules (names,
 * hostnames, buckets, LAN addresses that must not collide) run at synth on `scope`.
 */
export function declareHosts(scope: Construct, config: ServarrConfig, account: Account): { first: Host; all: Host[] } {
  assertNoProblems(scope, hostNameProblems(config));
  // One repository for every host: each clones it and deploys its own bundle from it.
  const repository = repositoryFacts(config.github);
  const first = new Host(scope, config.name, config.host, account, repository);
  config.apps(first);
  new Delivery(first, "delivery", config.delivery);
  const all = [first];
  for (const [name, more] of Object.entries(config.hosts ?? {})) {
    const host = new Host(scope, name, moreHostProps(config.host, name, more), account, repository, { prefix: name });
    more.apps(host);
    new Delivery(host, "delivery", more.delivery ?? config.delivery);
    all.push(host);
  }
  scope.node.addValidation({ validate: () => hostCollisionProblems(all) });
  return { first, all };
}

/** A further host's props: its own fields, the first host's for everything it leaves unset. */
export function moreHostProps(first: HostProps, name: string, more: MoreHostConfig): HostProps {
  const bucket = first.cloudflare.backupBucket;
  return {
    ...first,
    configRoot: more.configRoot ?? first.configRoot,
    dataRoot: more.dataRoot ?? first.dataRoot,
    timezone: more.timezone ?? first.timezone,
    gid: more.gid ?? first.gid,
    groupName: more.groupName ?? first.groupName,
    umask: more.umask ?? first.umask,
    imagePolicy: more.imagePolicy ?? first.imagePolicy,
    lanAddress: more.lanAddress,
    machine: more.machine,
    cloudflare: { ...first.cloudflare, backupBucket: more.backupBucket ?? { ...bucket, name: `${bucket.name}-${name}` } },
    ssh: more.ssh,
    recovery: more.recovery ?? first.recovery,
  };
}

/** Host names: DNS labels, none the first host's (the config's name), each with a LAN address. */
function hostNameProblems(config: ServarrConfig): Problem[] {
  const problems: Problem[] = [];
  for (const [name, more] of Object.entries(config.hosts ?? {})) {
    if (!DNS_LABEL.test(name)) problems.push({ field: `hosts.${name}`, value: name, allowed: `a host name that is ${DNS_LABEL_ALLOWED}` });
    if (name === config.name)
      problems.push({
        field: `hosts.${name}`,
        value: name,
        allowed: `a name other than the first host's ("${config.name}", the config's name)`,
      });
    if (typeof more.lanAddress !== "string" || more.lanAddress === "")
      problems.push({
        field: `hosts.${name}.lanAddress`,
        value: more.lanAddress,
        allowed: "the host's IPv4 LAN address: every host but the first publishes on its LAN address (other hosts reach it there)",
      });
    if (typeof more.apps !== "function")
      problems.push({
        field: `hosts.${name}.apps`,
        value: typeof more.apps,
        allowed: "a function declaring the host's apps: (host) => { ... }",
      });
  }
  if (config.hosts !== undefined && config.host.lanAddress === undefined && Object.keys(config.hosts).length > 0)
    problems.push({
      field: "host.lanAddress",
      value: undefined,
      allowed: "the first host's IPv4 LAN address: with several hosts every host has one (cross-host ports are published on it)",
    });
  return problems;
}
