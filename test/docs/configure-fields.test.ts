import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, section } from "./markdown";

/**
 * docs/configure.md "Every field" names every field of the config's types: a field added to a type
 * without a line in the docs fails here. The fields are read from the types' source (the
 * `readonly` members of each exported interface), the docs' section by its heading.
 */
const TYPES: Record<string, Record<string, string[]>> = {
  "The config": {
    "stacks/config.ts": ["ServarrConfig", "MoreHostConfig"],
    "constructs/config/accounts.ts": ["GitHubConfig", "GoogleConfig", "TerraformCloudConfig"],
  },
  "The host": { "constructs/config/host-props.ts": ["HostProps", "CloudflareTarget"] },
  "The backup bucket": { "constructs/config/options.ts": ["BackupBucketOptions"] },
  "The machine": { "constructs/config/machine.ts": ["MachineProps", "DataDiskProps"] },
  "Service tokens and SSH": { "constructs/config/options.ts": ["ServiceTokenOptions", "SshOptions"] },
  "An app": { "constructs/model/app-props.ts": ["ServarrAppProps"] },
};

/** The `readonly` members of an exported interface (its own body; nested object types included). */
function fields(file: string, name: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const body = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`${file}: no interface ${name}`);
  return [...body.matchAll(/^\s*readonly (\w+)\??:/gm)].map((m) => m[1] as string);
}

describe("docs/configure.md names every field of the config", () => {
  it.each(Object.entries(TYPES))("%s", (heading, sources) => {
    const text = section("docs/configure.md", new RegExp(`^### ${heading} \\(`));
    const names = Object.entries(sources).flatMap(([file, interfaces]) => interfaces.flatMap((i) => fields(file, i)));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(text, `${heading}: ${name}`).toMatch(new RegExp(`\`(?:[\\w<>]+\\.)*${name}(?:\\.[\\w<>.]+)?\``));
  });
});
