import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["constructs", "compose", "stacks", "delivery"];
const IMPORT = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gm;

/** Runtime imports between the source modules: `import type` and all-type specifier lists are erased by the compiler. */
function runtimeGraph(): Map<string, Set<string>> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  for (const d of DIRS) if (existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const deps = new Set<string>();
    for (const [, typeOnly, specifiers = "", from = ""] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (typeOnly || !from.startsWith(".")) continue;
      const list = /^\{([\s\S]*)\}$/.exec(specifiers.trim())?.[1];
      const names = list
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (names?.every((n) => n.startsWith("type "))) continue;
      const target = path.resolve(path.dirname(file), from);
      if (existsSync(`${target}.ts`)) deps.add(`${target}.ts`);
      else if (existsSync(path.join(target, "index.ts"))) deps.add(path.join(target, "index.ts"));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop() as string;
      component.push(path.relative(ROOT, w));
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("module structure", () => {
  it("has no runtime import circle among constructs/, compose/, stacks/ and delivery/", () => {
    const graph = runtimeGraph();
    expect(graph.size).toBeGreaterThan(40);
    expect(circles(graph)).toEqual([]);
  });

  it("finds a circle when there is one (the check itself works)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(circles(graph).map((c) => c.length)).toEqual([3]);
  });
});
