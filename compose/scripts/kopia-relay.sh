# shellcheck shell=sh
# One relayed request of Kopia's webhook (busybox sh; stdin/stdout are the connection), after its
# data lines (compose/backup-relay.ts relayHandler: read_seconds, max_headers, max_body,
# secret_file, notify_kind) and notify(): reads Kopia's POST (the Subject header,
# Content-Length bytes of body, each read bounded), answers 200, closes the connection, then
# posts "backup: <subject>" with the report as the message to the channel. The channel's URL is
# read from the secret file here, never passed in. For Apprise the text is escaped for its JSON
# body (Kopia's report has newlines and quotes; other control characters are dropped). Whatever
# the report holds, it is only ever data: notify() sends it with --data-raw (a body starting with
# `@` names no file) and turns CR/LF in the subject into spaces (no header can be added).
# shellcheck disable=SC2154,SC3045 # the data lines set every variable; busybox read has -t, -d and -n
cr=$(printf '\r')
subject='(no subject)'
length=0
headers=0
# shellcheck disable=SC2034 # the request line itself is not needed
IFS= read -r -t "$read_seconds" request || exit 0
while IFS= read -r -t "$read_seconds" line; do
  line=${line%"$cr"}
  [ -n "$line" ] || break
  headers=$((headers + 1))
  [ "$headers" -le "$max_headers" ] || exit 0
  case $line in
  [Ss]ubject:*) subject=${line#*:}; subject=${subject# } ;;
  [Cc]ontent-[Ll]ength:*) length=${line#*:}; length=${length# } ;;
  esac
done
case $length in '' | *[!0-9]*) length=0 ;; esac
subject=$(printf '%s' "$subject" | tr '\r' ' ')
[ "$length" -le "$max_body" ] || length=$max_body
body=
[ "$length" -eq 0 ] || IFS= read -r -t "$read_seconds" -d '' -n "$length" body
printf 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
exec 0<&- 1>&2
echo "restarter: relaying a backup report: $subject (${#body} bytes)"
if [ "$notify_kind" = apprise ]; then
  json() { printf '%s' "$1" | tr -d '\001-\010\013-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/ /g' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g'; }
  subject=$(json "$subject")
  body=$(json "$body")
fi
# shellcheck disable=SC2034 # read by notify()
NOTIFY_URL=$(cat "$secret_file")
notify "backup: $subject" "$body"
