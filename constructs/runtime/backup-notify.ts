import type { Notify } from "../config/recovery";
import type { HostModel } from "../model/host-model";

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

export function backupRelay(host: HostModel, restarter: string): BackupRelay | undefined {
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
