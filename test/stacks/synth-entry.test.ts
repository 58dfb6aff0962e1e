import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyOfRepository } from "../repo-copy";
import { filesUnder } from "../user-config/tools";

/**
 * `npm run synth` (bin/servarr-synth.cjs: tsc, then dist/main.js) in a copy of the repository,
 * with configs a user could write in servarr.config.ts, on a PATH without `terraform`.
 */
const repo = copyOfRepository("servarr-entry-");
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const terraformFree = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((dir) => !existsSync(path.join(dir, "terraform")))
  .join(path.delimiter);

function synthWith(configSource: string) {
  writeFileSync(path.join(repo, "servarr.config.ts"), configSource);
  const res = spawnSync(process.execPath, [path.join(repo, "bin/servarr-synth.cjs")], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PATH: terraformFree },
  });
  return { status: res.status, out: res.stdout + res.stderr };
}

// Whatever the user's config named its bundles: the generated tree as committed, before each run.
const generatedTree = () => filesUnder(path.join(repo, "compose"));
const committed = generatedTree();
const NO_STACK = /\n\s+at .*:\d+:\d+/;

describe("npm run synth with the user's config file", () => {
  it("a TypeScript error prints the compiler's message (file, line) and 'nothing was written', no stack trace", () => {
    const res = synthWith(
      [
        'import type { ServarrConfig } from "./stacks/config";',
        'import { config as base } from "./test/fixtures/minimal";',
        "",
        'export const config: ServarrConfig = { ...base, nmae: "typo" };',
        "",
      ].join("\n"),
    );
    expect(res.status).toBe(1);
    expect(res.out).toMatch(/servarr\.config\.ts\(4,\d+\)|servarr\.config\.ts:4:\d+/);
    expect(res.out).toMatch(/'nmae' does not exist in type 'ServarrConfig'/);
    expect(res.out).toMatch(/synth failed: the TypeScript above does not compile; nothing was written\./);
    expect(res.out).not.toMatch(NO_STACK);
    expect(generatedTree()).toEqual(committed);
    expect(existsSync(path.join(repo, "cdktf.out"))).toBe(false);
  });

  it("a wrong value stops synth with our message only: no stack trace, no cdktf 'skipValidation' hint, nothing written", () => {
    const res = synthWith(
      [
        'import type { ServarrConfig } from "./stacks/config";',
        'import { config as base } from "./test/fixtures/minimal";',
        "",
        'export const config: ServarrConfig = { ...base, host: { ...base.host, timezone: "Europe/Berln" } };',
        "",
      ].join("\n"),
    );
    expect(res.status).toBe(1);
    expect(res.out).toMatch(/synth failed; nothing was written\.\n\[servarr\/servarr\] timezone: "Europe\/Berln" is not allowed/);
    expect(res.out).not.toMatch(NO_STACK);
    expect(res.out).not.toMatch(/skipValidation/);
    expect(generatedTree()).toEqual(committed);
    expect(existsSync(path.join(repo, "cdktf.out"))).toBe(false);
  });

  it("a conflict found at synth (late validation) carries no cdktf 'skipValidation' hint either", () => {
    const res = synthWith(
      [
        'import * as catalog from "./constructs/catalog";',
        'import type { ServarrConfig } from "./stacks/config";',
        'import { config as base } from "./test/fixtures/minimal";',
        "",
        "export const config: ServarrConfig = {",
        "  ...base,",
        "  apps: (host) => {",
        "    base.apps(host);",
        "    catalog.jellyfin(host, { uid: 13001 });",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
    expect(res.status).toBe(1);
    expect(res.out).toMatch(/\[servarr\/servarr\] jellyfin\.uid: 13001 is not allowed; .*\(plex, declared earlier, already has it\)/);
    expect(res.out).not.toMatch(/skipValidation/);
    expect(res.out).not.toMatch(NO_STACK);
  });

  it("init --from the two-host example (a renamed project, two hosts), then synth without a terraform binary: imports from the root, compose/<name>/ per host", () => {
    const node = (args: string[]) =>
      spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8", env: { ...process.env, PATH: terraformFree }, timeout: 120_000 });
    expect(node([path.join(repo, "bin/servarr-synth.cjs"), "--build-only"]).status).toBe(0);
    const cli = path.join(repo, "dist/stacks/setup/cli.js");
    const refused = node([cli, "init", "--from", "examples/two-hosts.config.ts"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^servarr setup: init: servarr\.config\.ts exists: not replacing it without --force/);
    const init = node([cli, "init", "--from", "examples/two-hosts.config.ts", "--force"]);
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    const written = readFileSync(path.join(repo, "servarr.config.ts"), "utf8");
    expect(written).toMatch(/^\/\/ Started from examples\/two-hosts\.config\.ts/);
    expect(written).toContain('from "./constructs/catalog"');
    expect(written).not.toContain('from "../');
    expect(terraformFree.split(path.delimiter).some((dir) => existsSync(path.join(dir, "terraform")))).toBe(false);
    const res = node([path.join(repo, "bin/servarr-synth.cjs")]);
    // No version check of a local terraform (the summary itself may tell the user to run `terraform output`).
    expect(res.stdout + res.stderr).not.toMatch(/terraform (version|binary|cli)|could not find terraform|ENOENT|skipValidation/i);
    expect(res.stdout + res.stderr).toMatch(/host mediabox: \d+ apps[\s\S]*host nas: \d+ apps/);
    expect(res.status).toBe(0);
    for (const file of ["compose/mediabox/compose.yaml", "compose/nas/compose.yaml"])
      expect(statSync(path.join(repo, file)).isFile(), file).toBe(true);
  });
  it("--config <file> --out <dir> synthesizes another config file there, never over the repository's generated files", () => {
    const out = mkdtempSync(path.join(tmpdir(), "servarr-entry-out-"));
    const generated = () =>
      readdirSync(path.join(repo, "compose"), { recursive: true, encoding: "utf8" })
        .sort()
        .map((f) => [f, statSync(path.join(repo, "compose", f)).mtimeMs]);
    const before = generated();
    const res = spawnSync(
      process.execPath,
      [path.join(repo, "bin/servarr-synth.cjs"), "--config", "examples/two-hosts.config.ts", "--out", out],
      {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, PATH: terraformFree },
      },
    );
    expect(res.stdout + res.stderr).toMatch(/host nas: \d+ apps/);
    expect(res.status).toBe(0);
    for (const file of [
      "compose/mediabox/compose.yaml",
      "compose/nas/firewall.nft",
      ".github/workflows/deploy.yml",
      "cdktf.out/manifest.json",
    ])
      expect(statSync(path.join(out, file)).isFile(), file).toBe(true);
    expect(generated()).toEqual(before);
    const refused = spawnSync(
      process.execPath,
      [path.join(repo, "bin/servarr-synth.cjs"), "--config", "examples/two-hosts.config.ts", "--out", repo],
      {
        cwd: repo,
        encoding: "utf8",
      },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--out .*: a directory of its own, not the repository/);
    // Node's recursive mkdir would spin forever under /proc: refused at once, with one line.
    const proc = spawnSync(
      process.execPath,
      [path.join(repo, "bin/servarr-synth.cjs"), "--config", "examples/two-hosts.config.ts", "--out", "/proc/servarr-nope"],
      {
        cwd: repo,
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(proc.stderr).toMatch(
      /synth failed; nothing was written\.\n--out \/proc\/servarr-nope: inside \/proc, a file system of the kernel/,
    );
    expect(proc.status).toBe(1);
    rmSync(out, { recursive: true, force: true });
  });
});
