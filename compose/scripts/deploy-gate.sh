#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The one command the deploy user may run, as root (sudoers NOPASSWD + sshd ForceCommand):
#   ssh <deploy user>@host <commit> < .env
# It runs from $gate_dir, outside the checkout, where setup.sh of a deployed commit installed it
# with this bundle.env. It moves the root-owned checkout to <commit> only if that commit is on
# origin/<branch> and a descendant of the last healthy deploy (only forward: going back is a new
# commit, reviewed like any other), stages .env from stdin (one NAME='value' line per declared
# variable, every one exactly once; see below), re-runs setup.sh and runs deploy.sh of that
# commit. Only a healthy deploy promotes the commit and .env; otherwise the checkout goes back to
# the last healthy commit and .env stays. A stolen deploy key can therefore only re-deploy the
# healthy commit or deploy reviewed commits after it, and change the values of declared
# variables (the tunnel token only to one of this model's tunnel): never run its own code as root,
# never bring back an older gate, sudoers rule or boot unit (setup.sh of an older commit never
# runs). The checkout, the branch, the declared names (allowed) and the Cloudflare account come
# from bundle.env next to this script.
set -euo pipefail
umask 077
export LC_ALL=C
# shellcheck source=bundle.env
. "$(dirname "${BASH_SOURCE[0]}")/bundle.env"

# --- .env grammar (begin)
die() { echo "deploy-gate: $*" >&2; exit 1; }

# The value rule, in words and in bash (the deploy workflow's step runs the same function).
env_value_rule='one or more printable ASCII characters except the single quote and the backslash'
env_value_ok() { [[ $1 =~ ^[[:print:]]+$ && $1 != *"'"* && $1 != *\\* ]]; }

# A connector token is base64 of JSON {"a": account tag, "t": tunnel id, "s": secret}. It must
# name the model's Cloudflare account and, once a deploy ran healthy with one, the same tunnel
# (pinned in $tunnel_pin; remove that file by hand after replacing the tunnel on purpose).
# cloudflared reads it with Go's encoding/json (cmd/cloudflared/tunnel/subcommands.go ParseToken,
# connection/connection.go TunnelToken {a, s, t, e} at 2026.8.2), which matches keys without
# regard to case, decodes escapes in keys and lets the last of two equal keys win. So the token
# is parsed here with a real JSON parser (jq, event by event so no duplicate hides) and refused
# when two readers could disagree: not one JSON object of string values, a key other than a, t
# and s, a key twice, any backslash (no escapes: none of the three values needs one), anything
# but printable ASCII. What .env gets is re-encoded from the checked values ($canonical_token),
# so cloudflared reads exactly what was checked. Sets tunnel_id, or why (ids only, never the
# secret) and fails.
tunnel_token_ok() {
  local b64=$1 json keys account tunnel secret
  command -v jq >/dev/null || { why="jq is not installed (setup.sh installs it)"; return 1; }
  [[ $b64 =~ ^[A-Za-z0-9+/]+=*$ ]] || { why="not base64"; return 1; }
  b64=${b64%%=*}
  while ((${#b64} % 4)); do b64+="="; done
  json=$(printf '%s' "$b64" | base64 -d 2>/dev/null | tr '\0' '\1') || { why="not base64"; return 1; }
  [[ $json =~ ^[[:print:]]+$ ]] || { why="its JSON has characters other than printable ASCII"; return 1; }
  [[ $json != *\\* ]] || { why="its JSON has a backslash (escapes can hide a key)"; return 1; }
  keys=$(jq -n -r --stream 'inputs | select(length == 2)
    | if (.[0] | length) == 1 and (.[0][0] | type) == "string" and (.[1] | type) == "string" then .[0][0]
      else error("not one object of strings") end' <<<"$json" 2>/dev/null) || { why="not one JSON object of string values"; return 1; }
  keys=$(sort <<<"$keys" | tr '\n' ' ')
  [[ $keys == "a s t " ]] || { why="its keys are ${keys% }; allowed: a, t and s, each exactly once"; return 1; }
  { read -r account && read -r tunnel && read -r secret; } < <(jq -r '.a, .t, .s' <<<"$json")
  [[ $account =~ ^[0-9a-f]{32}$ ]] || { why="no account tag (32 lowercase hex digits)"; return 1; }
  [[ $tunnel =~ ^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$ ]] || { why="no tunnel id (a lowercase UUID)"; return 1; }
  [[ $secret =~ ^[A-Za-z0-9+/]+={0,2}$ && $((${#secret} % 4)) -eq 0 ]] || { why="the secret is not base64"; return 1; }
  [[ $account == "$tunnel_account" ]] || { why="it belongs to Cloudflare account $account, the model's is $tunnel_account"; return 1; }
  if [[ -f $tunnel_pin && $(cat "$tunnel_pin") != "$tunnel" ]]; then
    why="it is for tunnel $tunnel, this host runs tunnel $(cat "$tunnel_pin") (pinned in $tunnel_pin)"
    return 1
  fi
  tunnel_id=$tunnel
  canonical_token=$(printf '{"a":"%s","t":"%s","s":"%s"}' "$account" "$tunnel" "$secret" | base64 -w0)
}

# Reads .env lines on stdin and writes them to $1 when every line is NAME='value', NAME declared,
# every declared NAME exactly once. Otherwise removes $1 and dies naming the line and the name,
# never the value. No line at all leaves $1 empty (the caller keeps the current .env).
filter_env() {
  local out=$1 line name value why canonical_token n=0 seen=" " re="^([A-Z][A-Z0-9_]*)='(.*)'\$"
  : >"$out"
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ $re ]] || env_refused "$out" "line $n is not NAME='value'"
    name=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    [[ " ${allowed[*]} " == *" $name "* ]] || env_refused "$out" "line $n: $name is not declared by the model (allowed: ${allowed[*]})"
    [[ $seen != *" $name "* ]] || env_refused "$out" "line $n: $name is given twice"
    env_value_ok "$value" || env_refused "$out" "line $n: the value of $name is not $env_value_rule"
    if [[ $name == TUNNEL_TOKEN ]]; then
      tunnel_token_ok "$value" || env_refused "$out" "line $n: TUNNEL_TOKEN refused: $why"
      value=$canonical_token
    fi
    seen+="$name "
    printf "%s='%s'\n" "$name" "$value" >>"$out"
  done
  [[ $n -gt 0 ]] || return 0
  for name in "${allowed[@]}"; do
    [[ $seen == *" $name "* ]] || env_refused "$out" "$name is missing (every declared variable, exactly once)"
  done
}

env_refused() {
  rm -f "$1"
  die "refusing .env: $2; nothing was changed"
}
# --- .env grammar (end)

# Back to the last healthy commit, with its setup.sh (the failed commit's may have run).
restore() {
  git -C "$checkout" checkout --quiet --detach "$1"
  "$bundle/setup.sh" >/dev/null || echo "deploy-gate: warning: setup.sh of $1 failed while restoring it" >&2
  echo "deploy-gate: checkout back at $1 (the last healthy deploy); .env unchanged"
}

main() {
  local commit=${1:-}
  [ "$(id -u)" -eq 0 ] || die "run through sudo"
  [[ $commit =~ ^[0-9a-f]{40}$ ]] || die "usage: ssh $deploy_user@host <40-hex commit of origin/$branch> < .env"
  # One deploy at a time, from the checkout to the end of deploy.sh (which inherits the lock).
  local state=${SERVARR_DEPLOY_STATE_DIR:-$deploy_state_dir}
  mkdir -p "$state"
  tunnel_pin=$state/tunnel-id
  exec 9>"$state/lock"
  local waited=$SECONDS
  flock --wait "${SERVARR_DEPLOY_LOCK_TIMEOUT:-900}" 9 || die "another deploy still holds $state/lock"
  echo "deploy-gate: lock acquired after $((SECONDS - waited))s"
  export SERVARR_DEPLOY_LOCK_HELD=1
  git -C "$checkout" fetch --quiet origin "$branch"
  git -C "$checkout" merge-base --is-ancestor "$commit" FETCH_HEAD || die "$commit is not on origin/$branch"
  local healthy staged=$state/staged.env
  healthy=$(cat "$state/deployed-commit" 2>/dev/null || git -C "$checkout" rev-parse HEAD)
  # Only forward, checked before anything of the commit runs.
  git -C "$checkout" merge-base --is-ancestor "$healthy" "$commit" ||
    die "$commit is not a descendant of $healthy, the last healthy deploy (only forward: to go back, revert on origin/$branch and deploy that commit); nothing was changed"
  # Stage .env before touching the checkout: a refused .env changes nothing.
  tunnel_id=""
  if [ -t 0 ]; then
    : >"$staged"
  else
    filter_env "$staged"
  fi
  if [[ -s $staged ]]; then
    echo "deploy-gate: .env staged ($(wc -l <"$staged") variables)"
    export SERVARR_DEPLOY_ENV_FILE=$staged
  else
    rm -f "$staged"
    echo "deploy-gate: no variables on stdin, .env kept"
  fi
  git -C "$checkout" checkout --quiet --detach "$commit"
  local status=0
  "$bundle/setup.sh" || status=$?
  if [[ $status -eq 0 ]]; then "$bundle/deploy.sh" || status=$?; fi
  rm -f "$staged"
  if [[ $status -ne 0 ]]; then
    restore "$healthy"
    exit "$status"
  fi
  if [[ -n $tunnel_id ]]; then printf '%s\n' "$tunnel_id" >"$tunnel_pin"; fi
}

# setup.sh replaces this file (a new file moved over it); main is parsed whole before it runs.
main "$@"
exit
