import { existsSync } from "node:fs";
import path from "node:path";

/**
 * A source folder of the repository the renderer copies from (compose/scripts/, compose/wire/),
 * found from wherever this code runs: the sources (compose/render/), the build
 * (dist/compose/render/) or the one-file synth bundle (dist/.synth/, bin/synth-bundle.cjs).
 * The nearest ancestor of this file's directory, up to the project root (the first with a
 * package.json), that holds `relative/marker`.
 */
export function repositorySourceDir(relative: string, marker: string): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative, marker))) return path.join(dir, relative);
    if (existsSync(path.join(dir, "package.json")) || path.dirname(dir) === dir) return undefined;
  }
}
