import { spawnSync } from "node:child_process";

/**
 * A real tool a test needs, probed once. A test that needs a missing tool is skipped and says
 * why in its name (`it.skipIf(!t.present)(\`…${t.missing}\`)`), never left to time out;
 * `.ci/run` installs every tool, so nothing skips there.
 */
export interface Tool {
  readonly present: boolean;
  /** "" when present, else " [skipped: <what> is not installed]" for the test's name. */
  readonly missing: string;
}

export function tool(what: string, cmd: string, args: readonly string[], accept: (stdout: string) => boolean = () => true): Tool {
  const res = spawnSync(cmd, [...args], { encoding: "utf8", timeout: 10_000 });
  const present = res.status === 0 && accept(res.stdout ?? "");
  return { present, missing: present ? "" : ` [skipped: ${what} is not installed]` };
}

/** busybox with every applet in `applets`. */
export function busybox(...applets: string[]): Tool {
  return tool(`busybox (${applets.join(", ")})`, "busybox", ["--list"], (out) => applets.every((a) => out.split("\n").includes(a)));
}

/** Compose v2 (`docker compose`). */
export const compose2 = tool("docker compose v2", "docker", ["compose", "version"], (out) => /v?2\./.test(out));
