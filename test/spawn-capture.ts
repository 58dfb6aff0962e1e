import { spawn } from "node:child_process";

export interface Captured {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking this process (a receiver may run in it), feeding `input` and capturing its output. */
export function spawnCapture(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args], { env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
