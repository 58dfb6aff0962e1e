import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, section } from "./markdown";

/**
 * docs/configure.md "Every field" names every field of the config's types: a field added to a type
 * without a line in the docs fails here. The fields are read from the types' source (the
 * `readonly` members of each exported interface), the docs' section by its heading.
 */
const TYPES: Record<string, { file: string; interfaces: string[] }> = {
  "The config": {
    file: "stacks/config.ts",
    interfaces: ["ServarrConfig", "GitHubConfig", "GoogleConfig", "TerraformCloudConfig", "MoreHostConfig"],
  },
  "The host": { file: "constructs/host-props.ts", interfaces: ["HostProps", "CloudflareTarget"] },
  "The backup bucket": { file: "constructs/backup-bucket.ts", interfaces: ["BackupBucketOptions"] },
  "The machine": { file: "constructs/host-machine.ts", interfaces: ["MachineProps", "DataDiskProps"] },
  "Service tokens and SSH": { file: "constructs/service-tokens.ts", interfaces: ["ServiceTokenOptions"] },
  "An app": { file: "constructs/app-props.ts", interfaces: ["ServarrAppProps"] },
};

/** The `readonly` members of an exported interface (its own body; nested object types included). */
function fields(file: string, name: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const body = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`${file}: no interface ${name}`);
  return [...body.matchAll(/^\s*readonly (\w+)\??:/gm)].map((m) => m[1] as string);
}

describe("docs/configure.md names every field of the config", () => {
  const ssh = fields("constructs/ssh-access.ts", "SshOptions");
  it.each(Object.entries(TYPES))("%s", (heading, { file, interfaces }) => {
    const text = section("docs/configure.md", new RegExp(`^### ${heading} \\(`));
    const names = [...interfaces.flatMap((i) => fields(file, i)), ...(heading === "Service tokens and SSH" ? ssh : [])];
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(text, `${heading}: ${name}`).toMatch(new RegExp(`\`(?:[\\w<>]+\\.)*${name}(?:\\.[\\w<>.]+)?\``));
  });
});
