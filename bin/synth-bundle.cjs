// `npm run synth` (no arguments) runs the compiled app from one bundled file, dist/.synth/main.js,
// with V8's code cache: no module resolution for its ~600 files, and no compiling of the ~12 MB of
// JavaScript (the provider bindings are most of it) after the first run. Measured in docs/proving.md.
//
// Never stale: the bundle is keyed on every file it was made from (inputs.json, written by
// build-synth-bundle.mjs; inputsKey says how), on the script that builds it and on the Node
// version; any difference rebuilds it. The code cache is named after the bundle's own content
// hash, and V8 itself refuses a cache made by another V8 or with other flags (then the bundle is
// compiled as usual and the cache rewritten).
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const { createRequire, wrap } = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const BUILDER = path.join(__dirname, "build-synth-bundle.mjs");

/**
 * The key of the bundle those inputs (relative to root) make; undefined when one is missing (or no
 * list yet). The project's own files (the build in dist/, the builder) count by content. Installed
 * packages count by what the file system records of every write to a file (inode, size, mtime and
 * ctime, which no tool can set back): npm, a patch tool or a hand edit all change it, and stat-ing
 * their ~500 files costs a fifth of reading and hashing their 12 MB on every synth.
 */
function inputsKey(root, inputsFile) {
  const inputs = readJson(inputsFile);
  if (!Array.isArray(inputs)) return undefined;
  const hash = createHash("sha256").update(`${process.version} ${process.arch}\0`);
  for (const file of [path.relative(root, BUILDER), ...inputs]) {
    const full = path.join(root, file);
    if (file.split(path.sep).includes("node_modules")) {
      const stat = fs.statSync(full, { bigint: true, throwIfNoEntry: false });
      if (stat === undefined) return undefined;
      hash.update(`${file}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}\0`);
    } else {
      const content = readOptional(full);
      if (content === undefined) return undefined;
      hash.update(`${file}\0${content.length}\0`).update(content);
    }
  }
  return hash.digest("hex");
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function readOptional(file, encoding) {
  try {
    return fs.readFileSync(file, encoding);
  } catch {
    return undefined;
  }
}

/** Written under a temporary name, then renamed: a reader sees the old file or the whole new one. */
function writeAtomic(file, content) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

/** Bundles dist/main.js into dir; the message of the failure, or undefined when built. */
function build(root, dir, bundleFile, inputsFile) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const temp = (file) => `${file}.${process.pid}.tmp`;
  try {
    execFileSync(process.execPath, [BUILDER, root, path.join(root, "dist", "main.js"), temp(bundleFile), temp(inputsFile)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    return (String(error.stderr ?? "").trim() || String(error.message)).split("\n")[0];
  }
  fs.renameSync(temp(bundleFile), bundleFile);
  fs.renameSync(temp(inputsFile), inputsFile);
  return undefined;
}

/** The bundle, current for the build in dist/ (built again when not); undefined when it cannot be made. */
function currentBundle(root, dir) {
  const bundleFile = path.join(dir, "main.js");
  const inputsFile = path.join(dir, "inputs.json");
  const keyFile = path.join(dir, "key");
  const key = inputsKey(root, inputsFile);
  if (key !== undefined && key === readOptional(keyFile, "utf8")) return bundleFile;
  const failure = build(root, dir, bundleFile, inputsFile);
  const built = failure === undefined ? inputsKey(root, inputsFile) : undefined;
  if (built === undefined) throw new Error(failure ?? "an input vanished while bundling");
  writeAtomic(keyFile, built);
  return bundleFile;
}

/**
 * Runs dist/main.js as one bundle. Returns false, having run nothing, when it cannot be bundled
 * (the caller then requires dist/main.js itself, as without the bundle).
 */
function runBundled(root) {
  const dir = path.join(root, "dist", ".synth");
  let bundleFile;
  let source;
  try {
    bundleFile = currentBundle(root, dir);
    source = fs.readFileSync(bundleFile, "latin1"); // ASCII only (build-synth-bundle.mjs)
  } catch (error) {
    console.error(`servarr: running the unbundled build (slower): the synth bundle could not be made: ${error.message}`);
    fs.rmSync(dir, { recursive: true, force: true });
    return false;
  }
  // Named after the exact source it was made for: V8 itself only compares the source's length.
  const cacheFile = path.join(dir, `${createHash("sha256").update(source).digest("hex")}.v8cache`);
  const cachedData = readOptional(cacheFile);
  const script = new vm.Script(wrap(source), { filename: bundleFile, cachedData });
  const module = { exports: {}, filename: bundleFile, id: "." };
  script.runInThisContext()(module.exports, createRequire(bundleFile), module, bundleFile, dir);
  // Made after the run, the cache holds every function the synth compiled, not only the top level.
  if ((cachedData === undefined || script.cachedDataRejected) && !process.exitCode) {
    try {
      writeAtomic(cacheFile, script.createCachedData());
    } catch {
      // Only slower next time (e.g. another synth rebuilt the bundle meanwhile).
    }
  }
  return true;
}

module.exports = { runBundled };
