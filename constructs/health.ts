import type { ComposeHealthcheck } from "../compose/compose-spec";

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

/** Timings shared by every healthcheck: an app is unhealthy after ~90 s of failures. */
export const HEALTH_TIMING = { interval: "30s", timeout: "10s", retries: 3, start_period: "60s" } as const;

/** Compose interpolates `$`: a literal dollar in a command is written `$$`. */
export function composeEscape(text: string): string {
  return text.replaceAll("$", () => "$$");
}

function shellProbe(url: string): string {
  return `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`;
}

function pythonProbe(urls: readonly string[]): string {
  return `import urllib.request as u\nfor x in ${JSON.stringify(urls)}: u.urlopen(x, timeout=8)`;
}

/** The compose healthcheck of a probe: all probes must pass. */
export function renderHealthcheck(probe: HealthProbe): ComposeHealthcheck {
  const test: string[] =
    probe.kind === "command"
      ? ["CMD", ...probe.command]
      : probe.runner === "python"
        ? ["CMD", "python3", "-c", pythonProbe(probe.probes.map((p) => p.url))]
        : ["CMD-SHELL", probe.probes.map((p) => `{ ${shellProbe(p.url)}; }`).join(" && ")];
  return { test, ...HEALTH_TIMING };
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
