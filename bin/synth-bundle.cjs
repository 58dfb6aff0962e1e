// `npm run synth` loads the installed packages the app requires (cdktf, constructs, yaml, the
// provider bindings: ~600 files, 12 MB) from one bundled file, dist/.synth/vendor.js, with V8's code
// cache: no module resolution for them and no compiling after the first run. The app's own compiled
// files, the user's config among them, load as usual, so editing the config never rebuilds the
// bundle or its cache. Measured in docs/proving.md.
//
// Never stale: the bundle is keyed on every installed file it was made from, the list of specifiers
// it answers, the builder, this file and the Node version; any difference rebuilds it. The code cache
// is named after the bundle's own content hash, and V8 itself refuses a cache made by another V8 or
// with other flags (then the bundle is compiled as usual and the cache rewritten). A specifier the
// bundle does not hold loads from node_modules as usual; its own require of "cdktf" or "constructs"
// gets the bundle's copy, so there is only ever one cdktf in the process.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const BUILDER = path.join(__dirname, "build-synth-bundle.mjs");
const BUILTIN = new Set(Module.builtinModules);

/** Every bare specifier (an installed package, not a built-in) the compiled app in dist/ requires. */
function bareSpecifiers(dist) {
  const found = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue; // dist/.synth and its scratch folders
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js"))
        for (const [, spec] of fs.readFileSync(full, "utf8").matchAll(/\brequire\("([^".][^"]*)"\)/g))
          if (!spec.startsWith("node:") && !BUILTIN.has(spec.split("/")[0] ?? "")) found.add(spec);
    }
  };
  walk(dist);
  return [...found].sort();
}

/**
 * The key of the bundle those inputs (relative to root) and specifiers make; undefined when an input
 * is missing (or no list yet). The project's own files (builder, runner) count by content. Installed
 * files count by what the file system records of every write to a file (inode, size, mtime and ctime,
 * which no tool can set back): npm, a patch tool or a hand edit all change it, and stat-ing their ~500
 * files costs a fifth of reading and hashing their 12 MB.
 */
function inputsKey(root, inputsFile, specifiers) {
  const inputs = readJson(inputsFile);
  if (!Array.isArray(inputs)) return undefined;
  const hash = createHash("sha256").update(`${process.version} ${process.arch}\0${JSON.stringify(specifiers)}\0`);
  for (const file of [path.relative(root, BUILDER), path.relative(root, __filename), ...inputs]) {
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

/** Bundles the specifiers into dir; the message of the failure, or undefined when built. */
function build(root, dir, specifiers, bundleFile, inputsFile) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const temp = (file) => `${file}.${process.pid}.tmp`;
  const specifiersFile = path.join(dir, "specifiers.json");
  fs.writeFileSync(specifiersFile, JSON.stringify(specifiers));
  try {
    execFileSync(process.execPath, [BUILDER, root, specifiersFile, temp(bundleFile), temp(inputsFile)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    return (String(error.stderr ?? "").trim() || String(error.message)).split("\n")[0];
  }
  fs.renameSync(temp(bundleFile), bundleFile);
  fs.renameSync(temp(inputsFile), inputsFile);
  return undefined;
}

/**
 * The vendor bundle, current for the installed packages and the specifiers dist/ requires (built
 * again when not); throws when it cannot be made. dist/ is scanned for specifiers only when the build
 * stamp changed (tsc ran): a warm synth reads no file of the app for this, and an edit that adds no
 * new specifier (the usual edit of the config) keeps the bundle and its cache.
 */
function currentBundle(root, dir) {
  const bundleFile = path.join(dir, "vendor.js");
  const inputsFile = path.join(dir, "inputs.json");
  const stateFile = path.join(dir, "state.json");
  const saved = readJson(stateFile) ?? {};
  const stamp = String(fs.statSync(path.join(root, "dist", ".build-stamp"), { bigint: true, throwIfNoEntry: false })?.mtimeNs);
  const had = Array.isArray(saved.specifiers) ? saved.specifiers : undefined;
  const needed = saved.stamp === stamp && had !== undefined ? had : bareSpecifiers(path.join(root, "dist"));
  // One the app no longer requires stays in the bundle (unused, harmless): only a new one rebuilds it.
  const specifiers = had !== undefined && needed.every((s) => had.includes(s)) ? had : needed;
  const key = inputsKey(root, inputsFile, specifiers);
  if (key !== undefined && key === saved.key) {
    if (saved.stamp !== stamp) writeAtomic(stateFile, JSON.stringify({ key, stamp, specifiers }));
    return bundleFile;
  }
  const failure = build(root, dir, specifiers, bundleFile, inputsFile);
  const built = failure === undefined ? inputsKey(root, inputsFile, specifiers) : undefined;
  if (built === undefined) throw new Error(failure ?? "an input vanished while bundling");
  writeAtomic(stateFile, JSON.stringify({ key: built, stamp, specifiers }));
  return bundleFile;
}

/**
 * Requires the compiled app (main, a path in dist/) with the installed packages taken from the vendor
 * bundle. When the bundle cannot be made, says so in one line and requires main without it.
 */
function runWithVendorBundle(root, main) {
  const dir = path.join(root, "dist", ".synth");
  let bundleFile;
  let source;
  try {
    bundleFile = currentBundle(root, dir);
    source = fs.readFileSync(bundleFile, "latin1"); // ASCII only (build-synth-bundle.mjs)
  } catch (error) {
    console.error(`servarr: running without the vendor bundle (slower): it could not be made: ${error.message}`);
    fs.rmSync(dir, { recursive: true, force: true });
    require(main);
    return;
  }
  // Named after the exact source it was made for: V8 itself only compares the source's length.
  const cacheFile = path.join(dir, `${createHash("sha256").update(source).digest("hex")}.v8cache`);
  const cachedData = readOptional(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: bundleFile, cachedData });
  const vendorModule = { exports: {}, filename: bundleFile, id: bundleFile };
  script.runInThisContext()(vendorModule.exports, Module.createRequire(bundleFile), vendorModule, bundleFile, dir);
  const vendor = vendorModule.exports;
  const load = Module._load;
  // Every require of a specifier the bundle holds, from the app, the config or a package loaded from
  // disk, gets the bundle's module; everything else loads as usual.
  Module._load = function loadVendored(request, ...rest) {
    return Object.hasOwn(vendor, request) ? vendor[request]() : load.call(this, request, ...rest);
  };
  require(main);
  // Made after the run, the cache holds every function the synth compiled, not only the top level.
  if ((cachedData === undefined || script.cachedDataRejected) && !process.exitCode) {
    try {
      writeAtomic(cacheFile, script.createCachedData());
    } catch {
      // Only slower next time (e.g. another synth rebuilt the bundle meanwhile).
    }
  }
}

module.exports = { runWithVendorBundle, currentBundle };
