// Run by bin/synth-bundle.cjs when the synth bundle is missing or stale: bundles the compiled app
// (dist/main.js and everything it requires, cdktf and the provider bindings included) into one
// CommonJS file with rolldown, and lists the files it was made from, so the next synth can tell by
// their content whether it still matches (paths relative to the project root, so a copied checkout
// never matches the original's files). Arguments: <root> <entry> <bundle file> <inputs file>.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { rolldown } from "rolldown";

const [root, entry, bundleFile, inputsFile] = process.argv.slice(2);
const bundle = await rolldown({ input: entry, platform: "node", logLevel: "warn" });
try {
  const { output } = await bundle.generate({ format: "cjs" });
  if (output.length !== 1 || output[0].type !== "chunk")
    throw new Error(`expected one chunk, got ${output.map((o) => o.fileName).join(", ")}`);
  const [chunk] = output;
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
