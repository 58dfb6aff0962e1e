import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Host } from "../../constructs/host/host";
import type { ServarrConfig } from "../../stacks/config";
import { synthesize } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { config as mediaReviewers } from "../fixtures/media-reviewers";
import { describeUserConfig } from "./checks";
import { expectDclintClean, expectShellcheckClean, hostScripts, shellcheckTool } from "./tools";

/**
 * "Edit servarr.config.ts, run npm run synth, commit, and the tests stay green", for configs
 * that differ from the example the way real users' do: each fixture is synthesized into a
 * scratch repository (as `npm run synth` writes it: cdktf.out/, compose/<name>/,
 * .github/workflows/) and the user-config checks run against that repository, in this process.
 * Those checks are all `npm test` asks of a user's config: no other test reads it or what synth
 * committed for it (bound.test.ts). The configs: own identity and a renamed project with the
 * owner as reviewer (own-identity), other reviewers under a project named "media"
 * (media-reviewers), the shipped two-host example itself (two-hosts), apps removed (no-plex,
 * minimal), apps added (large, jellyfin-no-vpn).
 */
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-variants-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const written: Array<{ root: string; hosts: readonly Host[] }> = [];
const CONFIGS: Readonly<Record<string, ServarrConfig>> = { ...FIXTURES, "media-reviewers": mediaReviewers };
for (const [name, config] of Object.entries(CONFIGS)) {
  describeUserConfig(
    `fixture ${name}`,
    () => {
      const root = path.join(scratch, name);
      const result = synthesize(config, {
        outdir: path.join(root, "cdktf.out"),
        bundleRoot: path.join(root, "compose"),
        repoRoot: root,
      });
      written.push({ root, hosts: result.hosts });
      return { config, root, result, configSource: readFileSync(path.join(__dirname, "../fixtures", `${name}.ts`), "utf8") };
    },
    { linters: false },
  );
}

// The same real linters, once over every fixture's committed files.
describe("any valid config holds (every fixture): real linters", () => {
  it("dclint reports no error and no warning on every committed compose.yaml", () => {
    expect(written).toHaveLength(Object.keys(CONFIGS).length);
    expectDclintClean(written.flatMap(({ root, hosts }) => hosts.map((h) => path.join(root, "compose", h.name, "compose.yaml"))));
  });

  it.skipIf(!shellcheckTool.present)(
    `shellcheck accepts every committed host script${shellcheckTool.missing}`,
    async () => {
      await expectShellcheckClean(written.flatMap(({ root, hosts }) => hosts.flatMap((h) => hostScripts(root, h))));
    },
    240_000,
  );
});
