import { NOTIFY_SECRET_FILE, type Notify } from "../../../constructs/config/recovery";
import { type BackupRelay, RELAY_MAX_BODY, RELAY_MAX_HEADERS, RELAY_READ_SECONDS } from "../../../constructs/runtime/backup-notify";
import { shellQuote, shellSource } from "../shell";
import { notifyFunction } from "./restarter-script";
/**
 * One relayed request (compose/scripts/kopia-relay.sh, busybox sh; stdin/stdout are the
 * connection), after its data lines and notify(): reads Kopia's POST (subject and body, each
 * read bounded), answers 200, and posts `backup: <subject>` with the report to the channel,
 * whose URL it reads from the secret file.
 */
export function relayHandler(kind: Notify["kind"], secretFile = NOTIFY_SECRET_FILE): string {
  const data: Array<[string, string | number]> = [
    ["read_seconds", RELAY_READ_SECONDS],
    ["max_headers", RELAY_MAX_HEADERS],
    ["max_body", RELAY_MAX_BODY],
    ["secret_file", secretFile],
  ];
  return [...data.map(([name, value]) => `${name}=${shellQuote(value)}`), notifyFunction(kind, "wget"), shellSource("kopia-relay.sh")].join(
    "\n",
  );
}

/**
 * What the restarter needs to start the relay (compose/scripts/restarter.sh): a persistent
 * busybox nc server (`-ll` with `-e`, one handler per connection, in busybox's nc and its nc 1.10
 * variant alike) on the relay's port. Each handler is bounded by its reads' timeouts (`read -t`),
 * not by busybox `timeout`: busybox's small nc leaves SIGCHLD ignored in its handlers, where
 * `timeout` cannot wait for its helper and exits without running the handler (seen with busybox 1.35).
 */
export function relayStart(relay: BackupRelay, secretFile = NOTIFY_SECRET_FILE): { port: number; handler: string } {
  return { port: relay.port, handler: relayHandler(relay.kind, secretFile) };
}
