#!/bin/sh
# shellcheck shell=sh
# gluetun's port-forwarding hook (VPN_PORT_FORWARDING_UP_COMMAND, rendered by
# compose/render/project/port-forward-hook.ts): sets qBittorrent's listening port to the port the
# VPN provider forwards now, through qBittorrent's Web API with its generated password. gluetun
# runs it (no shell: its own word splitting), as root, in its own network namespace, where the
# VPN-routed qBittorrent listens on 127.0.0.1; each output line goes to gluetun's log.
#   qbittorrent-port.sh PORT URL USER PASSWORD_FILE
# The password is read from PASSWORD_FILE (a Compose secret) and sent only in a request body
# read from a private file: never an argument, a variable of the environment or a log line.
# qBittorrent not answering (it rejoins gluetun's new namespace when the restarter restarts it)
# is retried in the background for up to PORT_HOOK_WAIT seconds (a newer port supersedes it); a
# refused password is not retried (qBittorrent bans an address after 5 failed logins).
# Runs under busybox sh with busybox or GNU wget (the gluetun image has GNU wget, no curl).
# The tests also set PORT_HOOK_STATE (default /tmp/servarr-port-hook: the newest port) and
# PORT_HOOK_LOG (default /proc/1/fd/1: gluetun's own output, its log).
set -u
name=qbittorrent-port
log() { echo "$name: $*"; }
fail() {
  echo "$name: $*" >&2
  exit 1
}

[ $# -eq 4 ] || fail "usage: $name PORT URL USER PASSWORD_FILE"
port=$1 url=${2%/} user=$3 password_file=$4
wait_seconds=${PORT_HOOK_WAIT:-600}
state=${PORT_HOOK_STATE:-/tmp/servarr-port-hook}
case $port in '' | 0* | *[!0-9]*) fail "the forwarded port '$port' is not a number" ;; esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then fail "the forwarded port $port is not between 1 and 65535"; fi
case $user in '' | *[!A-Za-z0-9._-]*) fail "the user name is not letters, digits, '.', '_' or '-'" ;; esac
[ -r "$password_file" ] || fail "cannot read the password file $password_file (the Compose secret)"
password=$(cat "$password_file")
# servarr generates letters and digits; any of URL's unreserved characters needs no escaping in a form body.
case $password in '' | *[!A-Za-z0-9._~-]*) fail "$password_file does not hold a password of letters, digits and . _ ~ -" ;; esac

work=$(mktemp -d) || fail "cannot make a private directory under ${TMPDIR:-/tmp}"
trap 'rm -rf "$work"' EXIT
(
  umask 077
  printf 'username=%s&password=%s' "$user" "$password" >"$work/login"
)
unset password

# request NAME WGET-ARGS...: the answer's body in $work/NAME, its status in $status ("" when
# nothing answered). -S prints the response headers (busybox and GNU wget alike).
request() {
  what=$1
  shift
  timeout 10 wget -q -S -O "$work/$what" "$@" 2>"$work/$what.headers"
  status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$work/$what.headers" | tail -n 1)
}

# attempt: 0 applied, 1 refused or wrong (stop), 2 qBittorrent did not answer (try again).
attempt() {
  request login --post-file "$work/login" "$url/api/v2/auth/login"
  case $status in
  '') return 2 ;;
  401)
    log "qBittorrent at $url refused the password in $password_file for user $user (HTTP 401): it must be the QBITTORRENT_WEBUI_PASSWORD the keys job seeded" >&2
    return 1
    ;;
  403)
    log "qBittorrent at $url banned this address after too many failed logins (HTTP 403); it lifts the ban after its ban duration" >&2
    return 1
    ;;
  2??) ;;
  *)
    log "qBittorrent at $url answered HTTP $status to the login" >&2
    return 1
    ;;
  esac
  # qBittorrent 5.2 names its session cookie QBT_SID_<web UI port>; 5.1 and older, SID.
  cookie=$(sed -n 's/^ *[Ss]et-[Cc]ookie: *\(\(QBT_\)\{0,1\}SID[_0-9]*=[^;]*\).*/\1/p' "$work/login.headers" | head -n 1)
  [ -n "$cookie" ] || {
    log "qBittorrent at $url accepted the login but sent no session cookie" >&2
    return 1
  }
  request set --header "Cookie: $cookie" --post-data "json=%7B%22listen_port%22%3A$port%7D" "$url/api/v2/app/setPreferences"
  case $status in 2??) ;; *)
    log "qBittorrent at $url answered HTTP ${status:-nothing} to app/setPreferences" >&2
    return 1
    ;;
  esac
  request prefs --header "Cookie: $cookie" "$url/api/v2/app/preferences"
  request logout --header "Cookie: $cookie" --post-data '' "$url/api/v2/auth/logout"
  if grep -q "\"listen_port\": *${port}[,}]" "$work/prefs"; then
    log "qBittorrent listens on the forwarded port $port"
    return 0
  fi
  log "qBittorrent at $url did not take the listening port $port (app/preferences says otherwise)" >&2
  return 1
}

mkdir -p "$state"
if [ "${PORT_HOOK_RETRYING:-}" != 1 ]; then
  # The newest port wins: a retry still waiting for an older one stops.
  echo "$port" >"$state/wanted"
  attempt
  result=$?
  [ "$result" -eq 2 ] || exit "$result"
  # gluetun waits for this command before it keeps the port alive: wait in the background,
  # logging to gluetun's own output (its log) when this runs inside gluetun.
  out=${PORT_HOOK_LOG:-/proc/1/fd/1}
  { : >>"$out"; } 2>/dev/null || out=/dev/null
  log "qBittorrent is not answering at $url yet (after a VPN restart it rejoins gluetun's namespace when the restarter restarts it); trying again for up to ${wait_seconds}s in the background"
  PORT_HOOK_RETRYING=1 sh "$0" "$@" </dev/null >>"$out" 2>&1 &
  exit 0
fi

deadline=$(($(date +%s) + wait_seconds))
while [ "$(date +%s)" -lt "$deadline" ]; do
  [ "$(cat "$state/wanted" 2>/dev/null)" = "$port" ] || {
    log "port $port superseded by port $(cat "$state/wanted" 2>/dev/null); stopping"
    exit 0
  }
  sleep 1
  attempt
  result=$?
  [ "$result" -eq 2 ] || exit "$result"
done
log "qBittorrent at $url did not answer within ${wait_seconds}s: its listening port is not $port" >&2
exit 1
