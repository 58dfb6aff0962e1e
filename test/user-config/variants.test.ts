import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { synthesize } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { describeUserConfig } from "./checks";

/**
 * "Edit servarr.config.ts, run npm run synth, commit, and the tests stay green", for configs
 * that differ from the example the way real users' do: each fixture is synthesized into a
 * scratch repository (as `npm run synth` writes it: cdktf.out/, compose/<name>/,
 * .github/workflows/) and the user-config checks run against that repository.
 */
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-variants-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const [name, config] of Object.entries(FIXTURES)) {
  describeUserConfig(`fixture ${name}`, () => {
    const root = path.join(scratch, name);
    synthesize(config, { outdir: path.join(root, "cdktf.out"), bundleRoot: path.join(root, "compose"), repoRoot: root });
    return { config, root, configSource: readFileSync(path.join(__dirname, "../fixtures", `${name}.ts`), "utf8") };
  });
}
