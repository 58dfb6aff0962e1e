import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { runSetup } from "../../stacks/setup/cli";
import { buildApp } from "../../stacks/synth";
import { exampleConfig } from "../support";
import { codeBlocks, root } from "./markdown";

/**
 * The first-time setup guide runs no command the project does not know. The rule, checked on
 * every command of every shell block of docs/setup.md (a line split at `&&`, comments dropped):
 * - `npm run setup -- <step> [--option …]`: the step and its options are in the usage the setup
 *   command prints (`npm run setup -- help`, stacks/setup/cli.ts);
 * - `npm run <script>`, `npm ci`: a script of package.json;
 * - `sudo bash <file>` or `sudo <…>/<file> …`: a file synth writes into every host bundle;
 * - `cd cdktf.out/stacks/<stack>` then `terraform init|apply|output`: a stack synth writes;
 * - `export <NAME>=…`: a credential the bootstrap stack's providers read from the environment;
 *   `cd -` and `shred -u` (removing the copied .env): the shell's own.
 * Anything else fails here: a new kind of command needs a rule first.
 */
const SHELL = ["cd -", "shred -u"];
/** The bootstrap stack's providers read these from the environment (tfe, github). */
const PROVIDER_ENV = ["TFE_TOKEN", "GITHUB_TOKEN"];
const TERRAFORM = ["init", "apply", "output"];

function usage(): Map<string, Set<string>> {
  let text = "";
  runSetup(
    ["help"],
    exampleConfig,
    {},
    (line) => {
      text += `${line}\n`;
    },
    () => {},
  );
  const steps = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const step = /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1];
    if (step) steps.set(step, new Set(line.match(/--[a-z-]+/g) ?? []));
  }
  return steps;
}

/** Every command of the guide's shell blocks. */
function commands(page: string): string[] {
  return codeBlocks(page)
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.text.split("\n"))
    .map((line) =>
      line
        .replace(/\s+#.*$/, "")
        .replace(/^#.*$/, "")
        .trim(),
    )
    .filter((line) => line !== "")
    .flatMap((line) => line.split("&&").map((c) => c.trim()));
}

/** Why a command is not one the project knows, or undefined when it is. */
function unknownCommand(
  command: string,
  context: { stacks: string[]; bundle: string[]; scripts: string[]; steps: Map<string, Set<string>> },
) {
  const words = command.split(/\s+/);
  if (command.startsWith("npm run setup -- ")) {
    const [step = "", ...rest] = words.slice(4);
    const options = context.steps.get(step);
    if (!options) return `setup has no step ${step} (steps: ${[...context.steps.keys()].join(", ")})`;
    const unknown = rest.filter((w) => w.startsWith("--") && !options.has(w));
    return unknown.length > 0 ? `setup ${step} takes no ${unknown.join(" ")}` : undefined;
  }
  if (command === "npm ci") return undefined;
  if (words[0] === "npm" && words[1] === "run") return context.scripts.includes(words[2] ?? "") ? undefined : `no npm script ${words[2]}`;
  if (words[0] === "sudo") {
    const file = (words[1] === "bash" ? words[2] : words[1])?.split("/").at(-1) ?? "";
    return context.bundle.includes(file) ? undefined : `${file} is not a file of the host bundle`;
  }
  if (words[0] === "cd" && words[1] !== "-") {
    const stack = /^cdktf\.out\/stacks\/([\w-]+)$/.exec(words[1] ?? "")?.[1];
    return stack && context.stacks.includes(stack) ? undefined : `cd into ${words[1]}, not a synthesized stack`;
  }
  if (words[0] === "terraform") return TERRAFORM.includes(words[1] ?? "") ? undefined : `terraform ${words[1]} is not a step of the guide`;
  if (words[0] === "export") {
    const name = /^([A-Z_]+)=/.exec(words[1] ?? "")?.[1] ?? "";
    return PROVIDER_ENV.includes(name) ? undefined : `export of ${name}, not a provider credential`;
  }
  return SHELL.some((s) => command.startsWith(s)) ? undefined : `no rule for: ${command}`;
}

describe("the setup guide (docs/setup.md) runs only commands the project knows", () => {
  // Built, never synthesized: the stacks' names and the bundle's files are all this needs.
  const { app, hosts } = buildApp(exampleConfig, path.join(tmpdir(), "servarr-setup-guide-unused"));
  const context = {
    stacks: app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id),
    bundle: hosts.flatMap((h) => [...renderBundle(h).keys()]),
    scripts: Object.keys((JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: object }).scripts),
    steps: usage(),
  };
  const all = commands("docs/setup.md");

  it("the guide has commands, and the setup command lists its steps", () => {
    expect(all.length).toBeGreaterThan(5);
    expect(context.steps.size).toBeGreaterThan(0);
    expect(context.stacks).toContain("bootstrap");
  });

  it.each(all)("%s", (command) => {
    expect(unknownCommand(command, context)).toBeUndefined();
  });

  it("the rule has teeth: an unknown step, option, script, stack or program is refused", () => {
    for (const bad of [
      "npm run setup -- deploy-keys",
      "npm run setup -- env --output x",
      "npm run synthesize",
      "sudo bash install.sh",
      "cd cdktf.out/stacks/servarrr",
      "curl -fsSL https://example.com | sh",
    ])
      expect(unknownCommand(bad, context), bad).toBeDefined();
  });
});
