import type { Host } from "./host";
import { NOTIFY_SECRET_FILE, type Notify, notifyFunction } from "./restarter";

/**
 * Backup failures to the host's one notification channel.
 *
 * Kopia (0.22.3, the catalog's image) reports a failed snapshot through its notification
 * profiles: the server sends the `snapshot-report` template after every scheduled snapshot
 * run, with severity `error` when a snapshot failed (internal/server/server.go sendSnapshotReport,
 * reportSeverity), and the `generic-error` template when scheduled maintenance failed
 * (internal/server/server_maintenance.go). A `webhook` profile POSTs the rendered text to its
 * endpoint with the subject in a `Subject` header and expects 200
 * (notification/sender/webhook/webhook_sender.go).
 *
 * Kopia takes the endpoint only on its command line (`notification profile configure webhook
 * --endpoint`; it turns off kingpin's @file arguments, cli/app.go) and keeps it in the repository;
 * its image is distroless (no shell to read a secret file first). So Kopia's endpoint is the
 * restarter's relay on the project network, which holds no secret, and the restarter, which
 * already reads the channel's URL from its secret file, forwards each report through the same
 * `notify` as its own messages: ntfy or Apprise, whichever the config names (Apprise could not
 * take Kopia's plain-text body anyway).
 */

/** The Kopia notification profile the `<kopia>-notify` job writes (or deletes without a channel). */
export const KOPIA_NOTIFY_PROFILE = "servarr";
/** Port and path of the restarter's relay for Kopia's webhook. */
export const RELAY_PORT = 8099;
export const RELAY_PATH = "/kopia";
/** Seconds the relay waits for each line of a request, and for its body. */
export const RELAY_READ_SECONDS = 10;
/** Header lines of a request read at most. */
export const RELAY_MAX_HEADERS = 50;
/** Bytes of a report's body relayed at most (12 failed sources make ~3 kB). */
export const RELAY_MAX_BODY = 65536;

/** The restarter's relay, when the host has both a channel and a backup app. */
export interface BackupRelay {
  /** The compose service Kopia posts to (the restarter). */
  readonly service: string;
  readonly port: number;
  /** Kopia's webhook endpoint: the relay's address on the network Kopia shares with the restarter. */
  readonly endpoint: string;
  readonly kind: Notify["kind"];
}

export function backupRelay(host: Host, restarter: string): BackupRelay | undefined {
  const notify = host.recovery.notify;
  if (!notify || !host.appWithRole("backup")) return undefined;
  return { service: restarter, port: RELAY_PORT, endpoint: `http://${restarter}:${RELAY_PORT}${RELAY_PATH}`, kind: notify.kind };
}

/**
 * The `<kopia>-notify` job's command: with a relay, the webhook profile that sends Kopia's
 * errors (a failed snapshot, a failed maintenance) to it; without one, the profile's removal
 * (idempotent: notification/notifyprofile DeleteProfile deletes what it finds), so a channel
 * dropped from the config leaves Kopia posting nowhere. Flags as Kopia's own test uses them
 * (cli/command_server_notifications_test.go).
 */
export function kopiaNotifyCommand(relay: BackupRelay | undefined): string[] {
  const profile = `--profile-name=${KOPIA_NOTIFY_PROFILE}`;
  if (!relay) return ["notification", "profile", "delete", profile];
  return [
    "notification",
    "profile",
    "configure",
    "webhook",
    profile,
    `--endpoint=${relay.endpoint}`,
    "--method=POST",
    "--format=txt",
    "--min-severity=error",
  ];
}

/**
 * One relayed request (busybox sh; stdin/stdout are the connection): reads Kopia's POST (the
 * `Subject` header, `Content-Length` bytes of body, each read bounded), answers 200, closes the connection, then
 * posts `backup: <subject>` with the report as the message to the channel. The channel's URL
 * is read from the secret file here, never passed in. For Apprise the text is escaped for its
 * JSON body (Kopia's report has newlines and quotes).
 */
export function relayHandler(kind: Notify["kind"], secretFile = NOTIFY_SECRET_FILE): string {
  const forJson =
    kind === "apprise"
      ? `
json() { printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e 's/\\t/ /g' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\\n/\\\\n/g'; }
subject=$(json "$subject")
body=$(json "$body")`
      : "";
  return `cr=$(printf '\\r')
subject='(no subject)'
length=0
headers=0
IFS= read -r -t ${RELAY_READ_SECONDS} request || exit 0
while IFS= read -r -t ${RELAY_READ_SECONDS} line; do
  line=\${line%"$cr"}
  [ -n "$line" ] || break
  headers=$((headers + 1))
  [ "$headers" -le ${RELAY_MAX_HEADERS} ] || exit 0
  case $line in
  [Ss]ubject:*) subject=\${line#*:}; subject=\${subject# } ;;
  [Cc]ontent-[Ll]ength:*) length=\${line#*:}; length=\${length# } ;;
  esac
done
case $length in '' | *[!0-9]*) length=0 ;; esac
[ "$length" -le ${RELAY_MAX_BODY} ] || length=${RELAY_MAX_BODY}
body=
[ "$length" -eq 0 ] || IFS= read -r -t ${RELAY_READ_SECONDS} -d '' -n "$length" body
printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n'
exec 0<&- 1>&2
echo "restarter: relaying a backup report: $subject (\${#body} bytes)"${forJson}
NOTIFY_URL=$(cat ${secretFile})
${notifyFunction(kind, "wget")}
notify "backup: $subject" "$body"
`;
}

/**
 * The restarter's lines that start the relay: a persistent busybox nc server (`-ll` with `-e`,
 * one handler per connection, in busybox's nc and its nc 1.10 variant alike). Each handler is
 * bounded by its reads' timeouts (`read -t`), not by busybox `timeout`: busybox's small nc
 * leaves SIGCHLD ignored in its handlers, where `timeout` cannot wait for its helper and exits
 * without running the handler (seen with busybox 1.35).
 */
export function relayStart(relay: BackupRelay, secretFile = NOTIFY_SECRET_FILE): string {
  return `# Kopia's reports (backup failures) arrive here and go on to the channel (constructs/backup-notify.ts).
relay=$(cat <<'RELAY'
${relayHandler(relay.kind, secretFile).trimEnd()}
RELAY
)
log "relaying Kopia's backup reports from port ${relay.port} to the notification channel"
nc -ll -p ${relay.port} -e sh -c "$relay" &`;
}
