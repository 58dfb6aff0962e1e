#!/usr/bin/env node
// The synth entry point for `npm run synth` and cdktf.json: compiles with tsc only when a
// TypeScript source is newer than the last build, then runs the compiled app in this process
// (`--build-only` stops after the build), with the installed packages from one bundled file
// (bin/synth-bundle.cjs).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const stamp = path.join(root, "dist", ".build-stamp");
// What tsc compiles (tsconfig.build.json's include) and the two configs: a folder added to the build
// is watched without being listed twice.
const sources = [
  "tsconfig.json",
  "tsconfig.build.json",
  ...JSON.parse(fs.readFileSync(path.join(root, "tsconfig.build.json"), "utf8")).include,
];

function newestSource(entry) {
  const full = path.join(root, entry);
  const stat = fs.statSync(full, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return entry.endsWith(".ts") || entry.endsWith(".json") ? stat.mtimeMs : 0;
  return fs.readdirSync(full).reduce((newest, child) => Math.max(newest, newestSource(path.join(entry, child))), 0);
}

const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? -1;
if (sources.some((s) => newestSource(s) > built)) {
  try {
    execFileSync(
      process.execPath,
      [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json")],
      { stdio: "inherit" },
    );
  } catch {
    // tsc printed the errors (file, line, message) above; a stack trace of this script adds nothing.
    console.error("servarr: synth failed: the TypeScript above does not compile; nothing was written.");
    process.exit(1);
  }
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
if (!process.argv.includes("--build-only")) {
  process.chdir(root);
  // The installed packages from one bundled file with its code cache (bin/synth-bundle.cjs); the
  // app's own files, the config among them (`--config` too), load as usual.
  require("./synth-bundle.cjs").runWithVendorBundle(root, path.join(root, "dist", "main.js"));
}
