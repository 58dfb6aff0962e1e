import type { AppModel, HostModel } from "../model/host-model";
import type { BackupRole } from "../model/roles";
import { backupRelay, kopiaNotifyCommand } from "./backup-notify";
import { KOPIA_MAINTENANCE_SET } from "./kopia-repository";
import { RESTARTER } from "./support";

/** One app's config dir as the backup app sees it. */
export interface BackupSource {
  readonly app: string;
  readonly hostDir: string;
  /** Read-only mount inside the backup container; the path Kopia snapshots. */
  readonly containerDir: string;
}

/** The name Kopia gives an app's source: the fixed identity of the jobs (user = the backup app, host = the host) and its path. */
export function backupSourceName(host: HostModel, kopia: AppModel, source: BackupSource): string {
  return `${kopia.name}@${host.name}:${source.containerDir}`;
}

/** Every app's config dir except the backup app's own (its repository config holds no app state). */
export function backupSources(host: HostModel): BackupSource[] {
  const backup = host.appWithRole("backup");
  return host.apps
    .filter((a) => a !== backup && a.configDir !== undefined)
    .map((a) => ({ app: a.name, hostDir: a.configDir as string, containerDir: `/sources/${a.name}` }));
}

/** The backup app with its resolved role (HostModel.appWithRole("backup")). */
export type BackupApp = AppModel & { readonly role: BackupRole };

/** A one-shot job around the Kopia server, run as the compose service `<backup app>-<job>`. */
export interface BackupJob {
  readonly job: string;
  /** Its compose service (and network node) name. */
  readonly service: string;
  /** Kopia's arguments (its image is distroless: exec form, no shell). */
  readonly command: readonly string[];
  /** Compose profile: run on demand only, never by `up`. @default none (runs at every `up`) */
  readonly profile?: "init" | "restore";
  /** Jobs that must have succeeded before this one starts. @default none */
  readonly after?: readonly string[];
}

/**
 * Every job of the backup app, written once here; the compose services (compose/backup-jobs.ts),
 * the network plan, the reserved names and restore.sh read this list:
 * `connect` connects to the R2 repository, `policy` writes the schedule and retention for every
 * source, `notify` points Kopia's error reports at the notification channel through the
 * restarter's relay (or removes that profile: constructs/runtime/backup-notify.ts); the server starts only after the jobs of every `up` succeeded. `create` (profile
 * "init") creates the repository once on a new bucket. `restore` (profile "restore") is what
 * restore.sh runs (`compose run`, with the arguments and the target mount).
 */
export function backupJobs(host: HostModel, kopia: BackupApp): BackupJob[] {
  // Bucket and endpoint are the host's R2 backup bucket (plain values in the app's environment); the keys come from .env.
  const environment = kopia.declaredEnvironment;
  const storage = ["s3", `--bucket=${environment.KOPIA_S3_BUCKET}`, `--endpoint=${environment.KOPIA_S3_ENDPOINT}`, "--region=auto"];
  // Kopia names sources user@host:path; one fixed identity, stored in the shared repository
  // config, makes the server schedule the sources the policy job declared.
  const identity = [`--override-hostname=${host.name}`, `--override-username=${kopia.name}`];
  const { snapshotTimes, retention: r } = kopia.role.policy;
  const jobs: Record<string, Omit<BackupJob, "job" | "service">> = {
    connect: { command: ["repository", "connect", ...storage, ...identity] },
    create: { command: ["repository", "create", ...storage, ...identity], profile: "init" },
    policy: {
      command: [
        "policy",
        "set",
        ...backupSources(host).map((s) => s.containerDir),
        `--snapshot-time=${snapshotTimes.join(",")}`,
        `--keep-latest=${r.latest}`,
        `--keep-hourly=${r.hourly}`,
        `--keep-daily=${r.daily}`,
        `--keep-weekly=${r.weekly}`,
        `--keep-monthly=${r.monthly}`,
        `--keep-annual=${r.annual}`,
      ],
      after: ["connect"],
    },
    // Never full maintenance: it deletes unreferenced packs, which the bucket lock keeps for good.
    maintenance: { command: [...KOPIA_MAINTENANCE_SET], after: ["connect"] },
    // Backup failures to the notification channel, through the restarter's relay.
    notify: { command: kopiaNotifyCommand(backupRelay(host, RESTARTER)), after: ["connect"] },
    restore: { command: ["snapshot", "list", "--all"], profile: "restore" },
  };
  return Object.entries(jobs).map(([job, spec]) => ({ job, service: `${kopia.name}-${job}`, ...spec }));
}

/** The job restore.sh runs. */
export function restoreJob(host: HostModel, kopia: BackupApp): BackupJob {
  return backupJobs(host, kopia).find((j) => j.profile === "restore") as BackupJob;
}

/**
 * What the server waits for: the jobs of every `up` (no profile) that no other such job waits
 * for (the rest it waits for through them).
 */
export function serverWaitsFor(jobs: readonly BackupJob[]): BackupJob[] {
  const always = jobs.filter((j) => j.profile === undefined);
  return always.filter((j) => !always.some((other) => other.after?.includes(j.job)));
}
