import { worstDetectionSeconds } from "../../../constructs/model/health";
import type { HostModel } from "../../../constructs/model/host-model";
import { backupSourceName, backupSources, restoreJob } from "../../../constructs/runtime/backups";
import { containerName } from "../../../constructs/runtime/restarter";
import { type ShellVar, sourceLine } from "../shell";
import { appUsers } from "./host-scripts";

/** Exit codes of restore.sh, read from the script's own declaration (`readonly EXIT_…=n`). */
const exitCode = (name: string): number => {
  const found = new RegExp(`EXIT_${name}=(\\d+)`).exec(sourceLine("restore.sh", "readonly EXIT_"));
  if (!found) throw new Error(`compose/scripts/restore.sh: no EXIT_${name} in its readonly EXIT_ line`);
  return Number(found[1]);
};
export const RESTORE_EXIT = {
  /** Kopia's restore failed: the app was started again on its config as it was */
  restoreFailed: exitCode("RESTORE_FAILED"),
  /** restored and started, but not healthy in time (the previous config dir is kept next to it) */
  unhealthy: exitCode("UNHEALTHY"),
  usage: exitCode("USAGE"),
  /** a deploy holds the lock: nothing was changed */
  locked: exitCode("LOCKED"),
} as const;

/** One app restore.sh can restore: its config dir, who owns it, Kopia's source, how long it may take to turn healthy. */
export interface RestoreTarget {
  readonly app: string;
  readonly dir: string;
  /** Numeric `uid:gid` (the users setup.sh creates have these uids; root when the app has no user). */
  readonly owner: string;
  readonly source: string;
  readonly container: string;
  /** Seconds to wait for healthy after the start; 0: no healthcheck, running is enough. */
  readonly waitSeconds: number;
}

export function restoreTargets(host: HostModel): RestoreTarget[] {
  const kopia = host.appWithRole("backup");
  if (!kopia) return [];
  const uids = new Map(appUsers(host).map((u) => [u.name, u.uid]));
  return backupSources(host).map((source) => {
    const app = host.app(source.app);
    const timing = app?.healthTiming;
    return {
      app: source.app,
      dir: source.hostDir,
      owner: `${uids.get(source.app) ?? 0}:${host.gid}`,
      source: backupSourceName(host, kopia, source),
      container: containerName(host.name, source.app),
      // Start period, then the probes that may fail before it counts as unhealthy, plus margin.
      waitSeconds: app?.healthProbe && timing ? timing.startPeriodSeconds + worstDetectionSeconds(timing) + 30 : 0,
    };
  });
}

/**
 * What restore.sh (compose/scripts/restore.sh) reads from bundle.env: Kopia's restore job and uid, and per
 * app its config dir, owner, Kopia source, container and how long to wait for healthy. None
 * when there is no backup app with sources (the bundle then has no restore.sh).
 */
export function restoreData(host: HostModel): ShellVar[] | undefined {
  const kopia = host.appWithRole("backup");
  const targets = restoreTargets(host);
  if (!kopia || targets.length === 0) return undefined;
  const table = (f: (t: RestoreTarget) => string | number) => new Map(targets.map((t) => [t.app, f(t)]));
  return [
    { name: "kopia_job", doc: "restore.sh: the compose job that runs Kopia's restore", value: restoreJob(host, kopia).service },
    { name: "kopia_uid", doc: "restore.sh: Kopia's uid (owns the staging dir it restores into)", value: kopia.props.uid ?? 0 },
    { name: "restore_apps", doc: "restore.sh: the apps whose config dir Kopia backs up", value: targets.map((t) => [t.app]) },
    { name: "restore_dir", value: table((t) => t.dir) },
    { name: "restore_owner", doc: "numeric uid:gid", value: table((t) => t.owner) },
    { name: "restore_source", value: table((t) => t.source) },
    { name: "restore_container", value: table((t) => t.container) },
    {
      name: "restore_wait",
      doc: "seconds to wait for healthy; 0: no healthcheck, running is enough",
      value: table((t) => String(t.waitSeconds)),
    },
  ];
}
