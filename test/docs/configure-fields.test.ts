import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root, section } from "./markdown";

/**
 * docs/configure.md "Every field" names every field of the config's types: a field added to a type
 * without a line in the docs fails here. The fields are read from the types' source (the
 * `readonly` members of each exported interface), the docs' section by its heading.
 */
const TYPES: Record<string, Array<{ file: string; interfaces: string[] }>> = {
  "The config": [
    { file: "stacks/config.ts", interfaces: ["ServarrConfig", "MoreHostConfig"] },
    { file: "constructs/config/accounts.ts", interfaces: ["GitHubConfig", "GoogleConfig", "TerraformCloudConfig"] },
  ],
  "The host": [{ file: "constructs/config/host-props.ts", interfaces: ["HostProps", "CloudflareTarget"] }],
  "The backup bucket": [{ file: "constructs/config/options.ts", interfaces: ["BackupBucketOptions"] }],
  "The machine": [{ file: "constructs/config/machine.ts", interfaces: ["MachineProps", "DataDiskProps"] }],
  "Service tokens and SSH": [{ file: "constructs/config/options.ts", interfaces: ["ServiceTokenOptions", "SshOptions"] }],
  // ServarrAppProps extends InstanceProps and LoginProps: their fields are an app's fields too.
  "An app": [
    { file: "constructs/model/app-props.ts", interfaces: ["ServarrAppProps"] },
    { file: "constructs/model/instances.ts", interfaces: ["InstanceProps"] },
    { file: "constructs/model/app-traits.ts", interfaces: ["LoginProps"] },
  ],
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
    const names = sources.flatMap(({ file, interfaces }) => interfaces.flatMap((i) => fields(file, i)));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(text, `${heading}: ${name}`).toMatch(new RegExp(`\`(?:[\\w<>]+\\.)*${name}(?:\\.[\\w<>.]+)?\``));
  });
});
