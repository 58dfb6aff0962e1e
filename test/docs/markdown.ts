import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import GithubSlugger from "github-slugger";
import { Lexer, type Token, type Tokens, walkTokens } from "marked";

/** The repository root, where README.md and docs/ live. */
export const root = path.resolve(__dirname, "../..");

/** The hand-written and generated documentation pages: the README and every Markdown file under docs/. */
export function docPages(): string[] {
  const docs = readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs.sort()];
}

export function tokens(page: string): Token[] {
  return Lexer.lex(readFileSync(path.join(root, page), "utf8"));
}

/** Every link target of a page (inline links and images, in tables and lists too; not in code). */
export function links(page: string): string[] {
  const out: string[] = [];
  walkTokens(tokens(page), (t) => {
    if (t.type === "link" || t.type === "image") out.push((t as Tokens.Link).href);
  });
  return out;
}

/** The text of a heading as GitHub renders it (code spans without backticks, links as their text). */
function plain(list: readonly Token[] | undefined): string {
  return (list ?? [])
    .map((t) => {
      if ("tokens" in t && t.tokens && t.type !== "codespan") return plain(t.tokens);
      if (t.type === "text" || t.type === "codespan" || t.type === "escape") return decode((t as Tokens.Text).text);
      return "";
    })
    .join("");
}

function decode(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}

/**
 * The anchors GitHub gives a page's headings: github-slugger, the implementation of GitHub's rule
 * (lower case, punctuation dropped, spaces to `-`, a repeated slug numbered `-1`, `-2`, …).
 */
export function anchors(page: string): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  for (const t of tokens(page)) if (t.type === "heading") out.add(slugger.slug(plain((t as Tokens.Heading).tokens)));
  return out;
}

/** The fenced code blocks of a page, with their language. */
export function codeBlocks(page: string): Array<{ lang: string; text: string }> {
  const out: Array<{ lang: string; text: string }> = [];
  walkTokens(tokens(page), (t) => {
    if (t.type === "code") out.push({ lang: (t as Tokens.Code).lang ?? "", text: (t as Tokens.Code).text });
  });
  return out;
}

/** The Markdown text of one section: from its heading to the next heading of the same or a higher level. */
export function section(page: string, heading: RegExp): string {
  const text = readFileSync(path.join(root, page), "utf8");
  const lines = text.split("\n");
  let fence = false;
  const headings = lines.map((line) => {
    if (line.startsWith("```")) fence = !fence;
    return !fence && /^#{1,6} /.test(line) ? (/^#+/.exec(line)?.[0].length ?? 0) : 0;
  });
  const start = lines.findIndex((line, i) => (headings[i] ?? 0) > 0 && heading.test(line));
  if (start < 0) throw new Error(`${page}: no heading matches ${heading}`);
  const level = headings[start] ?? 0;
  const end = headings.findIndex((h, i) => i > start && h > 0 && h <= level);
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}
