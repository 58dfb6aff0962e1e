import { NOTIFY_SECRET, type Notify, notifyFunction } from "../constructs/restarter";
import { generatedMarker } from "./render";

export interface DeployScriptOptions {
  /** Compose project name (the host's name). */
  readonly project: string;
  /** Seconds `docker compose up --wait` waits for every service to be healthy. */
  readonly healthTimeoutSeconds: number;
  /** Post the outcome to the host's notification channel (URL from the deployed .env). @default none */
  readonly notify?: Notify["kind"];
}

/** Where deploy.sh keeps the last good files, the deployed commit, its history and its lock. */
export function deployStateDir(project: string): string {
  return `/var/lib/servarr/deploy/${project}`;
}

/**
 * The flags of every compose invocation on the host (deploy.sh, the boot unit): the project,
 * its directory, the compose file and the env file, all named, so nothing is read from the
 * working directory or from a COMPOSE_* variable.
 */
export function composeFlags(f: { project: string; projectDirectory: string; file: string; envFile: string }): string {
  return `--project-name ${f.project} --project-directory ${f.projectDirectory} --file ${f.file} --env-file ${f.envFile}`;
}

/** Exit codes of deploy.sh, so callers (and tests) can tell the failures apart. */
export const DEPLOY_EXIT = {
  /** the new services did not become healthy; the last good deployment runs again */
  rolledBack: 1,
  /** the new services did not become healthy and the last good deployment did not come back either */
  rollbackFailed: 2,
  usage: 64,
  /** the new compose file (or .env) is invalid: nothing was changed */
  invalid: 65,
  /** pulling the new images failed: nothing was changed */
  pullFailed: 69,
  /** another deploy held the lock for too long */
  locked: 75,
} as const;

/**
 * deploy.sh: runs on the host, from the repository checkout, as root (through the deploy gate).
 *
 * One deploy at a time (flock). It snapshots the bundle's compose file and the staged .env into
 * `incoming/`, validates them, pulls, brings the project up from `incoming/` and waits for every
 * healthcheck. Only a healthy deploy is promoted to `current/` (what the boot unit starts) and
 * its .env to the bundle's `.env`; an unhealthy one brings `current/` (the last healthy one) back
 * up and exits non-zero naming the failed services, so a reboot never starts a rejected version.
 * After a healthy deploy it removes superseded versions of the project's images (keeping those of
 * `current/` and `previous/`) and posts the outcome to the notification channel, if any.
 * It never prints a value from .env (no `set -x`, no `config` output). The body is one function
 * so that the checkout replacing this file mid-run cannot change what bash executes.
 */
export function renderDeployScript(options: DeployScriptOptions): string {
  const x = DEPLOY_EXIT;
  const stateDefault = deployStateDir(options.project);
  return `#!/usr/bin/env bash
${generatedMarker("#")}
#
# Deploys this compose bundle on the host: validate, pull, up, wait for health, roll back.
# Run by deploy-gate.sh (as root, after it checked out the commit and staged .env), or by hand:
#   deploy.sh          deploys compose.yaml of this directory with SERVARR_DEPLOY_ENV_FILE (the
#                      gate's staged .env), else this directory's .env, else the deployed one
# Only a healthy deploy becomes current/ (what servarr-compose.service starts at boot).
# Environment: SERVARR_DEPLOY_STATE_DIR (default ${stateDefault}),
#   SERVARR_DEPLOY_SKIP_PULL=1 (offline), SERVARR_DEPLOY_TIMEOUT (seconds, default ${options.healthTimeoutSeconds}),
#   SERVARR_DEPLOY_LOCK_TIMEOUT (seconds to wait for another deploy, default 900),
#   SERVARR_DEPLOY_LOCK_HELD=1 (set by the gate: fd 9 already holds the state dir's lock).
# Exit codes: 0 deployed, ${x.rolledBack} unhealthy and rolled back, ${x.rollbackFailed} rollback failed too,
#   ${x.invalid} invalid compose file or .env (nothing changed), ${x.pullFailed} pull failed (nothing changed),
#   ${x.locked} lock timeout, ${x.usage} usage.
set -euo pipefail

main() {
  local project=${options.project}
  local bundle_dir state_dir timeout commit
  bundle_dir=$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)
  state_dir=\${SERVARR_DEPLOY_STATE_DIR:-${stateDefault}}
  timeout=\${SERVARR_DEPLOY_TIMEOUT:-${options.healthTimeoutSeconds}}
  [[ $# -eq 0 ]] || fail ${x.usage} "usage: deploy.sh (no arguments; see the header)"

  umask 077
  mkdir -p "$state_dir"
  local waited=$SECONDS
  if [[ \${SERVARR_DEPLOY_LOCK_HELD:-0} != 1 ]]; then
    exec 9>"$state_dir/lock"
    flock --wait "\${SERVARR_DEPLOY_LOCK_TIMEOUT:-900}" 9 || fail ${x.locked} "another deploy still holds $state_dir/lock"
    log "lock acquired after $((SECONDS - waited))s"
  fi

  local incoming=$state_dir/incoming current=$state_dir/current previous=$state_dir/previous
  rm -rf "$incoming"
  mkdir -p "$incoming"
  commit=$(git -C "$bundle_dir" rev-parse HEAD 2>/dev/null || echo "working-tree")
  cp "$bundle_dir/compose.yaml" "$incoming/compose.yaml"
  printf '%s\\n' "$commit" >"$incoming/commit"
  record "$commit started"
  if [[ -n \${SERVARR_DEPLOY_ENV_FILE:-} ]]; then
    cp "$SERVARR_DEPLOY_ENV_FILE" "$incoming/.env"
  elif [[ -f $bundle_dir/.env ]]; then
    cp "$bundle_dir/.env" "$incoming/.env"
  elif [[ -f $current/.env ]]; then
    cp "$current/.env" "$incoming/.env"
  else
    rm -rf "$incoming"
    fail ${x.invalid} "no .env next to the compose file (the deploy gate writes it from the CI secrets)"
  fi
  chmod 600 "$incoming/.env"

  log "validating the compose file of $commit"
  if ! compose "$incoming" config --quiet; then
    rm -rf "$incoming"
    record "$commit rejected: invalid compose file or .env"
    fail ${x.invalid} "the new compose file or .env is invalid; nothing was changed"
  fi
  if [[ \${SERVARR_DEPLOY_SKIP_PULL:-0} != 1 ]]; then
    log "pulling images"
    if ! compose "$incoming" pull --quiet; then
      rm -rf "$incoming"
      record "$commit rejected: pull failed"
      fail ${x.pullFailed} "pulling the new images failed; nothing was changed"
    fi
  fi

  log "starting; waiting up to \${timeout}s for every service to be healthy"
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
    tell "deployed" "$commit is deployed and healthy after $((SECONDS - started))s"
    return 0
  fi

  local failed
  failed=$(unhealthy "$incoming")
  log "services not healthy after $((SECONDS - started))s: \${failed:-unknown}"
  rm -rf "$incoming"
  if [[ ! -f $current/compose.yaml ]]; then
    record "$commit failed (\${failed}); no previous deployment to return to"
    fail ${x.rolledBack} "deploy of $commit failed: \${failed}; there is no previous deployment to return to"
  fi
  local good
  good=$(cat "$current/commit")
  log "rolling back to $good"
  if compose "$current" up --detach --remove-orphans --wait --wait-timeout "$timeout"; then
    record "$commit failed (\${failed}); rolled back to $good"
    fail ${x.rolledBack} "deploy of $commit failed: \${failed}; rolled back to $good"
  fi
  record "$commit failed (\${failed}); rollback to $good failed ($(unhealthy "$current"))"
  fail ${x.rollbackFailed} "deploy of $commit failed: \${failed}; the rollback to $good is not healthy either: $(unhealthy "$current")"
}

compose() {
  local dir=$1
  shift
  docker compose ${composeFlags({ project: '"$project"', projectDirectory: '"$bundle_dir"', file: '"$dir/compose.yaml"', envFile: '"$dir/.env"' })} "$@"
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
  printf '%s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$state_dir/history"
}

log() {
  printf 'deploy[%s]: %s\\n' "$project" "$*"
}

fail() {
  local code=$1
  shift
  printf 'deploy[%s]: error: %s\\n' "$project" "$*" >&2
  if [[ $code -ne ${x.usage} ]]; then tell "deploy failed" "$*"; fi
  exit "$code"
}

# The outcome to the notification channel: its URL from the .env the host runs with, sent
# with curl; nothing when there is no channel, no URL or no curl. Never fatal, never printed.
${notifyFunction(options.notify, "curl")}
tell() {
  local env_file=\${state_dir:-}/current/.env url
  [[ -f $env_file ]] || env_file=\${bundle_dir:-.}/.env
  url=$(sed -n 's/^${NOTIFY_SECRET}=//p' "$env_file" 2>/dev/null | tail -n 1) || true
  url=\${url#"'"}
  url=\${url%"'"}
  if [[ -n $url ]] && command -v curl >/dev/null; then NOTIFY_URL=$url notify "$project: $1" "$2" || true; fi
}

main "$@"
exit
`;
}
