/**
 * The checks Uptime Kuma's socket handlers make on what they are given, read in
 * louislam/uptime-kuma 2.5.3 (the version nearest the pinned 2.5.5 image that the mirror holds):
 * server/server.js (`setup`: check-password-strength ~2.0.10 "Too weak"; `add`: bean.import
 * stores every key, so a key that is no column fails in SQLite; `editMonitor` writes the
 * fields listed below from what it is given, missing ones included), server/model/monitor.js
 * (validate, toJSON, toPublicJSON), status-page-socket-handler.js (checkSlug, saveStatusPage).
 */

/** check-password-strength's lowest level: shorter than 8 or fewer than 2 of lower, upper, digit, symbol. */
export function tooWeak(password: unknown): boolean {
  if (typeof password !== "string") return true;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  return password.length < 8 || kinds < 2;
}

/** status-page-socket-handler.js checkSlug. */
export function checkSlug(slug: unknown): void {
  if (typeof slug !== "string") throw new Error("Slug must be string");
  if (!slug.trim()) throw new Error("Slug cannot be empty");
  if (!/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/.test(slug.trim())) throw new Error("Invalid Slug");
}

/** The fields `editMonitor` copies from the monitor it is given (server.js), as the frontend names them; also what `add` may store. */
export const MONITOR_FIELDS = [
  "name",
  "description",
  "parent",
  "type",
  "subtype",
  "url",
  "method",
  "body",
  "headers",
  "basic_auth_user",
  "basic_auth_pass",
  "timeout",
  "interval",
  "retryInterval",
  "resendInterval",
  "hostname",
  "maxretries",
  "port",
  "keyword",
  "invertKeyword",
  "ignoreTls",
  "expiryNotification",
  "upsideDown",
  "maxredirects",
  "dns_resolve_type",
  "dns_resolve_server",
  "proxyId",
  "weight",
  "active",
  "kafkaProducerBrokers",
  "kafkaProducerSaslOptions",
  "conditions",
  "rabbitmqNodes",
] as const;

/** Keys `add` accepts beyond the columns: the ones its handler removes or maps before bean.import. */
export const ADD_EXTRA = ["notificationIDList", "accepted_statuscodes", "humanReadableInterval", "retryOnlyOnStatusCodeFailure"];

/** monitor.js validate(), the part an HTTP monitor meets. */
export function validateMonitor(m: Record<string, unknown>): void {
  if ((m.interval as number) < 1) throw new Error("Interval cannot be less than 1 seconds");
  if ((m.retryInterval as number) < 1) throw new Error("Retry interval cannot be less than 1 seconds");
}

/** The handler's first check: `monitor.accepted_statuscodes.every(...)` (a TypeError when absent, as in Kuma). */
export function checkStatusCodes(m: Record<string, unknown>): void {
  const codes = m.accepted_statuscodes as unknown[];
  if (!codes.every((c) => typeof c === "string")) throw new Error("Accepted status codes are not all strings");
}
