#!/usr/bin/env node
// package.json's `prepare` (npm runs the root project's own prepare on `npm ci` and `npm install`
// without the approval npm 11 asks for dependencies' scripts): compiles the app, builds the vendor
// bundle (bin/synth-bundle.cjs) and its code cache by synthesizing servarr.config.ts once into a
// scratch folder, so the first `npm run synth` after an install (a fresh clone, every CI run) is
// already warm. Writes nothing outside dist/ and never fails the install: when the config does not
// synthesize, it says so in one line and the first synth builds what is missing.
"use strict";
const { spawnSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const out = mkdtempSync(path.join(tmpdir(), "servarr-prepare-"));
try {
  const res = spawnSync(process.execPath, [path.join(__dirname, "servarr-synth.cjs"), "--config", "servarr.config.ts", "--out", out], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (res.status !== 0) {
    const line = (res.stderr || res.error?.message || `exit ${res.status}`).trim().split("\n").find(Boolean);
    console.error(`servarr: prepare: the first synth will build the vendor bundle instead: ${line}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
