import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mermaidBlocks, parseMermaid } from "../diagrams/mermaid-parser";
import { anchors, codeBlocks, docPages, links, root } from "./markdown";

/** Broken relative links of a page: a missing file, or an anchor no heading of the target has. */
function brokenLinks(page: string, targets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check offline
    const [file = "", anchor] = target.split("#", 2);
    const resolved = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file)));
    if (resolved.startsWith("..") || !existsSync(path.join(root, resolved))) {
      problems.push(`${page}: ${target}: no file ${resolved}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith(".md") || statSync(path.join(root, resolved)).isDirectory())
      problems.push(`${page}: ${target}: an anchor into a file that is not a Markdown page`);
    else if (!anchors(resolved).has(anchor)) problems.push(`${page}: ${target}: ${resolved} has no heading with the anchor #${anchor}`);
  }
  return problems;
}

describe("the README is the front door", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");

  it("is short: at most 250 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(250);
  });

  it("leads to every page under docs/", () => {
    const linked = new Set(links("README.md").map((l) => l.split("#")[0]));
    for (const page of docPages().filter((p) => p !== "README.md")) expect(linked, page).toContain(page);
  });
});

describe("links between the README and docs/ (relative links and GitHub's heading anchors)", () => {
  it.each(docPages())("%s: every relative link names a file that exists, and an anchor its headings have", (page) => {
    expect(brokenLinks(page, links(page))).toEqual([]);
  });

  it("the checker has teeth: a missing page, a missing anchor, an anchor into a script are reported", () => {
    expect(brokenLinks("docs/setup.md", ["operations.md#backups", "#1-accounts", "../README.md#the-catalog"])).toEqual([]);
    expect(brokenLinks("docs/setup.md", ["operation.md", "operations.md#backup", "#accounts", "../compose/scripts/setup.sh#x"])).toEqual([
      "docs/setup.md: operation.md: no file docs/operation.md",
      "docs/setup.md: operations.md#backup: docs/operations.md has no heading with the anchor #backup",
      "docs/setup.md: #accounts: docs/setup.md has no heading with the anchor #accounts",
      "docs/setup.md: ../compose/scripts/setup.sh#x: an anchor into a file that is not a Markdown page",
    ]);
  });

  it("anchors follow GitHub's slugs: punctuation dropped, code spans as their text", () => {
    expect(anchors("docs/configure.md")).toContain("the-catalogs-presets-in-detail");
    expect(anchors("docs/setup.md")).toContain("5-credentials-least-privilege");
    expect(anchors("docs/security.md")).toContain("firewall-default-deny-and-the-docker-trap");
  });
});

describe("every Mermaid picture of the README and docs/ parses with Mermaid's own parser", () => {
  it.each(docPages().filter((p) => codeBlocks(p).some((b) => b.lang === "mermaid")))("%s", async (page) => {
    const blocks = mermaidBlocks(readFileSync(path.join(root, page), "utf8"));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(await parseMermaid(block), block).toEqual({ type: "flowchart-v2" });
  });
});
