import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "vitest";
import { config } from "../../examples/two-hosts.config";
import { synthesize } from "../../stacks/synth";

it("scratch", () => {
  const dir = "/tmp/h13-ex";
  const r = synthesize(config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose"), repoRoot: dir });
  console.log(dir, r.written.length);
});
