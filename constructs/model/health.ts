import type { Problem } from "../config/problems";

/**
 * How a healthcheck command runs inside an image:
 * - shell: `curl -fsS URL || wget -q -O /dev/null URL` under `sh -c` (LinuxServer images ship
 *   curl; Alpine/Node images and the busybox stand-ins ship wget),
 * - python: `python3 -c` with urllib (slim Python images ship neither curl nor wget).
 */
export type ProbeRunner = "shell" | "python";

/** An HTTP GET inside the container's network namespace that must answer 2xx. */
export interface HttpProbe {
  readonly url: string;
}

/**
 * The typed form of a service's healthcheck, kept next to the rendered one so tests (and the
 * stand-in e2e) can re-render it with other tools: either HTTP probes run by a runner, or an
 * exec-form command of the image itself (distroless images without a shell).
 */
export type HealthProbe =
  | { readonly kind: "http"; readonly probes: readonly HttpProbe[]; readonly runner: ProbeRunner }
  | { readonly kind: "command"; readonly command: readonly string[] };

/**
 * When a healthcheck runs and when its failures count. A dead process is noticed after
 * `retries` failed probes `intervalSeconds` apart (plus up to `timeoutSeconds` each when the
 * probe hangs); failures during `startPeriodSeconds` after a start do not count, so a slow start
 * is not taken for a failure (set it per preset from how long the app takes to answer).
 */
export interface HealthTiming {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/**
 * Default timings: a dead service is unhealthy 30 s after it stopped answering (3 probes 10 s
 * apart; up to 45 s when each probe hangs until its timeout), and the restarter acts on the
 * engine's `health_status: unhealthy` event at once: restarted within the 60 s.
 */
export const DEFAULT_HEALTH_TIMING: HealthTiming = { intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 };

/** Seconds from a service's death to its container reported unhealthy, at the worst (every probe hangs until its timeout). */
export function worstDetectionSeconds(t: HealthTiming): number {
  return t.retries * (t.intervalSeconds + t.timeoutSeconds);
}

/** A timing's problems: whole seconds in range, a probe's timeout shorter than its interval. */
export function healthTimingProblems(field: string, t: Partial<HealthTiming> | undefined): Problem[] {
  if (t === undefined) return [];
  const whole = t as Partial<Record<keyof HealthTiming, unknown>>;
  const ranges: Record<keyof HealthTiming, [number, number]> = {
    intervalSeconds: [2, 600],
    timeoutSeconds: [1, 120],
    retries: [1, 20],
    startPeriodSeconds: [0, 3600],
  };
  const problems: Problem[] = [];
  for (const [key, [min, max]] of Object.entries(ranges) as [keyof HealthTiming, [number, number]][]) {
    const v = whole[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max))
      problems.push({ field: `${field}.${key}`, value: v, allowed: `an integer from ${min} to ${max}` });
  }
  const full = { ...DEFAULT_HEALTH_TIMING, ...t };
  if (problems.length === 0 && full.timeoutSeconds >= full.intervalSeconds)
    problems.push({
      field: `${field}.timeoutSeconds`,
      value: full.timeoutSeconds,
      allowed: `less than intervalSeconds (${full.intervalSeconds})`,
    });
  return problems;
}

/**
 * The path a machine identity admitted "on every private app" (the uptime monitor) may open on
 * its own on a hostname: the app's declared health path, unless that is "/" (the whole app) or
 * absent, or the hostname's path rule (`routePath`, a regular expression) does not admit it.
 * Access scopes an application to it (access-control.ts) and the off-host checks probe it
 * (uptime-monitoring.ts): one fact, two readers.
 */
export function healthRoutePath(healthPath: string | undefined, routePath?: string): string | undefined {
  if (healthPath === undefined || healthPath === "/") return undefined;
  return routePath === undefined || new RegExp(routePath).test(healthPath) ? healthPath : undefined;
}
