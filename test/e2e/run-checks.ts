import type { CheckResult } from "./checks/checks";

/** Prints the run's one summary line (PASS/FAIL, counts, seconds) and returns its exit code. */
export function summarize(label: string, results: readonly CheckResult[], started: number): number {
  const failed = results.filter((r) => !r.ok);
  console.log(
    `${failed.length === 0 ? "PASS" : "FAIL"} ${label}: ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (failed.length > 0 ? ` (failed: ${failed.map((r) => r.name).join(", ")})` : ""),
  );
  return failed.length === 0 ? 0 : 1;
}

/** Runs a harness's main: its code is the process's exit code; an error prints one line and fails the run. */
export function runMain(label: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
