import { execFile } from "node:child_process";

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without a shell; never throws on a non-zero exit. */
export function run(file: string, args: readonly string[], timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export async function docker(...args: string[]): Promise<string> {
  const result = await run("docker", args);
  if (result.code !== 0) throw new Error(`docker ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A compose project on the throwaway engine. */
export class Project {
  constructor(
    readonly name: string,
    readonly file: string,
  ) {}

  compose(...args: string[]): Promise<string> {
    return docker("compose", "-p", this.name, "-f", this.file, ...args);
  }

  /** Container name of a service (Compose v2: <project>-<service>-1). */
  container(service: string): string {
    return `${this.name}-${service}-1`;
  }

  async inspect<T>(service: string, format: string): Promise<T> {
    return JSON.parse(await docker("inspect", "-f", `{{json ${format}}}`, this.container(service))) as T;
  }

  /** `sh -c script` inside the service's container; the exit code is returned, not thrown. */
  exec(service: string, script: string, timeoutMs = 60_000): Promise<Result> {
    return run("docker", ["exec", this.container(service), "sh", "-c", script], timeoutMs);
  }

  /**
   * Fetches every URL from inside a service's container, all at once, each bounded by
   * `timeout 3` (busybox `wget -T` segfaults). Resolves to the URLs that gave an HTTP answer.
   */
  async fetchAll(service: string, urls: readonly string[]): Promise<Set<string>> {
    if (urls.length === 0) return new Set();
    // Any HTTP response counts (an API may answer 404 at /): wget exits 0, or says the server returned an error.
    const probes = urls
      .map(
        (u) => `(out=$(timeout 3 wget -q -O /dev/null '${u}' 2>&1) || echo "$out" | grep -q 'server returned error' && echo 'ok ${u}') &`,
      )
      .join("\n");
    const result = await this.exec(service, `${probes}\nwait`);
    return new Set(
      result.stdout
        .split("\n")
        .filter((l) => l.startsWith("ok "))
        .map((l) => l.slice(3)),
    );
  }
}

/** Polls `probe` every `everyMs` until it returns true or `limitMs` passes; resolves to the seconds taken, or undefined. */
export async function waitFor(probe: () => Promise<boolean>, limitMs: number, everyMs = 500): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (await probe()) return (Date.now() - start) / 1000;
    await sleep(everyMs);
  }
  return undefined;
}
