import type { ComposeService } from "../compose/compose-spec";
import { backupRelay, kopiaNotifyCommand } from "./backup-notify";
import type { Host } from "./host";
import type { Problem } from "./problems";
import type { ServarrApp } from "./servarr-app";
import { RESTARTER } from "./support-services";

/** How many snapshots of each age Kopia keeps (its `--keep-*` policy flags). */
export interface BackupRetention {
  readonly latest: number;
  readonly hourly: number;
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
  readonly annual: number;
}

export interface BackupPolicy {
  /** Local times (HH:MM, the host's time zone) at which every config dir is snapshotted. */
  readonly snapshotTimes: readonly string[];
  readonly retention: BackupRetention;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = {
  snapshotTimes: ["03:30"],
  retention: { latest: 10, hourly: 0, daily: 14, weekly: 8, monthly: 12, annual: 2 },
};

/** One app's config dir as the backup app sees it. */
export interface BackupSource {
  readonly app: string;
  readonly hostDir: string;
  /** Read-only mount inside the backup container; the path Kopia snapshots. */
  readonly containerDir: string;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function backupPolicyProblems(policy: BackupPolicy | undefined): Problem[] {
  if (!policy) return [];
  const problems: Problem[] = [];
  if (policy.snapshotTimes.length === 0)
    problems.push({ field: "backupPolicy.snapshotTimes", value: [], allowed: "at least one HH:MM time" });
  policy.snapshotTimes.forEach((t, i) => {
    if (!TIME.test(t)) problems.push({ field: `backupPolicy.snapshotTimes[${i}]`, value: t, allowed: "a 24-hour time HH:MM, e.g. 03:30" });
  });
  for (const [k, v] of Object.entries(policy.retention))
    if (!(Number.isInteger(v) && v >= 0 && v <= 10000))
      problems.push({ field: `backupPolicy.retention.${k}`, value: v, allowed: "an integer from 0 to 10000" });
  if (Object.values(policy.retention).every((v) => v === 0))
    problems.push({
      field: "backupPolicy.retention",
      value: policy.retention,
      allowed: "at least one non-zero count (else nothing is kept)",
    });
  return problems;
}

/** The name Kopia gives an app's source: the fixed identity of the jobs (user = the backup app, host = the host) and its path. */
export function backupSourceName(host: Host, kopia: ServarrApp, source: BackupSource): string {
  return `${kopia.name}@${host.name}:${source.containerDir}`;
}

/** Every app's config dir except the backup app's own (its repository config holds no app state). */
export function backupSources(host: Host): BackupSource[] {
  const backup = host.appWithRole("backup");
  return host.apps
    .filter((a) => a !== backup && a.configDir !== undefined)
    .map((a) => ({ app: a.name, hostDir: a.configDir as string, containerDir: `/sources/${a.name}` }));
}

/** The backup app's one-shot jobs, each the compose service `<backup app>-<job>`. */
export const BACKUP_JOBS = ["connect", "create", "policy", "restore", "notify"] as const;

const env = (name: string) => `\${${name}:?${name} must be set in .env}`;

/**
 * One-shot jobs around the Kopia server (its environment names the bucket: KOPIA_S3_BUCKET, KOPIA_S3_ENDPOINT), in Kopia's own image (distroless: exec form, no shell):
 * `<kopia>-connect` connects to the R2 repository, `<kopia>-policy` writes the schedule and
 * retention for every source, `<kopia>-notify` points Kopia's error reports at the notification
 * channel (or removes that profile); the server starts only after they succeeded. `<kopia>-create`
 * (profile "init") creates the repository once on a new bucket. `<kopia>-restore` (profile
 * "restore") is what restore.sh runs (`compose run`, with the arguments and the target mount).
 */
export function backupJobs(host: Host, kopia: ServarrApp): Record<string, ComposeService> {
  const policy = kopia.props.backupPolicy ?? DEFAULT_BACKUP_POLICY;
  const base = kopia.composeService();
  // Bucket and endpoint are the host's R2 backup bucket (plain values); the keys come from .env.
  const bucket = base.environment?.KOPIA_S3_BUCKET;
  const endpoint = base.environment?.KOPIA_S3_ENDPOINT;
  const storage = ["s3", `--bucket=${bucket}`, `--endpoint=${endpoint}`, "--region=auto"];
  // Kopia names sources user@host:path; one fixed identity, stored in the shared repository
  // config, makes the server schedule the sources the policy job declared.
  const identity = [`--override-hostname=${host.name}`, `--override-username=${kopia.name}`];
  const environment = {
    TZ: host.timezone,
    KOPIA_PASSWORD: env("KOPIA_PASSWORD"),
    AWS_ACCESS_KEY_ID: env("KOPIA_S3_ACCESS_KEY_ID"),
    AWS_SECRET_ACCESS_KEY: env("KOPIA_S3_SECRET_ACCESS_KEY"),
  };
  const plan = host.networkPlan();
  const job = (name: string, command: string[], extra: Partial<ComposeService> = {}): ComposeService => ({
    image: base.image,
    ...(base.user ? { user: base.user } : {}),
    networks: plan.networksOf(name),
    // The server's least privilege (no new privileges, capabilities, limits) holds for its jobs.
    ...kopia.leastPrivilege,
    ...extra,
    environment,
    volumes: (base.volumes ?? []).filter((v) => !v.endsWith(":ro")),
    command,
  });
  const r = policy.retention;
  return {
    [`${kopia.name}-connect`]: job(`${kopia.name}-connect`, ["repository", "connect", ...storage, ...identity]),
    [`${kopia.name}-create`]: job(`${kopia.name}-create`, ["repository", "create", ...storage, ...identity], { profiles: ["init"] }),
    [`${kopia.name}-restore`]: job(`${kopia.name}-restore`, ["snapshot", "list", "--all"], { profiles: ["restore"] }),
    [`${kopia.name}-policy`]: job(
      `${kopia.name}-policy`,
      [
        "policy",
        "set",
        ...backupSources(host).map((s) => s.containerDir),
        `--snapshot-time=${policy.snapshotTimes.join(",")}`,
        `--keep-latest=${r.latest}`,
        `--keep-hourly=${r.hourly}`,
        `--keep-daily=${r.daily}`,
        `--keep-weekly=${r.weekly}`,
        `--keep-monthly=${r.monthly}`,
        `--keep-annual=${r.annual}`,
      ],
      { depends_on: { [`${kopia.name}-connect`]: { condition: "service_completed_successfully" } } },
    ),
    // Backup failures to the notification channel, through the restarter's relay (constructs/backup-notify.ts).
    [`${kopia.name}-notify`]: job(`${kopia.name}-notify`, kopiaNotifyCommand(backupRelay(host, RESTARTER)), {
      depends_on: { [`${kopia.name}-connect`]: { condition: "service_completed_successfully" } },
    }),
  };
}
