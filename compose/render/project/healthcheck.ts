import { DEFAULT_HEALTH_TIMING, type HealthProbe, type HealthTiming } from "../../../constructs/model/health";
import type { ComposeHealthcheck } from "./compose-spec";
/** Compose's fields for a timing. */
export function composeTiming(t: HealthTiming): Omit<ComposeHealthcheck, "test"> {
  return {
    interval: `${t.intervalSeconds}s`,
    timeout: `${t.timeoutSeconds}s`,
    retries: t.retries,
    start_period: `${t.startPeriodSeconds}s`,
  };
}

/** Compose interpolates `$`: a literal dollar in a command is written `$$`. */
export function composeEscape(text: string): string {
  return text.replaceAll("$", () => "$$");
}

/** The compose healthcheck of a probe: all probes must pass. */
export function renderHealthcheck(probe: HealthProbe, timing: HealthTiming = DEFAULT_HEALTH_TIMING): ComposeHealthcheck {
  const test: string[] =
    probe.kind === "command"
      ? ["CMD", ...probe.command]
      : probe.runner === "python"
        ? [
            "CMD",
            "python3",
            "-c",
            pythonProbe(
              probe.probes.map((p) => p.url),
              timing.timeoutSeconds,
            ),
          ]
        : ["CMD-SHELL", probe.probes.map((p) => `{ ${shellProbe(p.url)}; }`).join(" && ")];
  return { test, ...composeTiming(timing) };
}

function shellProbe(url: string): string {
  return `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`;
}

// urllib's own timeout, within the engine's: the probe fails with a message rather than being killed.
function pythonProbe(urls: readonly string[], timeoutSeconds: number): string {
  return `import urllib.request as u\nfor x in ${JSON.stringify(urls)}: u.urlopen(x, timeout=${Math.max(1, timeoutSeconds - 1)})`;
}
