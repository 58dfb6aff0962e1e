import { execFile } from "node:child_process";
import type { Result } from "../e2e/docker";

/** Runs a command without a shell (optionally against one engine: DOCKER_HOST); never throws on a non-zero exit. */
export function run(file: string, args: readonly string[], timeoutMs = 120_000, socket?: string): Promise<Result> {
  const env = socket ? { ...process.env, DOCKER_HOST: `unix://${socket}` } : process.env;
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Where a probe starts: a network namespace (`ip netns` name), or a container on an engine. */
export type Origin =
  | { readonly netns: string; readonly label: string }
  | { readonly socket: string; readonly container: string; readonly label: string };

export interface Outcome {
  readonly answered: boolean;
  /** "HTTP answer", "refused", "no answer in 3 s", or the client's message. */
  readonly how: string;
  readonly seconds: number;
}

/** Seconds a probe waits: a firewall that drops leaves the client waiting this long. */
export const PROBE_SECONDS = 3;

/**
 * One HTTP request from `origin` with busybox wget (`-T` segfaults in Debian's busybox, hence
 * `timeout`). Any HTTP response counts as an answer (wget exits 0, or says the server returned
 * an error); no response is "refused" (RST or ICMP unreachable) or "no answer" (dropped).
 */
export async function probe(origin: Origin, url: string): Promise<Outcome> {
  const wget = `timeout ${PROBE_SECONDS} wget -q -O /dev/null '${url}'`;
  const started = Date.now();
  const r =
    "netns" in origin
      ? await run("nsenter", [`--net=/run/netns/${origin.netns}`, "busybox", "sh", "-c", wget], 30_000)
      : await run("docker", ["exec", origin.container, "sh", "-c", wget], 30_000, origin.socket);
  const seconds = (Date.now() - started) / 1000;
  const text = `${r.stdout} ${r.stderr}`.trim();
  if (r.code === 0 || /server returned error/.test(text)) return { answered: true, how: "HTTP answer", seconds };
  // busybox timeout kills wget with TERM; the exit code differs between shells, the time does not.
  if (r.code === 143 || r.code === 124 || seconds >= PROBE_SECONDS)
    return { answered: false, how: `no answer in ${PROBE_SECONDS} s`, seconds };
  if (/refused/i.test(text)) return { answered: false, how: "refused", seconds };
  return { answered: false, how: text.split("\n").pop() || `exit ${r.code}`, seconds };
}

export const describe = (o: Outcome) => `${o.how} (${o.seconds.toFixed(2)} s)`;

/** nft in a namespace; throws on failure. */
export async function nft(netns: string, ...args: string[]): Promise<string> {
  const r = await run("nsenter", [`--net=/run/netns/${netns}`, "nft", ...args]);
  if (r.code !== 0) throw new Error(`nft ${args.join(" ")} in ${netns} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** docker against one engine's socket; throws on failure. */
export async function engine(socket: string, ...args: string[]): Promise<string> {
  const r = await run("docker", args, 300_000, socket);
  if (r.code !== 0) throw new Error(`docker ${args.join(" ")} on ${socket} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** A container's routes, each device named by the network it belongs to. */
export async function routes(socket: string, container: string): Promise<string> {
  const nets = JSON.parse(await engine(socket, "inspect", "-f", "{{json .NetworkSettings.Networks}}", container)) as Record<
    string,
    { IPAddress: string; Gateway: string }
  >;
  const table = await run("docker", ["exec", container, "ip", "-o", "-4", "addr"], 30_000, socket);
  const devices = new Map(
    [...table.stdout.matchAll(/^\d+:\s+(\S+)\s+inet\s+([\d.]+)/gm)].map((m) => [
      m[1] as string,
      Object.entries(nets).find(([, n]) => n.IPAddress === m[2])?.[0] ?? "?",
    ]),
  );
  const r = await run("docker", ["exec", container, "ip", "route"], 30_000, socket);
  return r.stdout
    .trim()
    .split("\n")
    .map((line) => line.replace(/dev (\S+)/, (all, dev: string) => `${all} (${devices.get(dev) ?? "?"})`))
    .join("; ");
}
