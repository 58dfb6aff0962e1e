import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyOfRepository } from "../repo-copy";
import { filesUnder } from "../user-config/tools";

/**
 * `npm run synth` takes the installed packages (cdktf, constructs, yaml, the provider bindings) from
 * one bundled file with V8's code cache (bin/synth-bundle.cjs) and loads the app's own files as
 * usual; it must write exactly what the plain build (`node dist/main.js`) writes, never run a stale
 * bundle or cache, keep the bundle across config edits, and hold one cdktf per process. In a copy
 * of the repository (its node_modules a link to this one's, never written).
 */
const root = path.resolve(__dirname, "../..");
const repo = copyOfRepository("servarr-bundle-");
const outs = mkdtempSync(path.join(tmpdir(), "servarr-bundle-out-"));
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outs, { recursive: true, force: true });
});
// A fixture config in the copy's examples/ (compiled with the app, loaded by --config): test/fixtures'
// "minimal" on top of "full", imports rewritten for the new folder.
const fixture = (name: string) =>
  readFileSync(path.join(root, "test/fixtures", `${name}.ts`), "utf8")
    .replaceAll('"../../', '"../')
    .replace('"./full"', '"./fixture-full"');
writeFileSync(path.join(repo, "examples/fixture-full.ts"), fixture("full"));
const minimal = path.join(repo, "examples/fixture-minimal.config.ts");
writeFileSync(minimal, fixture("minimal"));

const bundleDir = path.join(repo, "dist/.synth");
const vendorFile = path.join(bundleDir, "vendor.js");
const synthCli = path.join(repo, "bin/servarr-synth.cjs");
const node = (args: string[]) => {
  const res = spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8", timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
};
/** Everything synth writes: the whole copy but the build, the sources the tests edit and the installed packages. */
const written = () =>
  new Map(
    readdirSync(repo)
      .filter((name) => !["dist", "node_modules", "examples", "bin"].includes(name))
      .flatMap((name) =>
        statSync(path.join(repo, name)).isDirectory()
          ? [...filesUnder(path.join(repo, name))].map(([file, content]) => [`${name}/${file}`, content] as const)
          : [[name, readFileSync(path.join(repo, name), "utf8")] as const],
      ),
  );
const caches = () => readdirSync(bundleDir).filter((f) => f.endsWith(".v8cache"));
/** What identifies the bundle and its cache on disk: any rebuild or rewrite changes it. */
const bundleOnDisk = () =>
  [vendorFile, ...caches().map((f) => path.join(bundleDir, f))].map((f) => `${f} ${statSync(f).ino} ${statSync(f).mtimeMs}`);
/** `--config <file>` into a fresh --out: the bundled run and the plain build's, with what each wrote. */
const withConfig = (file: string) => {
  const run = (args: string[]) => {
    const out = mkdtempSync(path.join(outs, "out-"));
    const res = node([...args, "--config", file, "--out", out]);
    return { ...res, tree: filesUnder(out) };
  };
  return { bundled: run([synthCli]), plain: run([path.join(repo, "dist/main.js")]) };
};

describe("npm run synth with the vendor bundle", () => {
  let plain: ReturnType<typeof node>;
  let plainTree: Map<string, string>;
  beforeAll(() => {
    expect(node([synthCli, "--build-only"]).status).toBe(0);
    plain = node([path.join(repo, "dist/main.js")]);
    plainTree = written();
  });

  const bundled = () => {
    rmSync(path.join(repo, "cdktf.out"), { recursive: true, force: true });
    const res = node([synthCli]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    return res;
  };

  it("writes byte-identical files and prints the same summary as the plain build, first run and from the code cache", () => {
    expect(plain.status).toBe(0);
    expect(plainTree.get("cdktf.out/stacks/servarr/cdk.tf.json")).toMatch(/cloudflare_zero_trust_tunnel_cloudflared/);
    const first = bundled();
    expect(caches()).toHaveLength(1);
    expect(first.stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);
    // Only installed packages in it, never the app or the config.
    const inputs = JSON.parse(readFileSync(path.join(bundleDir, "inputs.json"), "utf8")) as string[];
    expect(inputs.some((f) => f.endsWith(path.join("node_modules", "cdktf", "lib", "index.js")))).toBe(true);
    expect(inputs.filter((f) => !f.split(path.sep).includes("node_modules"))).toEqual([]);
    expect(readFileSync(vendorFile, "latin1")).not.toContain("servarr.config");

    const made = bundleOnDisk();
    const again = bundled();
    expect(again.stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);
    // V8 took the cache (a refused one is rewritten) and nothing was rebuilt.
    expect(bundleOnDisk()).toEqual(made);
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
    const source = readFileSync(vendorFile, "latin1");
    // cdktf writes the stack's name into every cdk.tf.json under this key.
    expect(source).toContain("stackName");
    writeFileSync(vendorFile, source.replaceAll("stackName", "STACKNAME"), "latin1");
    bundled();
    expect(readFileSync(path.join(repo, "cdktf.out/stacks/servarr/cdk.tf.json"), "utf8")).toContain('"STACKNAME"');
    writeFileSync(vendorFile, source, "latin1");
  });

  it("an edit of a config rebuilds neither the bundle nor its cache, and its output is the plain build's", () => {
    const before = withConfig("examples/fixture-minimal.config.ts");
    expect(before.bundled.stderr).toBe("");
    expect(before.bundled.tree).toEqual(before.plain.tree);
    const kept = bundleOnDisk();
    // The kind of edit a user makes: one more app.
    const source = readFileSync(minimal, "utf8");
    expect(source).not.toContain("radarr");
    writeFileSync(
      minimal,
      source.replace(
        "catalog.cloudflared(host);",
        "catalog.cloudflared(host);\n    catalog.radarr(host, { exposure: Exposure.private() });",
      ),
    );
    const after = withConfig("examples/fixture-minimal.config.ts"); // compiles first (bin/servarr-synth.cjs)
    expect(after.bundled.stderr).toBe("");
    expect(after.bundled.status).toBe(0);
    // A compose service of its own now (and only now).
    const service = /^ {2}radarr:$/m;
    expect([...after.bundled.tree.values()].some((content) => service.test(content))).toBe(true);
    expect([...before.bundled.tree.values()].some((content) => service.test(content))).toBe(false);
    expect(after.bundled.tree).toEqual(after.plain.tree);
    expect(bundleOnDisk()).toEqual(kept);
  });

  it("a binding the bundle does not hold loads from node_modules and gets the bundle's cdktf; once compiled, the bundle takes it in", () => {
    const specifier = "@cdktf/provider-random/lib/string-resource";
    const state = () => JSON.parse(readFileSync(path.join(bundleDir, "state.json"), "utf8")) as { specifiers: string[] };
    expect(state().specifiers).not.toContain(specifier);
    // A config with a new deep import, compiled by hand (the build stamp unchanged: no rescan), that
    // checks it got the binding from disk and that the binding's TerraformResource is the app's.
    const check = [
      `const { TerraformResource } = require("cdktf");`,
      `const { StringResource } = require(${JSON.stringify(specifier)});`,
      `if (!(StringResource.prototype instanceof TerraformResource)) throw new Error("two copies of cdktf in one process");`,
      `const fromDisk = Object.keys(require.cache).some((f) => f.includes("string-resource"));`,
      `if (fromDisk !== (process.env.EXPECT_FROM_DISK === "1")) throw new Error("binding loaded from disk: " + fromDisk);`,
      `exports.config = require("./fixture-minimal.config").config;`,
    ];
    const ts = path.join(repo, "examples/deep-import.config.ts");
    writeFileSync(ts, `// @ts-nocheck\n${check.join("\n")}\n`);
    const stamp = statSync(path.join(repo, "dist/.build-stamp"));
    utimesSync(ts, stamp.atime, new Date(stamp.mtimeMs - 60_000));
    writeFileSync(path.join(repo, "dist/examples/deep-import.config.js"), `"use strict";\n${check.join("\n")}\n`);
    const kept = bundleOnDisk();
    const out = mkdtempSync(path.join(outs, "deep-"));
    const run = (fromDisk: boolean) =>
      spawnSync(process.execPath, [synthCli, "--config", "examples/deep-import.config.ts", "--out", out], {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, EXPECT_FROM_DISK: fromDisk ? "1" : "0" },
      });
    const fromDisk = run(true);
    expect(fromDisk.stderr).toBe("");
    expect(fromDisk.status).toBe(0);
    expect(bundleOnDisk()).toEqual(kept);
    // Compiled for real (the stamp moves): the next synth rebuilds the bundle with the new specifier.
    utimesSync(ts, new Date(), new Date());
    const rebuilt = run(false);
    expect(rebuilt.stderr).toBe("");
    expect(rebuilt.status).toBe(0);
    expect(state().specifiers).toContain(specifier);
  });

  it("npm's prepare (npm ci, npm install) builds the bundle and its code cache from nothing, writing nothing outside dist/; the first synth is then warm", () => {
    rmSync(path.join(repo, "dist"), { recursive: true, force: true });
    const tree = written();
    const prepared = node([path.join(repo, "bin/prepare-synth.cjs")]);
    expect(prepared.stderr).toBe("");
    expect(prepared.status).toBe(0);
    expect(written()).toEqual(tree);
    expect(caches()).toHaveLength(1);
    const made = bundleOnDisk();
    expect(bundled().stdout).toBe(plain.stdout);
    expect(written()).toEqual(plainTree);
    expect(bundleOnDisk()).toEqual(made);
    const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe("node bin/prepare-synth.cjs");
  });

  it("prepare never fails the install: a config that does not compile is one line, and nothing is built", () => {
    const config = path.join(repo, "servarr.config.ts");
    const source = readFileSync(config, "utf8");
    writeFileSync(config, `${source}\nexport const broken: number = "not a number";\n`);
    try {
      rmSync(path.join(repo, "dist"), { recursive: true, force: true });
      const prepared = node([path.join(repo, "bin/prepare-synth.cjs")]);
      expect(prepared.status).toBe(0);
      expect(prepared.stderr).toMatch(/^servarr: prepare: the first synth will build the vendor bundle instead: .+\n$/);
      expect(existsSync(vendorFile)).toBe(false);
    } finally {
      writeFileSync(config, source);
    }
  });

  it("when the bundle cannot be built, synth says so in one line and runs without it, writing the same files", () => {
    const builder = path.join(repo, "bin/build-synth-bundle.mjs");
    const source = readFileSync(builder, "utf8");
    writeFileSync(builder, 'console.error("rolldown: cannot resolve something");\nprocess.exit(1);\n');
    try {
      rmSync(path.join(repo, "cdktf.out"), { recursive: true, force: true });
      const res = node([synthCli]);
      expect(res.status).toBe(0);
      expect(res.stderr).toBe(
        "servarr: running without the vendor bundle (slower): it could not be made: rolldown: cannot resolve something\n",
      );
      expect(res.stdout).toBe(plain.stdout);
      expect(written()).toEqual(plainTree);
      expect(existsSync(bundleDir)).toBe(false);
    } finally {
      writeFileSync(builder, source);
    }
  });
});
