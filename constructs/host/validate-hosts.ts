import { describeProblem, type Problem } from "../config/problems";
import type { Host } from "./host";

/**
 * What must not collide between the hosts of one config (each host checks itself): hostnames
 * (one zone, one DNS record per name), backup buckets (one account), LAN addresses (cross-host
 * ports are published on them). The later host is the one reported.
 */
export function hostCollisionProblems(hosts: readonly Host[]): string[] {
  const problems: Problem[] = [];
  const hostnames = new Map<string, string>();
  const buckets = new Map<string, string>();
  const addresses = new Map<string, string>();
  const claim = (seen: Map<string, string>, key: string | undefined, owner: string, problem: (first: string) => Problem) => {
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, owner);
    else if (first !== owner) problems.push(problem(first));
  };
  for (const host of hosts) {
    const where = (field: string) => `${host.node.path}: ${field}`;
    const names = [
      { hostname: host.ssh.hostname, field: "ssh.subdomain" },
      ...host.apps.flatMap((a) => a.routes.map((r) => ({ hostname: r.hostname, field: `${a.name}.hostname` }))),
    ];
    for (const { hostname, field } of names)
      claim(hostnames, hostname, host.name, (first) => ({
        field: where(field),
        value: hostname,
        allowed: `a hostname no other host uses (host ${first} routes it already; one zone holds one DNS record per name)`,
      }));
    claim(buckets, host.backup.bucketName, host.name, (first) => ({
      field: where("backupBucket.name"),
      value: host.backup.bucketName,
      allowed: `a bucket name of its own (host ${first} backs up to it; each host's S3 token reaches only its own bucket)`,
    }));
    claim(addresses, host.lanAddress, host.name, (first) => ({
      field: where("lanAddress"),
      value: host.lanAddress,
      allowed: `an address of this machine (host ${first} has it already)`,
    }));
  }
  return problems.map(describeProblem);
}
