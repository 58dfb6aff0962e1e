import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./args";

/** Where init looks for examples, and the file it writes (both relative to the repository root). */
export const EXAMPLES_DIR = "examples";
export const CONFIG_FILE = "servarr.config.ts";

/** The example configs shipped with the repository. */
export function listExamples(root: string): string[] {
  const dir = path.join(root, EXAMPLES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".config.ts"))
    .sort()
    .map((f) => `${EXAMPLES_DIR}/${f}`);
}

/**
 * The example's source as a `servarr.config.ts` at the repository root: each relative import
 * re-pointed from the example's folder to the root, and a first line saying where it came from.
 */
export function configFromExample(source: string, example: string): string {
  const from = path.posix.dirname(example);
  const rebased = source.replace(/(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g, (_, lead, quote, spec) => {
    const target = path.posix.normalize(path.posix.join(from, spec));
    return `${lead}${quote}${target.startsWith("../") ? target : `./${target}`}${quote}`;
  });
  return `// Started from ${example} (npm run setup -- init): replace the example's values with your own.\n${rebased}`;
}

/**
 * `init --from <example>`: writes servarr.config.ts from the example; an existing one (the
 * shipped example, or the owner's own) only with --force. Returns the lines to print.
 */
export function initConfig(root: string, from: string | undefined, force: boolean): string[] {
  const examples = listExamples(root);
  if (from === undefined)
    throw new UsageError(
      `init: --from <example> is missing; one of ${examples.join(", ") || "(none in examples/)"} (the shipped ${CONFIG_FILE} is the one-host example: edit it in place)`,
    );
  const relative = path.relative(root, path.resolve(root, from)).split(path.sep).join("/");
  if (!examples.includes(relative)) throw new UsageError(`init: --from ${from}: not an example; one of ${examples.join(", ")}`);
  const target = path.join(root, CONFIG_FILE);
  if (existsSync(target) && !statSync(target).isFile()) throw new UsageError(`init: ${CONFIG_FILE} is not a regular file`);
  if (existsSync(target) && !force)
    throw new UsageError(`init: ${CONFIG_FILE} exists: not replacing it without --force (commit it first to keep it in git's history)`);
  writeFileSync(target, configFromExample(readFileSync(path.join(root, relative), "utf8"), relative));
  return [
    `wrote ${CONFIG_FILE} from ${relative}`,
    `next: replace the example's values (domain, Cloudflare ids, owners, github, machine keys and disk), then npm run synth`,
  ];
}
