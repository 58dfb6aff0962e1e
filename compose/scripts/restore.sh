#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restores app config dirs from the Kopia repository, on the host, as root:
#   restore.sh --dry-run <app>... | --all     list the snapshots each restore would use; change nothing
#   restore.sh [--snapshot <k-id | time>] <app>... | --all
# Apps: restore_apps in bundle.env (every app whose config dir Kopia backs up), with each one's
# dir, owner, Kopia source, container and wait for health.
# Default snapshot: the latest. --snapshot takes a snapshot root id (k…, from the dry-run's list)
# or a time (the latest snapshot before it, Kopia's --snapshot-time).
# Per app: stop, restore into <dir>.restoring, swap it in (the old dir stays as
# <dir>.before-restore-<time>: remove it once you are happy), chown to the app's user, start,
# wait until healthy. Holds the deploy lock; refuses at once while a deploy holds it.
# Environment: SERVARR_DEPLOY_STATE_DIR (default: deploy_state_dir of bundle.env).
# Exit codes: 0 restored and healthy, 1 Kopia's restore failed (the app runs on its old config),
#   2 restored but not healthy in time, 75 a deploy holds the lock (nothing changed), 64 usage.
set -euo pipefail
umask 027
export LC_ALL=C

# shellcheck source=bundle.env
. "$(dirname "${BASH_SOURCE[0]}")/bundle.env"
readonly EXIT_RESTORE_FAILED=1 EXIT_UNHEALTHY=2 EXIT_USAGE=64 EXIT_LOCKED=75

log() { printf 'restore[%s]: %s\n' "$project" "$*"; }
fail() {
  local code=$1
  shift
  printf 'restore[%s]: error: %s\n' "$project" "$*" >&2
  exit "$code"
}

compose() {
  docker compose --project-name "$project" --project-directory "$bundle_dir" --file "$state_dir/current/compose.yaml" --env-file "$state_dir/current/.env" "$@"
}

# Kopia's side, two verbs: list SOURCE; restore SOURCE SNAPSHOT HOST_DIR.
kopia() {
  if [[ -n ${SERVARR_RESTORE_KOPIA:-} ]]; then
    "$SERVARR_RESTORE_KOPIA" "$@"
    return
  fi
  case $1 in
  list) compose --profile restore run --rm --no-deps -T "$kopia_job" snapshot list "$2" ;;
  restore)
    local what=("$2")
    if [[ $3 =~ ^k[0-9a-f]+$ ]]; then what=("$3"); elif [[ $3 != latest ]]; then what+=("--snapshot-time=$3"); fi
    compose --profile restore run --rm --no-deps -T -v "$4:/restore" "$kopia_job" restore "${what[@]}" /restore --skip-owners
    ;;
  esac
}

state() {
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing
}

restore_app() {
  local app=$1 snapshot=$2 target=${restore_dir[$1]} staging=${restore_dir[$1]}.restoring old
  old=$target.before-restore-$(date -u +%Y%m%dT%H%M%SZ)
  local began=$SECONDS
  rm -rf "$staging"
  install -d -o "$kopia_uid" -m 700 "$staging"
  log "$app: stopping ${restore_container[$app]}"
  compose stop "$app" >/dev/null
  log "$app: restoring $snapshot of ${restore_source[$app]}"
  if ! kopia restore "${restore_source[$app]}" "$snapshot" "$staging"; then
    rm -rf "$staging"
    compose start "$app" >/dev/null
    fail "$EXIT_RESTORE_FAILED" "$app: Kopia's restore failed; $app started again on its config as it was"
  fi
  if [[ -e $target ]]; then mv "$target" "$old"; fi
  mv "$staging" "$target"
  chown -R "${restore_owner[$app]}" "$target"
  chmod 750 "$target"
  log "$app: starting"
  compose start "$app" >/dev/null
  local limit=${restore_wait[$app]} want=healthy now
  if [[ $limit -eq 0 ]]; then want=running limit=30; fi
  while now=$(state "${restore_container[$app]}") && [[ $now != "$want" ]]; do
    if ((SECONDS - began > limit + 60)); then
      fail "$EXIT_UNHEALTHY" "$app: restored but $now, not $want, after $((SECONDS - began))s; the previous config is in $old"
    fi
    sleep 1
  done
  log "$app: restored and $want in $((SECONDS - began))s (previous config kept in $old)"
}

main() {
  local dry=0 snapshot=latest chosen=() app
  bundle_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  state_dir=${SERVARR_DEPLOY_STATE_DIR:-$deploy_state_dir}
  while [[ $# -gt 0 ]]; do
    case $1 in
    --dry-run) dry=1 ;;
    --snapshot) snapshot=${2:?--snapshot needs a value} && shift ;;
    --all) chosen=("${restore_apps[@]}") ;;
    -*) fail "$EXIT_USAGE" "unknown option $1 (see the header of this file)" ;;
    *) [[ -n ${restore_dir[$1]:-} ]] || fail "$EXIT_USAGE" "$1 is not an app with a backed-up config dir (one of: ${restore_apps[*]})"; chosen+=("$1") ;;
    esac
    shift
  done
  [[ ${#chosen[@]} -gt 0 ]] || fail "$EXIT_USAGE" "name the apps to restore, or --all (apps: ${restore_apps[*]})"
  [[ -f $state_dir/current/compose.yaml ]] || fail "$EXIT_USAGE" "no deployment in $state_dir/current: deploy first"
  if [[ $dry -eq 1 ]]; then
    for app in "${chosen[@]}"; do
      log "$app: would restore snapshot '$snapshot' of ${restore_source[$app]} into ${restore_dir[$app]}; its snapshots:"
      kopia list "${restore_source[$app]}"
    done
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || fail "$EXIT_USAGE" "run as root (it stops and starts containers and sets owners)"
  exec 9>"$state_dir/lock"
  flock --nonblock 9 || fail "$EXIT_LOCKED" "a deploy holds $state_dir/lock; nothing was changed (try again when it is done)"
  for app in "${chosen[@]}"; do restore_app "$app" "$snapshot"; done
}

main "$@"
