import { backupSourceName, restoreJob } from "../constructs/backups";
import { worstDetectionSeconds } from "../constructs/health";
import type { Host } from "../constructs/host";
import { containerName } from "../constructs/restarter";
import { shellQuote as q } from "./deploy-gate";
import { composeFlags, deployStateDir } from "./deploy-script";
import { appUsers } from "./host-scripts";
import { generatedMarker } from "./render";

/** Exit codes of restore.sh. */
export const RESTORE_EXIT = {
  /** Kopia's restore failed: the app was started again on its config as it was */
  restoreFailed: 1,
  /** restored and started, but not healthy in time (the previous config dir is kept next to it) */
  unhealthy: 2,
  usage: 64,
  /** a deploy holds the lock: nothing was changed */
  locked: 75,
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

export function restoreTargets(host: Host): RestoreTarget[] {
  const kopia = host.appWithRole("backup");
  if (!kopia) return [];
  const uids = new Map(appUsers(host).map((u) => [u.name, u.uid]));
  return host.backupSources().map((source) => {
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
 * restore.sh: restores app config dirs from the Kopia repository, on the host, as root. Per
 * app: stop it, restore the snapshot into a staging dir next to the config dir (Kopia's job runs
 * as Kopia's user and skips owners), swap it in (the old dir stays as `<dir>.before-restore-<time>`),
 * give it the app's owner and mode, start the app, wait until healthy. It holds the deploy lock
 * the whole time and refuses at once when a deploy holds it. `--dry-run` lists the snapshots it
 * would use and changes nothing. Kopia runs as the bundle's `<kopia>-restore` job (profile
 * "restore") against the deployed compose file; SERVARR_RESTORE_KOPIA names a stand-in with
 * the same two verbs (the e2e's stand-in for Kopia's data path).
 */
export function renderRestoreScript(host: Host): string | undefined {
  const kopia = host.appWithRole("backup");
  const targets = restoreTargets(host);
  if (!kopia || targets.length === 0) return undefined;
  const job = restoreJob(host, kopia).service;
  const x = RESTORE_EXIT;
  const table = (f: (t: RestoreTarget) => string | number) => targets.map((t) => `[${t.app}]=${q(f(t))}`).join(" ");
  return `#!/usr/bin/env bash
${generatedMarker("#")}
#
# Restores app config dirs from the Kopia repository, on the host, as root:
#   restore.sh --dry-run <app>... | --all     list the snapshots each restore would use; change nothing
#   restore.sh [--snapshot <k-id | time>] <app>... | --all
# Apps: ${targets.map((t) => t.app).join(", ")}.
# Default snapshot: the latest. --snapshot takes a snapshot root id (k…, from the dry-run's list)
# or a time (the latest snapshot before it, Kopia's --snapshot-time).
# Per app: stop, restore into <dir>.restoring, swap it in (the old dir stays as
# <dir>.before-restore-<time>: remove it once you are happy), chown to the app's user, start,
# wait until healthy. Holds the deploy lock; refuses at once while a deploy holds it.
# Environment: SERVARR_DEPLOY_STATE_DIR (default ${deployStateDir(host.name)}).
# Exit codes: 0 restored and healthy, ${x.restoreFailed} Kopia's restore failed (the app runs on its old config),
#   ${x.unhealthy} restored but not healthy in time, ${x.locked} a deploy holds the lock (nothing changed), ${x.usage} usage.
set -euo pipefail
umask 027
export LC_ALL=C

project=${q(host.name)}
kopia_job=${q(job)}
kopia_uid=${q(kopia.props.uid ?? 0)}
apps=(${targets.map((t) => q(t.app)).join(" ")})
declare -A dir=(${table((t) => t.dir)})
declare -A owner=(${table((t) => t.owner)})
declare -A source=(${table((t) => t.source)})
declare -A container=(${table((t) => t.container)})
declare -A wait_for=(${table((t) => t.waitSeconds)})

log() { printf 'restore[%s]: %s\\n' "$project" "$*"; }
fail() {
  local code=$1
  shift
  printf 'restore[%s]: error: %s\\n' "$project" "$*" >&2
  exit "$code"
}

compose() {
  docker compose ${composeFlags({ project: '"$project"', projectDirectory: '"$bundle_dir"', file: '"$state_dir/current/compose.yaml"', envFile: '"$state_dir/current/.env"' })} "$@"
}

# Kopia's side, two verbs: list SOURCE; restore SOURCE SNAPSHOT HOST_DIR.
kopia() {
  if [[ -n \${SERVARR_RESTORE_KOPIA:-} ]]; then
    "$SERVARR_RESTORE_KOPIA" "$@"
    return
  fi
  case $1 in
  list) compose --profile restore run --rm --no-deps -T "$kopia_job" snapshot list "$2" ;;
  restore)
    local what=("$2")
    if [[ $3 =~ ^k[0-9a-f]+$ ]]; then what=("$3"); elif [[ $3 != latest ]]; then what+=("--snapshot-time=$3"); fi
    compose --profile restore run --rm --no-deps -T -v "$4:/restore" "$kopia_job" restore "\${what[@]}" /restore --skip-owners
    ;;
  esac
}

state() {
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing
}

restore_app() {
  local app=$1 snapshot=$2 target=\${dir[$1]} staging=\${dir[$1]}.restoring old
  old=$target.before-restore-$(date -u +%Y%m%dT%H%M%SZ)
  local began=$SECONDS
  rm -rf "$staging"
  install -d -o "$kopia_uid" -m 700 "$staging"
  log "$app: stopping \${container[$app]}"
  compose stop "$app" >/dev/null
  log "$app: restoring $snapshot of \${source[$app]}"
  if ! kopia restore "\${source[$app]}" "$snapshot" "$staging"; then
    rm -rf "$staging"
    compose start "$app" >/dev/null
    fail ${x.restoreFailed} "$app: Kopia's restore failed; $app started again on its config as it was"
  fi
  if [[ -e $target ]]; then mv "$target" "$old"; fi
  mv "$staging" "$target"
  chown -R "\${owner[$app]}" "$target"
  chmod 750 "$target"
  log "$app: starting"
  compose start "$app" >/dev/null
  local limit=\${wait_for[$app]} want=healthy now
  if [[ $limit -eq 0 ]]; then want=running limit=30; fi
  while now=$(state "\${container[$app]}") && [[ $now != "$want" ]]; do
    if ((SECONDS - began > limit + 60)); then
      fail ${x.unhealthy} "$app: restored but $now, not $want, after $((SECONDS - began))s; the previous config is in $old"
    fi
    sleep 1
  done
  log "$app: restored and $want in $((SECONDS - began))s (previous config kept in $old)"
}

main() {
  local dry=0 snapshot=latest chosen=() app
  bundle_dir=$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)
  state_dir=\${SERVARR_DEPLOY_STATE_DIR:-${deployStateDir(host.name)}}
  while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) dry=1 ;;
    --snapshot) snapshot=\${2:?--snapshot needs a value} && shift ;;
    --all) chosen=("\${apps[@]}") ;;
    -*) fail ${x.usage} "unknown option $1 (see the header of this file)" ;;
    *) [[ -n \${dir[$1]:-} ]] || fail ${x.usage} "$1 is not an app with a backed-up config dir (one of: \${apps[*]})"; chosen+=("$1") ;;
    esac
    shift
  done
  [[ \${#chosen[@]} -gt 0 ]] || fail ${x.usage} "name the apps to restore, or --all (apps: \${apps[*]})"
  [[ -f $state_dir/current/compose.yaml ]] || fail ${x.usage} "no deployment in $state_dir/current: deploy first"
  if [[ $dry -eq 1 ]]; then
    for app in "\${chosen[@]}"; do
      log "$app: would restore snapshot '$snapshot' of \${source[$app]} into \${dir[$app]}; its snapshots:"
      kopia list "\${source[$app]}"
    done
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || fail ${x.usage} "run as root (it stops and starts containers and sets owners)"
  exec 9>"$state_dir/lock"
  flock --nonblock 9 || fail ${x.locked} "a deploy holds $state_dir/lock; nothing was changed (try again when it is done)"
  for app in "\${chosen[@]}"; do restore_app "$app" "$snapshot"; done
}

main "$@"
`;
}
