# shellcheck shell=sh
# The restarter's loop (busybox sh in the restarter's image), after its data lines
# (compose/restarter-script.ts restarterScript): proxy, state, gateway, namespace, restartable, max,
# window, within_minutes, interval, debounce, stop_seconds, project, events_query,
# unhealthy_query, and optionally relay/relay_port (the backup reports' relay) and notify().
# - follow: the engine's events of this project through the proxy: an unhealthy container is
#   restarted at once; the VPN gateway restarted by the engine (a new network namespace) gets
#   every app in its namespace restarted after `debounce` seconds, unless it restarts again.
# - sweep: every `interval` seconds, lists this project's unhealthy labelled containers and
#   restarts them: the fallback for anything the stream missed.
# Every restart is by name (the proxy allows restarts of this project's names only) and goes
# through the back-off: a container restarted `max` times within `window` seconds is left
# alone, reported once (BACK-OFF), until it reports healthy again.
# shellcheck disable=SC2154 # the data lines before this script set every variable
set -u
mkdir -p "$state"
log() { echo "restarter: $*"; }

# restart NAME WHY: by name through the proxy, unless the back-off leaves NAME alone.
restart() {
  case "$restartable" in *" $1 "*) ;; *) return 0 ;; esac
  [ ! -e "$state/$1.given-up" ] || return 0
  now=$(date +%s)
  recent=$(awk -v from=$((now - window)) '$1 > from' "$state/$1" 2>/dev/null)
  count=$(printf '%s' "$recent" | grep -c .)
  if [ "$count" -ge "$max" ]; then
    : >"$state/$1.given-up"
    log "BACK-OFF $1: restarted $count times within $within_minutes min, still failing ($2); left alone until it is healthy again"
    notify "BACK-OFF $1" "restarted $count times within $within_minutes min, still failing ($2); left alone until it is healthy again" &
    return 0
  fi
  # shellcheck disable=SC2086 # one past restart time per word
  printf '%s\n' $recent "$now" >"$state/$1"
  log "restarting $1: $2 (restart $((count + 1)) of at most $max within $within_minutes min)"
  if wget -q -O /dev/null --post-data '' "$proxy/containers/$1/restart?t=$stop_seconds"; then
    notify "restarted $1" "$2 (restart $((count + 1)) of at most $max within $within_minutes min)" &
  else
    log "restart of $1 failed"
  fi
}

# The gateway came back in a new network namespace: its apps rejoin it when restarted.
gateway_back() {
  gen=$(($(cat "$state/gateway-gen" 2>/dev/null || echo 0) + 1))
  echo "$gen" >"$state/gateway-gen"
  log "$gateway was restarted by the engine; restarting its namespace's apps in ${debounce}s unless it restarts again"
  (
    sleep "$debounce"
    [ "$(cat "$state/gateway-gen")" = "$gen" ] || exit 0
    for name in $namespace; do restart "$name" "$gateway restarted" & done
    wait
    log "VPN recovery: $gateway is back, its apps were restarted into its namespace"
    notify "VPN recovery" "$gateway was restarted by the engine; its apps were restarted into its new namespace" &
  ) &
}

follow() {
  while :; do
    wget -q -O - "$proxy/events?$events_query" 2>/dev/null | while read -r line; do
      name=$(echo "$line" | grep -o '"name":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
      case "$line" in
      *'"Action":"health_status: unhealthy"'*) restart "$name" "unhealthy" ;;
      *'"Action":"health_status: healthy"'*)
        if [ -e "$state/$name.given-up" ]; then
          rm -f "$state/$name.given-up"
          log "$name is healthy again; the back-off is lifted"
        fi
        ;;
      *'"Action":"die"'* | *'"Action":"start"'*)
        if [ -z "$gateway" ] || [ "$name" != "$gateway" ]; then continue; fi
        id=$(echo "$line" | grep -o '"ID":"[0-9a-f]*"' | head -n 1 | cut -d '"' -f 4)
        case "$line" in
        *'"Action":"die"'*) echo "$id" >"$state/gateway-died" ;;
        *) [ "$id" != "$(cat "$state/gateway-died" 2>/dev/null)" ] || gateway_back ;;
        esac
        ;;
      esac
    done
    sleep 1
  done
}

sweep() {
  while :; do
    names=$(wget -q -O - "$proxy/containers/json?$unhealthy_query" | grep -o '"Names":\["/[^"]*"' | cut -d / -f 2 | tr -d '"')
    for name in $names; do restart "$name" "unhealthy (sweep)"; done
    sleep "$interval"
  done
}

log "following $project's events; sweeping for unhealthy containers every ${interval}s; back-off after $max restarts within $within_minutes min"
if [ -n "${relay:-}" ]; then
  # Kopia's reports (backup failures) arrive here and go on to the channel (constructs/runtime/backup-notify.ts).
  log "relaying Kopia's backup reports from port $relay_port to the notification channel"
  nc -ll -p "$relay_port" -e sh -c "$relay" &
fi
follow &
sweep
