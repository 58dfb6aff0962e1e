import type { Problem } from "./problems";

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

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

/** A policy as the config writes it: each unset field is DEFAULT_BACKUP_POLICY's. */
export interface BackupPolicyOptions {
  readonly snapshotTimes?: readonly string[];
  readonly retention?: Partial<BackupRetention>;
}

/** The one place the backup policy's defaults are applied (Role.backup()). */
export function resolveBackupPolicy(options: BackupPolicyOptions = {}): BackupPolicy {
  return {
    snapshotTimes: options.snapshotTimes ?? DEFAULT_BACKUP_POLICY.snapshotTimes,
    retention: { ...DEFAULT_BACKUP_POLICY.retention, ...options.retention },
  };
}

/** Problems of a resolved policy, reported under `field` (the role's `role.policy`). */
export function backupPolicyProblems(policy: BackupPolicy, field: string): Problem[] {
  const problems: Problem[] = [];
  if (policy.snapshotTimes.length === 0) problems.push({ field: `${field}.snapshotTimes`, value: [], allowed: "at least one HH:MM time" });
  policy.snapshotTimes.forEach((t, i) => {
    if (!TIME.test(t)) problems.push({ field: `${field}.snapshotTimes[${i}]`, value: t, allowed: "a 24-hour time HH:MM, e.g. 03:30" });
  });
  for (const [k, v] of Object.entries(policy.retention))
    if (!(Number.isInteger(v) && v >= 0 && v <= 10000))
      problems.push({ field: `${field}.retention.${k}`, value: v, allowed: "an integer from 0 to 10000" });
  if (Object.values(policy.retention).every((v) => v === 0))
    problems.push({
      field: `${field}.retention`,
      value: policy.retention,
      allowed: "at least one non-zero count (else nothing is kept)",
    });
  return problems;
}
