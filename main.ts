import path from "node:path";
import { BUNDLE_ROOT } from "./compose/paths";
import { config } from "./servarr.config";
import { summarize } from "./stacks/summary";
import { synthesize } from "./stacks/synth";

// Run from the project root (npm scripts and cdktf both do); cdktf passes its outdir in CDKTF_OUTDIR.
try {
  const result = synthesize(config, {
    outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
    bundleRoot: path.resolve(BUNDLE_ROOT),
    repoRoot: path.resolve("."),
  });
  console.log(summarize(result));
} catch (error) {
  console.error(`servarr: synth failed; nothing was written.\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
