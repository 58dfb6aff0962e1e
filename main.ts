import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BUNDLE_ROOT } from "./constructs/config/layout";
import type { ServarrConfig } from "./stacks/config";
import { checkWritableDir } from "./stacks/setup/paths";
import { summarize } from "./stacks/summary";
import { synthesize } from "./stacks/synth";

/**
 * `npm run synth`: the repository's servarr.config.ts into cdktf.out, compose/ and .github/.
 * `npm run synth -- --config <file> [--out <dir>]`: any config file of the project (compiled with
 * it, e.g. examples/two-hosts.config.ts) into <dir> (cdktf.out/, compose/, .github/ under it; a
 * new temporary directory when unset), never over the repository's own generated files.
 */
function main(): void {
  const { values } = parseArgs({
    options: { config: { type: "string" }, out: { type: "string" }, "build-only": { type: "boolean" } },
    allowPositionals: false,
  });
  if (values.config === undefined) {
    // Run from the project root (npm scripts and cdktf both do); cdktf passes its outdir in CDKTF_OUTDIR.
    const { config } = require("./servarr.config") as { config: ServarrConfig };
    const result = synthesize(config, {
      outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
      bundleRoot: path.resolve(BUNDLE_ROOT),
      repoRoot: path.resolve("."),
    });
    console.log(summarize(result));
    return;
  }
  // Checked first: Node's recursive mkdir never returns under /proc (stacks/setup/paths.ts says why).
  if (values.out !== undefined) checkWritableDir("--out", values.out);
  const config = loadConfig(values.config);
  const out = path.resolve(values.out ?? mkdtempSync(path.join(tmpdir(), "servarr-synth-config-")));
  if (out === path.resolve(".") || path.resolve(".").startsWith(`${out}${path.sep}`))
    throw new Error(
      `--out ${values.out}: a directory of its own, not the repository (its compose/ and .github/ belong to servarr.config.ts)`,
    );
  const result = synthesize(config, {
    outdir: path.join(out, "cdktf.out"),
    bundleRoot: path.join(out, BUNDLE_ROOT),
    repoRoot: out,
  });
  console.log(`${summarize(result)}\n\nwritten under ${out}`);
}

/** A config file of the project (a .ts file tsc compiled into dist/) exporting `config`. */
function loadConfig(file: string): ServarrConfig {
  const source = path.resolve(file);
  const relative = path.relative(path.resolve("."), source);
  if (relative.startsWith("..") || path.isAbsolute(relative) || !relative.endsWith(".ts"))
    throw new Error(`--config ${file}: a .ts config file the project compiles (under examples/, or servarr.config.ts itself)`);
  const compiled = path.join(__dirname, relative.replace(/\.ts$/, ".js"));
  let loaded: { config?: ServarrConfig };
  try {
    loaded = require(compiled) as { config?: ServarrConfig };
  } catch (error) {
    throw new Error(
      `--config ${file}: not compiled (${compiled}); put it under a directory tsconfig.build.json includes (examples/)\n${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (loaded.config === undefined)
    throw new Error(`--config ${file}: the file exports no \`config\` (export const config: ServarrConfig = ...)`);
  return loaded.config;
}

try {
  main();
} catch (error) {
  console.error(`servarr: synth failed; nothing was written.\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
