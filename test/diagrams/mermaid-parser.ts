/**
 * Mermaid's own parser, as GitHub's renderer runs it. `mermaid` is a browser library: its text
 * sanitizer (DOMPurify) needs a window, so a happy-dom window stands in before mermaid loads.
 * Loaded once per test file, on first use (~1.5 s), and never by synth: only tests import this.
 */
type Mermaid = { parse(text: string): Promise<{ diagramType: string }> };
let loaded: Promise<Mermaid> | undefined;

function load(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { Window } = await import("happy-dom");
    const window = new Window();
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import("mermaid")).default as unknown as Mermaid;
    return mermaid;
  })();
  return loaded;
}

/** The diagram's type when Mermaid parses it; Mermaid's own error message otherwise. */
export async function parseMermaid(text: string): Promise<{ type?: string; error?: string }> {
  const mermaid = await load();
  try {
    return { type: (await mermaid.parse(text)).diagramType };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Every ```mermaid block of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}
