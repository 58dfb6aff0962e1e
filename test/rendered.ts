import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deliveryObjects, renderRepoFiles } from "../delivery/repo-files";
import type { ServarrConfig } from "../stacks/config";
import { type SynthResult, synthesize } from "../stacks/synth";

/**
 * What `npm run synth` writes at the repository root for a config (.github/workflows/*,
 * CODEOWNERS ...), rendered from a fixture: tests of the tool read these, never the committed
 * files of the user's own config (test/user-config/ checks those).
 */
export function renderedRepoFiles(config: ServarrConfig): { files: ReadonlyMap<string, string>; result: SynthResult } {
  const dir = mkdtempSync(path.join(tmpdir(), "servarr-rendered-"));
  try {
    const result = synthesize(config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose") });
    return { files: renderRepoFiles(config.github, deliveryObjects(result.hosts, result.stacks, config.github)), result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One rendered file, or a clear failure when the config renders no such file. */
export function renderedFile(files: ReadonlyMap<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new Error(`${name} is not rendered for this config`);
  return text;
}
