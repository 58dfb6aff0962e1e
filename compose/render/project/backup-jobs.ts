import { envRef } from "../../../constructs/host/servarr-app";
import type { HostModel } from "../../../constructs/model/host-model";
import type { NetworkPlan } from "../../../constructs/model/network-plan";
import { type BackupApp, backupJobs, serverWaitsFor } from "../../../constructs/runtime/backups";
import { hostNetworkPlan } from "../../../constructs/runtime/network";
import { appService, backupSourceMounts, leastPrivilege } from "./app-service";
import type { ComposeService } from "./compose-spec";

/**
 * The backup app's jobs (constructs/runtime/backups.ts) as one-shot services in the server's image, and
 * the server waiting for the jobs of every `up` (serverWaitsFor), keyed by service name.
 */
export function backupServices(
  host: HostModel,
  kopia: BackupApp,
  plan: NetworkPlan = hostNetworkPlan(host),
): Record<string, ComposeService> {
  const server = appService(kopia, plan);
  const environment = {
    TZ: host.timezone,
    KOPIA_PASSWORD: envRef("KOPIA_PASSWORD"),
    AWS_ACCESS_KEY_ID: envRef("KOPIA_S3_ACCESS_KEY_ID"),
    AWS_SECRET_ACCESS_KEY: envRef("KOPIA_S3_SECRET_ACCESS_KEY"),
  };
  const jobs = backupJobs(host, kopia);
  const sources = new Set(backupSourceMounts(host));
  const serviceOf = new Map(jobs.map((j) => [j.job, j.service]));
  const done = (names: readonly string[]) =>
    Object.fromEntries(names.map((n) => [serviceOf.get(n) ?? n, { condition: "service_completed_successfully" as const }]));
  const services: Record<string, ComposeService> = Object.fromEntries(
    jobs.map((job) => [
      job.service,
      {
        image: server.image,
        ...(server.user ? { user: server.user } : {}),
        networks: plan.networksOf(job.service),
        // The server's least privilege (no new privileges, capabilities, limits) holds for its jobs.
        ...leastPrivilege(kopia),
        ...(job.profile ? { profiles: [job.profile] } : {}),
        ...(job.after ? { depends_on: done(job.after) } : {}),
        environment,
        // The server's own mounts (its repository config), without the sources (restore.sh adds its target).
        volumes: (server.volumes ?? []).filter((v) => !sources.has(v)),
        command: [...job.command],
      },
    ]),
  );
  const waits = serverWaitsFor(jobs).map((j) => j.job);
  // Sorted by name: output order never depends on declaration order (and dclint wants it).
  const dependsOn = Object.entries({ ...server.depends_on, ...done(waits) }).sort(([x], [y]) => x.localeCompare(y));
  services[kopia.name] = { ...server, depends_on: Object.fromEntries(dependsOn) };
  return services;
}
