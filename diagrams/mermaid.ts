/**
 * The few pieces of Mermaid flowchart syntax the diagrams use, in one place so that every label
 * is quoted and escaped the same way. GitHub renders a ```mermaid block in any Markdown file;
 * the tests parse every generated diagram with Mermaid's own parser (test/diagrams/).
 */

/**
 * A quoted node or edge label. Inside `"…"` Mermaid reads `#name;` as an entity, so `#` and the
 * characters that would end the string or open HTML become entity codes; lines join with `<br/>`.
 */
export function label(...lines: readonly string[]): string {
  const entities = (text: string) =>
    text.replaceAll("#", "#35;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;").replaceAll("\n", " ");
  return `"${lines.map(entities).join("<br/>")}"`;
}

/**
 * A node id from a name: letters, digits and `_` only (`-` becomes `_`: app names are DNS labels,
 * job ids never hold a `-`), with a prefix so that no id is one of Mermaid's keywords (`end`,
 * `subgraph`, `style`, …: an app may be called `end`).
 */
export function nodeId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, (c) => (c === "-" ? "_" : `_${c.charCodeAt(0).toString(16)}_`))}`;
}

/** A fenced Mermaid block, as GitHub renders it. */
export function mermaidBlock(lines: readonly string[]): string {
  return ["```mermaid", ...lines, "```"].join("\n");
}
