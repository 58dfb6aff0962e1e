// Run by bin/synth-bundle.cjs when the synth bundle is missing or stale: bundles the compiled app
// (dist/main.js and everything it requires, cdktf and the provider bindings included) into one
// CommonJS file with rolldown, and lists the files it was made from, so the next synth can tell by
// their content whether it still matches (paths relative to the project root, so a copied checkout
// never matches the original's files). Arguments: <root> <entry> <bundle file> <inputs file>.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { rolldown } from "rolldown";

const [root, entry, bundleFile, inputsFile] = process.argv.slice(2);
try {
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
    // rolldown's own runtime helpers are virtual modules (\0-prefixed): no file to check.
    const inputs = chunk.moduleIds
      .filter((id) => !id.startsWith("\0"))
      .map((id) => path.relative(root, id))
      .sort();
    writeFileSync(bundleFile, chunk.code);
    writeFileSync(inputsFile, `${JSON.stringify(inputs)}\n`);
  } finally {
    await bundle.close();
  }
} catch (error) {
  // One line for bin/synth-bundle.cjs to print.
  const message = error instanceof Error ? error.message : String(error);
  console.error(stripVTControlCharacters(message).replace(/\s+/g, " ").trim().slice(0, 400));
  process.exit(1);
}
