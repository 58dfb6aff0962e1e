import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** This repository's root. */
export const ROOT = path.resolve(__dirname, "..");

/**
 * A copy of the repository's tracked files in a new temporary directory (the caller removes it),
 * its node_modules a link to this one's (never written): for tests that run `npm run synth` the way
 * a user's clone does, with configs and builds of their own.
 */
export function copyOfRepository(prefix: string): string {
  const repo = mkdtempSync(path.join(tmpdir(), prefix));
  for (const file of execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean)) {
    if (!statSync(path.join(ROOT, file), { throwIfNoEntry: false })?.isFile()) continue;
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(repo, file));
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
  return repo;
}
