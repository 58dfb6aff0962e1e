import type { Problem } from "./problems";
/** How the restarter keeps from restarting a container forever (a wrong health route, a broken app). */
export interface BackOff {
  /** Restarts of one container the restarter makes within the window before it leaves it alone. */
  readonly restarts: number;
  readonly withinMinutes: number;
}

/** Every container's log cap: Docker's `local` driver rotates at `maxSizeMegabytes` and keeps `maxFiles`. */
export interface LogCap {
  readonly maxSizeMegabytes: number;
  readonly maxFiles: number;
}

/**
 * Where the host reports what it did: the restarter's restarts, back-offs and VPN recoveries,
 * and deploy.sh's outcome. The URL (topic, credentials) is the host secret NOTIFY_URL, set like
 * every other secret; the kind says how to post to it:
 * - ntfy: POST the message as the body, the title in a `Title` header (ntfy.sh or self-hosted),
 * - apprise: POST JSON `{"title","body"}` to an Apprise API URL (`http(s)://<apprise>/notify/<key>`).
 */
export interface Notify {
  readonly kind: "ntfy" | "apprise";
}

/** The host secret holding the notification URL. */
export const NOTIFY_SECRET = "NOTIFY_URL";

/** Where the restarter reads it: the Compose secret of the same name (constructs/github/secrets.ts secretFileName). */
export const NOTIFY_SECRET_FILE = `/run/secrets/${NOTIFY_SECRET.toLowerCase()}`;

export interface RecoveryOptions {
  /**
   * A container the restarter restarted `restarts` times within `withinMinutes` is left alone
   * (until it reports healthy again) and reported: one `restarter: BACK-OFF <container>` line.
   * @default { restarts: 5, withinMinutes: 60 }
   */
  readonly backOff?: BackOff;
  /** @default { maxSizeMegabytes: 10, maxFiles: 3 } (at most 30 MB of logs per container) */
  readonly logs?: LogCap;
  /** @default none (only the logs tell) */
  readonly notify?: Notify;
}

/** The host's recovery settings with the defaults filled in. */
export interface Recovery {
  readonly backOff: BackOff;
  readonly logs: LogCap;
  readonly notify?: Notify;
}

export function resolveRecovery(options: RecoveryOptions | undefined): Recovery {
  return {
    backOff: options?.backOff ?? DEFAULT_BACK_OFF,
    logs: options?.logs ?? DEFAULT_LOG_CAP,
    ...(options?.notify ? { notify: options.notify } : {}),
  };
}

export const DEFAULT_BACK_OFF: BackOff = { restarts: 5, withinMinutes: 60 };

export const DEFAULT_LOG_CAP: LogCap = { maxSizeMegabytes: 10, maxFiles: 3 };

export function recoveryProblems(options: RecoveryOptions | undefined): Problem[] {
  const problems: Problem[] = [];
  const kind = options?.notify?.kind;
  if (options?.notify && kind !== "ntfy" && kind !== "apprise")
    problems.push({ field: "recovery.notify.kind", value: kind, allowed: '"ntfy" or "apprise"' });
  const int = (field: string, v: number, min: number, max: number) => {
    if (!(Number.isInteger(v) && v >= min && v <= max)) problems.push({ field, value: v, allowed: `an integer from ${min} to ${max}` });
  };
  if (options?.backOff) {
    int("recovery.backOff.restarts", options.backOff.restarts, 1, 100);
    int("recovery.backOff.withinMinutes", options.backOff.withinMinutes, 1, 7 * 24 * 60);
  }
  if (options?.logs) {
    int("recovery.logs.maxSizeMegabytes", options.logs.maxSizeMegabytes, 1, 1024);
    int("recovery.logs.maxFiles", options.logs.maxFiles, 1, 100);
  }
  return problems;
}
