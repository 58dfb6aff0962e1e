import type { Host } from "../constructs/host";
import { deployStateDir } from "./deploy-script";
import { bundleDirOnHost } from "./paths";
import { generatedMarker } from "./render";

/** Single-quoted for the shell (values are validated, this keeps them inert anyway). */
export function shellQuote(value: string | number): string {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}

/**
 * The one grammar of a `.env` line, written by the deploy step and the only one the gate
 * accepts: `NAME='value'`, the value one or more printable ASCII characters other than `'` and
 * `\`. Compose's .env parser (compose-go dotenv) reads such a line one way only: a single-quoted
 * value is literal (no `$` interpolation, no escapes), nothing follows the closing quote, and
 * without `\` no quote can be escaped into the next line. The bash test below is shared by the
 * deploy step (refuses to send anything else) and the gate (refuses to write anything else).
 */
export const ENV_VALUE_RULE = "one or more printable ASCII characters except the single quote and the backslash";
export const ENV_VALUE_OK_BASH = String.raw`env_value_ok() { [[ $1 =~ ^[[:print:]]+$ && $1 != *"'"* && $1 != *\\* ]]; }`;
/** The same rule in TypeScript, for what writes a `.env` off the host (npm run setup -- env). */
export function envValueOk(value: string): boolean {
  return /^[\x20-\x7e]+$/.test(value) && !value.includes("'") && !value.includes("\\");
}

/** Where the gate pins the tunnel id of the first TUNNEL_TOKEN a healthy deploy ran with. */
export function tunnelPinFile(project: string): string {
  return `${deployStateDir(project)}/tunnel-id`;
}

/** Markers around the .env grammar block, so tests run exactly the generated functions. */
export const ENV_BLOCK_START = "# --- .env grammar (begin)";
export const ENV_BLOCK_END = "# --- .env grammar (end)";

/**
 * deploy-gate.sh: the one command the deploy user may run, as root. It deploys a commit only if
 * it is on the deployed branch, accepts `.env` only in the grammar above with the declared
 * names (each once), checks the tunnel token belongs to the model's Cloudflare account (and to
 * the tunnel the host already runs), and promotes the commit and `.env` only when deploy.sh
 * reports a healthy deploy: a failed one puts the checkout back on the last healthy commit and
 * leaves `.env` as it was, so a reboot starts the last healthy deployment.
 */
export function renderDeployGate(host: Host): string {
  const m = host.machine;
  const q = shellQuote;
  const bundleDir = bundleDirOnHost(host);
  const names = host.secrets.for("host").map((s) => s.name);
  const tunnelCheck = names.includes("TUNNEL_TOKEN");
  return `#!/usr/bin/env bash
${generatedMarker("#")}
# The one command the deploy user may run, as root (sudoers NOPASSWD + sshd ForceCommand):
#   ssh ${m.deployUser}@host <commit> < .env
# It moves the root-owned checkout to <commit> only if that commit is on origin/${m.branch}, stages
# .env from stdin (one NAME='value' line per declared variable, every one exactly once; see
# below), re-runs setup.sh and runs deploy.sh of that commit. Only a healthy deploy promotes
# the commit and .env; otherwise the checkout goes back to the last healthy commit and .env
# stays. A stolen deploy key can therefore only re-deploy reviewed commits and change the values
# of declared variables (the tunnel token only to one of this model's tunnel): never run its own
# code as root.
set -euo pipefail
umask 077
export LC_ALL=C
checkout=${q(m.checkoutDir)}
bundle=${q(bundleDir)}
allowed=(${names.map(q).join(" ")})
tunnel_account=${q(host.tunnel.accountId)}

${ENV_BLOCK_START}
die() { echo "deploy-gate: $*" >&2; exit 1; }

# A value: ${ENV_VALUE_RULE}.
${ENV_VALUE_OK_BASH}

# A connector token is base64 of JSON {"a": account tag, "t": tunnel id, "s": secret}. It must
# name the model's Cloudflare account and, once a deploy ran healthy with one, the same tunnel
# (pinned in $tunnel_pin; remove that file by hand after replacing the tunnel on purpose).
# Sets tunnel_id, or why (ids only, never the secret) and fails.
tunnel_token_ok() {
  local b64=$1 json account tunnel rest key
  while ((\${#b64} % 4)); do b64+="="; done
  json=$(printf '%s' "$b64" | base64 -d 2>/dev/null | tr -d '\\n') || { why="not base64"; return 1; }
  for key in a t; do
    rest=\${json//\\"$key\\"/}
    (((\${#json} - \${#rest}) == 3)) || { why="not exactly one \\"$key\\" field"; return 1; }
  done
  [[ $json =~ \\"a\\"[[:space:]]*:[[:space:]]*\\"([0-9a-f]{32})\\" ]] || { why="no account tag"; return 1; }
  account=\${BASH_REMATCH[1]}
  [[ $json =~ \\"t\\"[[:space:]]*:[[:space:]]*\\"([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})\\" ]] || { why="no tunnel id"; return 1; }
  tunnel=\${BASH_REMATCH[1]}
  [[ $account == "$tunnel_account" ]] || { why="it belongs to Cloudflare account $account, the model's is $tunnel_account"; return 1; }
  if [[ -f $tunnel_pin && $(cat "$tunnel_pin") != "$tunnel" ]]; then
    why="it is for tunnel $tunnel, this host runs tunnel $(cat "$tunnel_pin") (pinned in $tunnel_pin)"
    return 1
  fi
  tunnel_id=$tunnel
}

# Reads .env lines on stdin and writes them to $1 when every line is NAME='value', NAME declared,
# every declared NAME exactly once. Otherwise removes $1 and dies naming the line and the name,
# never the value. No line at all leaves $1 empty (the caller keeps the current .env).
filter_env() {
  local out=$1 line name value why n=0 seen=" " re="^([A-Z][A-Z0-9_]*)='(.*)'\\$"
  : >"$out"
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ $re ]] || env_refused "$out" "line $n is not NAME='value'"
    name=\${BASH_REMATCH[1]} value=\${BASH_REMATCH[2]}
    [[ " \${allowed[*]} " == *" $name "* ]] || env_refused "$out" "line $n: $name is not declared by the model (allowed: \${allowed[*]})"
    [[ $seen != *" $name "* ]] || env_refused "$out" "line $n: $name is given twice"
    env_value_ok "$value" || env_refused "$out" "line $n: the value of $name is not ${ENV_VALUE_RULE}"
${tunnelCheck ? `    if [[ $name == TUNNEL_TOKEN ]]; then tunnel_token_ok "$value" || env_refused "$out" "line $n: TUNNEL_TOKEN refused: $why"; fi\n` : ""}    seen+="$name "
    printf "%s='%s'\\n" "$name" "$value" >>"$out"
  done
  [[ $n -gt 0 ]] || return 0
  for name in "\${allowed[@]}"; do
    [[ $seen == *" $name "* ]] || env_refused "$out" "$name is missing (every declared variable, exactly once)"
  done
}

env_refused() {
  rm -f "$1"
  die "refusing .env: $2; nothing was changed"
}
${ENV_BLOCK_END}

# Back to the last healthy commit, with its setup.sh (the failed commit's may have run).
restore() {
  git -C "$checkout" checkout --quiet --detach "$1"
  "$bundle/setup.sh" >/dev/null || echo "deploy-gate: warning: setup.sh of $1 failed while restoring it" >&2
  echo "deploy-gate: checkout back at $1 (the last healthy deploy); .env unchanged"
}

main() {
  local commit=\${1:-}
  [ "$(id -u)" -eq 0 ] || die "run through sudo"
  [[ $commit =~ ^[0-9a-f]{40}$ ]] || die "usage: ssh ${m.deployUser}@host <40-hex commit of origin/${m.branch}> < .env"
  # One deploy at a time, from the checkout to the end of deploy.sh (which inherits the lock).
  local state=\${SERVARR_DEPLOY_STATE_DIR:-${deployStateDir(host.name)}}
  mkdir -p "$state"
  tunnel_pin=$state/tunnel-id
  exec 9>"$state/lock"
  local waited=$SECONDS
  flock --wait "\${SERVARR_DEPLOY_LOCK_TIMEOUT:-900}" 9 || die "another deploy still holds $state/lock"
  echo "deploy-gate: lock acquired after $((SECONDS - waited))s"
  export SERVARR_DEPLOY_LOCK_HELD=1
  git -C "$checkout" fetch --quiet origin ${q(m.branch)}
  git -C "$checkout" merge-base --is-ancestor "$commit" FETCH_HEAD || die "$commit is not on origin/${m.branch}"
  local healthy staged=$state/staged.env
  healthy=$(cat "$state/deployed-commit" 2>/dev/null || git -C "$checkout" rev-parse HEAD)
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
  if [[ -n $tunnel_id ]]; then printf '%s\\n' "$tunnel_id" >"$tunnel_pin"; fi
}

# The checkout above replaces this file; main is parsed whole before it runs.
main "$@"
exit
`;
}
