import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isGenerated } from "../stacks/generated-files";

/**
 * The shape the code keeps as it grows (docs/layout.md):
 * - no import circle among the project's modules, type imports included: a reader follows the
 *   graph from the model outwards and never comes back;
 * - imports between the top-level folders go one way (LAYERS), and inside constructs/ the model
 *   rooms know nothing of Terraform (MODEL_ROOMS);
 * - rooms a newcomer can read: no folder of hand-written source over MAX_FILES files, no file over
 *   MAX_LINES lines, and every folder named in docs/layout.md.
 * Generated files (the bundles, workflows) are exempt: they carry the generated marker.
 */
const root = path.resolve(__dirname, "..");
const SOURCE_FOLDERS = ["constructs", "compose", "stacks", "delivery", "diagrams", "bench", "bin", "test", "examples", ".ci"];
const MAX_LINES = 300;
const MAX_FILES = 12;

/**
 * Top-level folders from the bottom up: a module imports only from its own layer or below.
 * The model and its Terraform constructs; the bundle renderer; the workflow renderer; the
 * pictures (they draw all three); the wiring; the entry point. Configs (servarr.config.ts, examples/) and the benchmark sit on top.
 */
const LAYERS = ["wire job", "constructs", "compose", "delivery", "diagrams", "stacks", "main.ts", "configs", "bench"] as const;
/** constructs/ rooms from the bottom up: a room imports only from itself and the rooms before it. */
const ROOMS = [
  "config",
  "model",
  "runtime",
  "wiring",
  "validation",
  "terraform",
  "terraform-cloud",
  "github",
  "google",
  "cloudflare",
  "host",
  "catalog",
] as const;
/** The rooms that are the model (plain data, derivations and rules): the first five. */
const MODEL_ROOMS = ROOMS.slice(0, 5);
/** Packages that are Terraform (or the construct tree it lives in): no model room imports them. */
const TERRAFORM_PACKAGES = /^(cdktf|@cdktf\/|constructs$)/;

function walk(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(rel);
    return [rel];
  });
}

// Generated as synth decides it: the marker is a comment among a file's first lines (a renderer that names the marker is not).
const isGeneratedFile = (f: string) => isGenerated(readFileSync(path.join(root, f), "utf8"));
const sources = [...SOURCE_FOLDERS.flatMap(walk), "main.ts", "servarr.config.ts"].filter(
  (f) => /\.(ts|cjs|mjs|js|sh)$/.test(f) || f === ".ci/run",
);
// Not servarr.config.ts in the size rules: it is the user's, and may be as long as their list of apps.
const handWritten = sources.filter((f) => f !== "servarr.config.ts" && !isGeneratedFile(f));
// Hand-written modules: a generated copy (a bundle's wire/ job) is its source's shape, checked there.
const modules = sources.filter((f) => f.endsWith(".ts") && !f.startsWith("test/") && !isGeneratedFile(f));

/** Every relative import of a TypeScript file (`import type` included), resolved to a project file. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"|import\("(\.{1,2}\/[^"]+)"\)/gms)) {
    const target = m[1] ?? m[2] ?? "";
    const base = path.normalize(path.join(path.dirname(file), target)).replace(/\.js$/, "");
    const candidates = base.endsWith(".ts") ? [base] : [`${base}.ts`, path.join(base, "index.ts")];
    out.push(candidates.find((c) => sources.includes(c)) ?? candidates[0] ?? base);
  }
  return out;
}

/** Package imports of a TypeScript file (bare specifiers). */
function packageImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"([^."][^"]*)"/gms)].map((m) => m[1] ?? "");
}

/** compose/wire/ is a program of its own (run on the host, imports nothing of the project): the lowest layer; the wiring plan's types are its. */
const layerOf = (f: string): string =>
  f.startsWith("compose/wire/")
    ? "wire job"
    : f === "servarr.config.ts" || f.startsWith("examples/")
      ? "configs"
      : f.includes("/")
        ? (f.split("/")[0] ?? f)
        : f;
const roomOf = (f: string): string | undefined => (f.startsWith("constructs/") ? f.split("/")[1] : undefined);

function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === "open") found.push([...stack.slice(stack.indexOf(t)), t].join(" -> "));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe("code structure", () => {
  it(`no hand-written source file is over ${MAX_LINES} lines`, () => {
    const long = handWritten
      .map((f) => [f, readFileSync(path.join(root, f), "utf8").split("\n").length - 1] as const)
      .filter(([, n]) => n > MAX_LINES)
      .map(([f, n]) => `${f}: ${n}`);
    expect(long).toEqual([]);
  });

  it(`no folder of hand-written source holds more than ${MAX_FILES} files (rooms by concern instead)`, () => {
    const perDir = new Map<string, number>();
    for (const f of handWritten) perDir.set(path.dirname(f), (perDir.get(path.dirname(f)) ?? 0) + 1);
    expect([...perDir].filter(([, n]) => n > MAX_FILES).map(([d, n]) => `${d}: ${n}`)).toEqual([]);
  });

  it("no import circle among the project's modules, type imports included", () => {
    const graph = new Map(modules.map((f) => [f, imports(f).filter((t) => modules.includes(t))]));
    expect(cycles(graph)).toEqual([]);
  });

  it(`imports between top-level folders go one way: ${LAYERS.join(" <- ")}`, () => {
    const wrong = modules.flatMap((f) =>
      imports(f)
        .filter((t) => modules.includes(t) && LAYERS.indexOf(layerOf(t) as never) > LAYERS.indexOf(layerOf(f) as never))
        .map((t) => `${f} -> ${t}`),
    );
    expect(wrong).toEqual([]);
  });

  it(`constructs/ rooms import only downwards: ${ROOMS.join(" <- ")}`, () => {
    const at = (f: string) => ROOMS.indexOf(roomOf(f) as never);
    const wrong = modules
      .filter((f) => roomOf(f) !== undefined)
      .flatMap((f) =>
        imports(f)
          .filter((t) => modules.includes(t) && layerOf(t) !== "wire job" && (at(t) < 0 || at(t) > at(f)))
          .map((t) => `${f} -> ${t}`),
      );
    expect(wrong).toEqual([]);
    expect(ROOMS.filter((r) => !modules.some((f) => roomOf(f) === r))).toEqual([]); // every room exists
    expect(modules.filter((f) => roomOf(f) !== undefined && at(f) < 0)).toEqual([]); // every file is in a room
  });

  it(`the model rooms (constructs/{${MODEL_ROOMS.join(",")}}) import no Terraform package: the model knows nothing of Terraform`, () => {
    const wrong = modules
      .filter((f) => MODEL_ROOMS.includes(roomOf(f) as never))
      .flatMap((f) =>
        packageImports(f)
          .filter((p) => TERRAFORM_PACKAGES.test(p))
          .map((p) => `${f} -> ${p}`),
      );
    expect(wrong).toEqual([]);
  });

  it("every folder of hand-written source is named in docs/layout.md", () => {
    const readme = readFileSync(path.join(root, "docs/layout.md"), "utf8");
    const layout = readme.slice(readme.indexOf("## The repository"));
    const dirs = [...new Set(handWritten.map((f) => path.dirname(f)).filter((d) => d !== "." && d !== ".ci"))];
    const named = (d: string) => layout.includes(`${path.basename(d)}/`);
    expect(dirs.filter((d) => !named(d)).sort()).toEqual([]);
  });

  it("the scanners see imports (controls: the hosts module imports the Host; a model room file imports its room below)", () => {
    expect(imports("stacks/hosts.ts")).toContain(path.normalize("constructs/host/host.ts"));
    expect(imports("constructs/runtime/network.ts")).toContain(path.normalize("constructs/model/host-model.ts"));
    expect(packageImports("constructs/host/host.ts")).toContain("cdktf");
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["a"]],
        ]),
      ),
    ).toEqual(["a -> b -> a"]);
  });
});
