// Run by bin/synth-bundle.cjs when the vendor bundle is missing or stale: bundles the installed
// packages the compiled app requires (cdktf, constructs, yaml and the provider binding files, by the
// bare specifiers dist/ requires) into one CommonJS file with rolldown. The app's own files and the
// user's config are not in it: an edit of servarr.config.ts never rebuilds it. The file exports one
// function per specifier that returns that module (initialised on first call, as require would), and
// the builder lists the files it was made from (relative to the root) so the next synth can tell
// whether they changed. Arguments: <root> <specifiers JSON file> <bundle file> <inputs file>.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { rolldown } from "rolldown";

const [root, specifiersFile, bundleFile, inputsFile] = process.argv.slice(2);
// The entry sits in the project root (a temporary folder there), so rolldown resolves the specifiers
// from the root's node_modules as the app does.
const scratch = mkdtempSync(path.join(root, "dist", ".synth-entry-"));
try {
  const specifiers = JSON.parse(readFileSync(specifiersFile, "utf8"));
  const entry = path.join(scratch, "vendor.cjs");
  const lines = specifiers.map((s) => `  ${JSON.stringify(s)}: () => require(${JSON.stringify(s)}),`);
  writeFileSync(entry, `"use strict";\nmodule.exports = {\n${lines.join("\n")}\n};\n`);
  const bundle = await rolldown({ input: entry, platform: "node", logLevel: "warn" });
  try {
    // Comments dropped and the few other non-ASCII characters escaped: the runner reads it as latin1,
    // a one-byte string with no UTF-8 to decode (~10-20 ms of 4 MB per synth).
    const { output } = await bundle.generate({ format: "cjs", charset: "ascii", comments: false });
    if (output.length !== 1 || output[0].type !== "chunk")
      throw new Error(`expected one chunk, got ${output.map((o) => o.fileName).join(", ")}`);
    const [chunk] = output;
    const other = /[\u0080-\uffff]/.exec(chunk.code);
    if (other !== null) throw new Error(`the bundle is not ASCII: U+${other[0].codePointAt(0)?.toString(16)} at ${other.index}`);
    // rolldown's own runtime helpers are virtual modules (\0-prefixed), the entry is temporary.
    const inputs = chunk.moduleIds
      .filter((id) => !id.startsWith("\0") && id !== entry)
      .map((id) => path.relative(root, id))
      .sort();
    const outside = inputs.find((file) => !file.split(path.sep).includes("node_modules"));
    if (outside !== undefined) throw new Error(`the vendor bundle would hold a project file: ${outside}`);
    writeFileSync(bundleFile, chunk.code);
    writeFileSync(inputsFile, `${JSON.stringify(inputs)}\n`);
  } finally {
    await bundle.close();
  }
} catch (error) {
  // One line for bin/synth-bundle.cjs to print.
  const message = error instanceof Error ? error.message : String(error);
  console.error(stripVTControlCharacters(message).replace(/\s+/g, " ").trim().slice(0, 400));
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
