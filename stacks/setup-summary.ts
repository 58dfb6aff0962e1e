import type { SynthResult } from "./synth";

/**
 * What the owner types by hand during first-time setup, read from the synthesized stacks:
 * the values for the Google OAuth client (a console step) and the bootstrap stack's inputs.
 */
export function setupSummary(result: SynthResult): string[] {
  const lines: string[] = [];
  const outputs = (result.stacks.get("servarr")?.output ?? {}) as Record<string, { value?: unknown }>;
  const origin = outputs.google_oauth_javascript_origin?.value;
  const redirect = outputs.google_oauth_redirect_uri?.value;
  if (typeof origin === "string" && typeof redirect === "string")
    lines.push(
      "",
      "Google OAuth client (Web application, created in the console):",
      `  Authorized JavaScript origin: ${origin}`,
      `  Authorized redirect URI:      ${redirect}`,
    );
  const inputs = Object.keys(result.stacks.get("bootstrap")?.variable ?? {}).sort();
  if (inputs.length > 0) lines.push("", `bootstrap inputs (sensitive): ${inputs.map((n) => `TF_VAR_${n}`).join(" ")}`);
  return lines;
}
