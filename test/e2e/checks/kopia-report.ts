/**
 * What Kopia 0.22.3 sends to a webhook profile when a scheduled snapshot failed, for the tests
 * that cannot run Kopia itself (no registry here):
 * - internal/server/server.go sendSnapshotReport: the `snapshot-report` template with severity
 *   `error` when a snapshot failed (reportSeverity), so a `--min-severity=error` profile gets it;
 * - notification/notifytemplate/snapshot-report.txt: `Subject: <OverallStatus> on <hostname>`,
 *   then per source Path, Status, Start, Duration, Error; OverallStatus for one failed source is
 *   "Failed to create a snapshot of <path>" (notification/notifydata/multi_snapshot_status.go);
 * - notification/sender/webhook/webhook_sender.go: POST (the profile's method) of the body, the
 *   subject in a `Subject` header, no content type; only a 200 counts as delivered. Go's client
 *   sends a bytes body with its Content-Length.
 */
export function kopiaFailureReport(source: string, host = "kopia"): { subject: string; body: string } {
  return {
    subject: `Failed to create a snapshot of ${source} on ${host}`,
    body: [
      `Path: ${source}`,
      "",
      "  Status:      fatal",
      "  Start:       Fri, 27 Nov 2026 03:30:00 +0000",
      "  Duration:    1.2s",
      "  Size:        0 B",
      "  Files:       0",
      "  Directories: 0",
      `  Error:       unable to open "${source}/config.db": permission denied`,
      "",
      "",
      "Generated at Fri, 27 Nov 2026 03:30:01 +0000 by Kopia 0.22.3.",
      "",
      "https://kopia.io/",
    ].join("\n"),
  };
}

/** The request as Go's net/http writes it (request line, Host, User-Agent, Content-Length, the headers, Accept-Encoding). */
export function kopiaWebhookRequest(endpoint: string, subject: string, body: string): string {
  const url = new URL(endpoint);
  return (
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: Go-http-client/1.1\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nSubject: ${subject}\r\nAccept-Encoding: gzip\r\n\r\n${body}`
  );
}
