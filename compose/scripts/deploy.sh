#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys this compose bundle on the host: validate, pull, up, wait for health, roll back.
# Run by deploy-gate.sh (as root, after it checked out the commit and staged .env), or by hand:
#   deploy.sh          deploys compose.yaml of this directory with SERVARR_DEPLOY_ENV_FILE (the
#                      gate's staged .env), else this directory's .env, else the deployed one
# Only a healthy deploy becomes current/ (what servarr-compose.service starts at boot).
# The project, its state dir and health timeout come from bundle.env; the notification channel's
# protocol from notify.sh (both generated next to this script).
# Environment: SERVARR_DEPLOY_STATE_DIR (default: deploy_state_dir of bundle.env),
#   SERVARR_DEPLOY_SKIP_PULL=1 (offline), SERVARR_DEPLOY_TIMEOUT (seconds, default: health_timeout),
#   SERVARR_DEPLOY_LOCK_TIMEOUT (seconds to wait for another deploy, default 900),
#   SERVARR_DEPLOY_LOCK_HELD=1 (set by the gate: fd 9 already holds the state dir's lock).
# Exit codes: 0 deployed, 1 unhealthy and rolled back, 2 rollback failed too, 3 deployed but wiring failed,
#   65 invalid compose file or .env (nothing changed), 69 pull failed (nothing changed),
#   75 lock timeout, 64 usage.
set -euo pipefail
# shellcheck source=bundle.env
. "$(dirname "${BASH_SOURCE[0]}")/bundle.env"
# shellcheck source=notify.sh
. "$(dirname "${BASH_SOURCE[0]}")/notify.sh"

main() {
  local bundle_dir state_dir timeout commit
  bundle_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  state_dir=${SERVARR_DEPLOY_STATE_DIR:-$deploy_state_dir}
  timeout=${SERVARR_DEPLOY_TIMEOUT:-$health_timeout}
  [[ $# -eq 0 ]] || fail 64 "usage: deploy.sh (no arguments; see the header)"

  umask 077
  mkdir -p "$state_dir"
  local waited=$SECONDS
  if [[ ${SERVARR_DEPLOY_LOCK_HELD:-0} != 1 ]]; then
    exec 9>"$state_dir/lock"
    flock --wait "${SERVARR_DEPLOY_LOCK_TIMEOUT:-900}" 9 || fail 75 "another deploy still holds $state_dir/lock"
    log "lock acquired after $((SECONDS - waited))s"
  fi

  local incoming=$state_dir/incoming current=$state_dir/current previous=$state_dir/previous
  rm -rf "$incoming"
  mkdir -p "$incoming"
  commit=$(git -C "$bundle_dir" rev-parse HEAD 2>/dev/null || echo "working-tree")
  cp "$bundle_dir/compose.yaml" "$incoming/compose.yaml"
  printf '%s\n' "$commit" >"$incoming/commit"
  record "$commit started"
  if [[ -n ${SERVARR_DEPLOY_ENV_FILE:-} ]]; then
    cp "$SERVARR_DEPLOY_ENV_FILE" "$incoming/.env"
  elif [[ -f $bundle_dir/.env ]]; then
    cp "$bundle_dir/.env" "$incoming/.env"
  elif [[ -f $current/.env ]]; then
    cp "$current/.env" "$incoming/.env"
  else
    rm -rf "$incoming"
    fail 65 "no .env next to the compose file (the deploy gate writes it from the CI secrets)"
  fi
  chmod 600 "$incoming/.env"

  log "validating the compose file of $commit"
  if ! compose "$incoming" config --quiet; then
    rm -rf "$incoming"
    record "$commit rejected: invalid compose file or .env"
    fail 65 "the new compose file or .env is invalid; nothing was changed"
  fi
  if [[ ${SERVARR_DEPLOY_SKIP_PULL:-0} != 1 ]]; then
    log "pulling images"
    if ! compose "$incoming" pull --quiet; then
      rm -rf "$incoming"
      record "$commit rejected: pull failed"
      fail 69 "pulling the new images failed; nothing was changed"
    fi
  fi

  log "starting; waiting up to ${timeout}s for every service to be healthy"
  local started=$SECONDS
  if compose "$incoming" up --detach --remove-orphans --wait --wait-timeout "$timeout"; then
    # Healthy: promote. previous = the deployment before this one (kept when redeploying the same files).
    if [[ -f $current/compose.yaml ]] && ! same_files "$current" "$incoming"; then
      rm -rf "$previous"
      mv "$current" "$previous"
    fi
    rm -rf "$current"
    mv "$incoming" "$current"
    install -m 600 "$current/.env" "$bundle_dir/.env"
    cp "$current/commit" "$state_dir/deployed-commit"
    record "$commit deployed"
    log "deployed $commit in $((SECONDS - started))s"
    prune_images
    wire "$current" "$commit"
    tell "deployed" "$commit is deployed and healthy after $((SECONDS - started))s${wired:+; $wired}"
    return 0
  fi

  local failed
  failed=$(unhealthy "$incoming")
  log "services not healthy after $((SECONDS - started))s: ${failed:-unknown}"
  rm -rf "$incoming"
  if [[ ! -f $current/compose.yaml ]]; then
    record "$commit failed (${failed}); no previous deployment to return to"
    fail 1 "deploy of $commit failed: ${failed}; there is no previous deployment to return to"
  fi
  local good
  good=$(cat "$current/commit")
  log "rolling back to $good"
  if compose "$current" up --detach --remove-orphans --wait --wait-timeout "$timeout"; then
    record "$commit failed (${failed}); rolled back to $good"
    fail 1 "deploy of $commit failed: ${failed}; rolled back to $good"
  fi
  record "$commit failed (${failed}); rollback to $good failed ($(unhealthy "$current"))"
  fail 2 "deploy of $commit failed: ${failed}; the rollback to $good is not healthy either: $(unhealthy "$current")"
}

# The wire job (wire/ of the bundle), once every app is healthy: configures each app for the
# others (download clients, root folders, Prowlarr, Seerr, Bazarr, qBittorrent); prints a line
# per resource. The apps stay deployed when it fails; the deploy still fails and notifies.
wire() {
  wired=
  [[ -n $wire_job ]] || return 0
  # A compose file without the job (a deployment from before it existed) has nothing to wire.
  # The list is read whole before it is searched: compose prints the services in no fixed order,
  # and `| grep -q` under pipefail would fail when grep stops before compose has written the rest.
  local services
  services=$(compose "$1" --profile "$wire_job" config --services 2>/dev/null) || return 0
  grep -qx "$wire_job" <<<"$services" || return 0
  local at=$SECONDS
  log "wiring the apps ($wire_job)"
  if ! compose "$1" --profile "$wire_job" run --rm --no-TTY "$wire_job"; then
    record "$2 deployed; wiring failed"
    fail 3 "$2 is deployed and healthy, but wiring the apps failed (the $wire_job lines above say which)"
  fi
  wired="wired in $((SECONDS - at))s"
  log "$wired"
}

compose() {
  local dir=$1
  shift
  docker compose --project-name "$project" --project-directory "$bundle_dir" --file "$dir/compose.yaml" --env-file "$dir/.env" "$@"
}

# Services that are not running, or running with a healthcheck that is not healthy.
unhealthy() {
  { compose "$1" ps --all --format '{{.Service}} {{.State}} {{.Health}}' 2>/dev/null || true; } |
    awk '$2 != "running" || ($3 != "" && $3 != "healthy") { printf "%s%s (%s%s)", sep, $1, $2, ($3 == "" ? "" : ", " $3); sep = ", " }'
}

# After a healthy deploy: removes the superseded versions of this project's images, i.e. images of
# a repository that current/ or previous/ (what a rollback returns to) names, used by neither.
# An image some container still uses is refused by the engine and stays; nothing else is touched.
prune_images() {
  local refs keep=" " ref id repo pruned=0
  refs=$({ compose "$current" config --images; if [[ -f $previous/compose.yaml ]]; then compose "$previous" config --images; fi; } 2>/dev/null | sort -u) || return 0
  for ref in $refs; do
    id=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null) && keep+="$id "
  done
  while read -r id repo; do
    [[ " $refs " == *" $repo:"* || " $refs " == *" $repo@"* ]] || continue
    [[ $keep != *" $id "* ]] || continue
    if docker image rm "$id" >/dev/null 2>&1; then pruned=$((pruned + 1)); fi
  done < <(docker image ls --no-trunc --format '{{.ID}} {{.Repository}}' 2>/dev/null)
  log "pruned $pruned superseded image(s); kept the images of the deployment and the one before it"
}

same_files() {
  cmp -s "$1/compose.yaml" "$2/compose.yaml" && cmp -s "$1/.env" "$2/.env"
}

record() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$state_dir/history"
}

log() {
  printf 'deploy[%s]: %s\n' "$project" "$*"
}

fail() {
  local code=$1
  shift
  printf 'deploy[%s]: error: %s\n' "$project" "$*" >&2
  if [[ $code -ne 64 ]]; then tell "deploy failed" "$*"; fi
  exit "$code"
}

# The outcome to the notification channel: its URL from the .env the host runs with, sent
# with curl (notify.sh); nothing when there is no channel, no URL or no curl. Never fatal, never printed.
tell() {
  local env_file=${state_dir:-}/current/.env url
  [[ -f $env_file ]] || env_file=${bundle_dir:-.}/.env
  url=$(sed -n "s/^$notify_secret=//p" "$env_file" 2>/dev/null | tail -n 1) || true
  url=${url#"'"}
  url=${url%"'"}
  if [[ -n $url ]] && command -v curl >/dev/null; then NOTIFY_URL=$url notify "$project: $1" "$2" || true; fi
}

main "$@"
exit
