import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The user's servarr.config.ts may hold anything (other reviewers, another project name, two
 * hosts, other apps): only test/user-config/ reads it or what synth committed for it (compose/,
 * .github/, cdktf.out/ at the repository root), with checks that hold for every config. Every
 * other test reads fixtures. So the user-config checks, run on a variety of configs
 * (variants.test.ts), are what `npm test` asks of a user's config.
 */
const root = path.resolve(__dirname, "../..");
const ALLOWED = new Set([
  "test/user-config/user-config.test.ts",
  "test/user-config/bound.test.ts",
  // The end-to-end harness (npm run test:e2e) runs the user's own config on a real engine, on purpose.
  "test/e2e/main.ts",
]);
const RULES: Array<[RegExp, string]> = [
  [/\b(?:from\s+|require\(\s*)"(?:\.\.?\/)+servarr\.config"/, "imports the user's servarr.config.ts"],
  [
    // root: the repository; repo: a test's copy of it (its committed files are the user's too).
    /read\w*\(\s*path\.(?:join|resolve)\(\s*(?:root\s*,\s*"(?:\.github\/|compose\/|cdktf\.out\/|servarr\.config\.ts)|repo\s*,\s*"(?:\.github\/|compose\/))/,
    "reads a file the user's config generated, or the config itself, at the repository root",
  ],
];

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? walk(rel) : rel.endsWith(".ts") ? [rel] : [];
  });
}

describe("no test but test/user-config/ depends on the user's config", () => {
  it("no other test file imports servarr.config.ts or reads what synth committed for it", () => {
    const found = walk("test")
      .filter((f) => !ALLOWED.has(f))
      .flatMap((f) => {
        const text = readFileSync(path.join(root, f), "utf8");
        return RULES.filter(([re]) => re.test(text)).map(([, why]) => `${f}: ${why}`);
      });
    expect(found).toEqual([]);
  });

  it("the rules catch what they describe", () => {
    const [imports, reads] = RULES.map(([re]) => re) as [RegExp, RegExp];
    expect(imports.test('import { config } from "../../servarr.config";')).toBe(true);
    expect(reads.test('readFileSync(path.join(root, ".github/workflows/deploy.yml"))')).toBe(true);
    expect(reads.test('readFileSync(path.join(root, "servarr.config.ts"), "utf8")')).toBe(true);
    expect(reads.test('readFileSync(path.join(repo, "compose/servarr/compose.yaml"), "utf8")')).toBe(true);
    expect(reads.test('readFileSync(path.join(root, "README.md"))')).toBe(false);
  });
});
