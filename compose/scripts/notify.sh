# shellcheck shell=sh
# notify TITLE MESSAGE: posts to the notification channel at $NOTIFY_URL in its format
# ($notify_kind: ntfy or apprise; empty: does nothing). A failed post is logged, never fatal.
# Titles and messages are generated (names, counts), never user input: no quote to escape in
# the JSON (the backup relay escapes Kopia's reports first). The title goes into a header: CR and
# LF become spaces, so it cannot end the header or start another. The message is sent as it is,
# never read as a file name (curl --data-raw; busybox wget --post-data has no @file form).
# curl gets the URL in a config on its stdin (-K -), so the URL (topic, credentials) is on no command line ps shows; with
# notify_post=wget (the restarter, busybox) curl is used when the image has it, else busybox
# wget, which takes the URL only as an argument.
notify() {
  set -- "$(printf '%s' "$1" | tr '\r\n' '  ')" "$2"
  case ${notify_kind:-} in
  ntfy) set -- "$1" "Title: $1" "$2" ;;
  apprise) set -- "$1" "Content-Type: application/json" "{\"title\":\"$1\",\"body\":\"$2\"}" ;;
  *) return 0 ;;
  esac
  if [ "${notify_post:-curl}" = curl ] || command -v curl >/dev/null; then
    printf 'url = "%s"\n' "$NOTIFY_URL" | curl -fsS -o /dev/null -m 20 -K - -H "$2" --data-raw "$3" || echo "notification failed: $1" >&2
  else
    wget -q -O /dev/null --header "$2" --post-data "$3" "$NOTIFY_URL" || echo "notification failed: $1" >&2
  fi
}
