import { readFileSync } from "node:fs";
import path from "node:path";
import { BUNDLE_ROOT, SCRIPTS_DIR } from "../../constructs/config/layout";
import { generatedFrom, generatedMarker } from "./render";
import { repositorySourceDir } from "./source-dir";

/**
 * The static host scripts are real files under `compose/scripts/` (shellchecked
 * as sources); the bundle carries them verbatim with the generated marker after the shebang.
 * What differs per host is data: `bundle.env` (shell assignments rendered from the model),
 * which the scripts source from their own directory.
 */
const SHELL_DIR = repositorySourceDir(path.join(BUNDLE_ROOT, SCRIPTS_DIR), "setup.sh");

const sources = new Map<string, string>();

/** The text of `compose/scripts/<name>` as committed. */
export function shellSource(name: string): string {
  let text = sources.get(name);
  if (text === undefined) {
    if (SHELL_DIR === undefined) throw new Error(`compose/scripts/${name}: the compose/scripts/ directory of the repository was not found`);
    text = readFileSync(path.join(SHELL_DIR, name), "utf8");
    sources.set(name, text);
  }
  return text;
}

/**
 * `compose/scripts/<name>` as the bundle carries it: the source verbatim, the generated marker after its
 * shebang (first, without one), then `data` (only for a script that runs without its bundle).
 */
export function bundledScript(name: string, data: readonly string[] = []): string {
  const source = shellSource(name);
  const marker = generatedFrom("#", `compose/scripts/${name}`);
  if (!source.startsWith("#!")) return `${[marker, ...data].join("\n")}\n${source}`;
  const eol = source.indexOf("\n");
  return `${[source.slice(0, eol), marker, ...data].join("\n")}\n${source.slice(eol + 1)}`;
}

/** The one line of a source that starts with `start` (a one-line function, an assignment). */
export function sourceLine(name: string, start: string): string {
  const line = shellSource(name)
    .split("\n")
    .find((l) => l.startsWith(start));
  if (line === undefined) throw new Error(`compose/scripts/${name}: no line starts with ${JSON.stringify(start)}`);
  return line;
}

/** Single-quoted for the shell (values are validated, this keeps them inert anyway). */
export function shellQuote(value: string | number): string {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}

/** A value of bundle.env: a word, an array (one row of words per line) or an associative array. */
export type ShellValue = string | number | ReadonlyArray<ReadonlyArray<string | number>> | ReadonlyMap<string, string | number>;

export interface ShellVar {
  readonly name: string;
  readonly value: ShellValue;
  /** What reads it and what it means, written above it. */
  readonly doc?: string;
}

/** Integers stay bare (as bash reads them either way), everything else is single-quoted. */
const word = (v: string | number) => (typeof v === "number" ? String(v) : shellQuote(v));

/** `name=value` lines; arrays one row per line, so a diff shows one fact per line. */
export function renderAssignment(v: ShellVar): string {
  const doc = v.doc ? `# ${v.doc}\n` : "";
  if (typeof v.value === "string" || typeof v.value === "number") return `${doc}${v.name}=${word(v.value)}`;
  if (v.value instanceof Map) {
    const rows = [...v.value].map(([k, x]) => `  [${k}]=${word(x)}`);
    return `${doc}declare -A ${v.name}=(${rows.length ? `\n${rows.join("\n")}\n` : ""})`;
  }
  const rows = (v.value as ReadonlyArray<ReadonlyArray<string | number>>).map((r) => `  ${r.map(word).join(" ")}`);
  return `${doc}${v.name}=(${rows.length ? `\n${rows.join("\n")}\n` : ""})`;
}

/** bundle.env: the data the bundle's scripts source, in sections. */
export function renderBundleEnv(sections: ReadonlyArray<{ title: string; vars: readonly ShellVar[] }>): string {
  const head = [
    generatedMarker("#"),
    "# shellcheck shell=bash",
    "# Data for the bundle's scripts (from compose/scripts/, copied verbatim), which source this file from",
    "# their own directory: shell assignments only, every string single-quoted.",
  ];
  const body = sections.filter((s) => s.vars.length > 0).map((s) => [`\n# --- ${s.title}`, ...s.vars.map(renderAssignment)].join("\n"));
  return `${[...head, ...body].join("\n")}\n`;
}
