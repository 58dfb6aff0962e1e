import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnder } from "../user-config/tools";

/**
 * `npm run synth` without arguments runs the one-file bundle with V8's code cache
 * (bin/synth-bundle.cjs); it must write exactly what the plain build (`node dist/main.js`)
 * writes, and never run a stale bundle or cache. In a copy of the repository.
 */
const root = path.resolve(__dirname, "../..");
const repo = mkdtempSync(path.join(tmpdir(), "servarr-bundle-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
for (const file of execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean)) {
  if (!statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile()) continue;
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  copyFileSync(path.join(root, file), path.join(repo, file));
}
symlinkSync(path.join(root, "node_modules"), path.join(repo, "node_modules"));

const bundleDir = path.join(repo, "dist/.synth");
const node = (args: string[]) => {
  const res = spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8", timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
};
/** Everything synth writes: the whole copy but the build and the installed packages. */
const written = () =>
  new Map(
    readdirSync(repo)
      .filter((name) => name !== "dist" && name !== "node_modules")
      .flatMap((name) =>
        statSync(path.join(repo, name)).isDirectory()
          ? [...filesUnder(path.join(repo, name))].map(([file, content]) => [`${name}/${file}`, content] as const)
          : [[name, readFileSync(path.join(repo, name), "utf8")] as const],
      ),
  );
const caches = () => readdirSync(bundleDir).filter((f) => f.endsWith(".v8cache"));

describe("npm run synth from the bundle", () => {
  let plain: ReturnType<typeof node>;
  let plainTree: Map<string, string>;
  beforeAll(() => {
    expect(node([path.join(repo, "bin/servarr-synth.cjs"), "--build-only"]).status).toBe(0);
    plain = node([path.join(repo, "dist/main.js")]);
    plainTree = written();
  });

  const bundled = () => {
    rmSync(path.join(repo, "cdktf.out"), { recursive: true, force: true });
    const res = node([path.join(repo, "bin/servarr-synth.cjs")]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    return res;
  };

  it("writes byte-identical files and prints the same summary as the plain build, first run and from the code cache", () => {
    expect(plain.status).toBe(0);
    expect(plainTree.get("cdktf.out/stacks/servarr/cdk.tf.json")).toMatch(/cloudflare_zero_trust_tunnel_cloudflared/);
    const first = bundled();
    expect(existsSync(path.join(bundleDir, "main.js"))).toBe(true);
    expect(caches()).toHaveLength(1);
    expect(first.stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);

    const cache = path.join(bundleDir, caches()[0] ?? "");
    const made = statSync(cache).mtimeMs;
    const again = bundled();
    expect(again.stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);
    // V8 took the cache (a refused one is rewritten).
    expect(statSync(cache).mtimeMs).toBe(made);
  });

  it("a corrupt code cache is refused by V8 and replaced; the output stays the same", () => {
    const cache = path.join(bundleDir, caches()[0] ?? "");
    const garbage = Buffer.alloc(statSync(cache).size, 0x5a);
    writeFileSync(cache, garbage);
    expect(bundled().stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);
    expect(readFileSync(cache).equals(garbage)).toBe(false);
  });

  it("a code cache is used only for the exact bundle it was made from (V8 itself compares only the source's length)", () => {
    const bundle = path.join(bundleDir, "main.js");
    const source = readFileSync(bundle, "latin1");
    const marker = "generated files (host bundle, workflows): unchanged";
    expect(source).toContain(marker);
    writeFileSync(bundle, source.replace(marker, marker.toUpperCase()), "latin1");
    expect(bundled().stdout).toContain(marker.toUpperCase());
    writeFileSync(bundle, source, "latin1");
  });

  it("a changed build file is bundled again, even with its old timestamps (keyed on content)", () => {
    const summary = path.join(repo, "dist/stacks/summary.js");
    const before = statSync(summary);
    const source = readFileSync(summary, "utf8");
    const marker = "generated files (host bundle, workflows): unchanged";
    expect(source).toContain(marker);
    writeFileSync(summary, source.replace(marker, "generated files: UNCHANGED (edited build)"));
    utimesSync(summary, before.atime, before.mtime);
    const res = bundled();
    expect(res.stdout).toContain("generated files: UNCHANGED (edited build)");
    expect(res.stdout).toBe(plain.stdout.replace(marker, "generated files: UNCHANGED (edited build)"));
    expect(caches()).toHaveLength(1);
  });

  it("--config runs the plain build (it loads another compiled config at run time)", () => {
    rmSync(bundleDir, { recursive: true, force: true });
    const out = mkdtempSync(path.join(tmpdir(), "servarr-bundle-out-"));
    try {
      const res = node([path.join(repo, "bin/servarr-synth.cjs"), "--config", "examples/two-hosts.config.ts", "--out", out]);
      expect(res.status).toBe(0);
      expect(existsSync(bundleDir)).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
