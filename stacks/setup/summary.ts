import { durationHours, EXPIRY_WARNING_DAYS } from "../../constructs/cloudflare/service-tokens";
import { DNSSEC_DS_OUTPUT } from "../../constructs/cloudflare/zone-hardening";
import { permissionLines } from "../permissions";
import type { SynthResult } from "../synth";

/**
 * What the owner does by hand, read from the synthesized stacks: the credentials to create
 * (derived from the resource types used), the values for the Google OAuth client (a console
 * step), the bootstrap stack's inputs, the DS record to publish and when the service tokens
 * expire.
 */
export function setupSummary(result: SynthResult): string[] {
  const lines: string[] = [...permissionLines(result.stacks)];
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
  if (DNSSEC_DS_OUTPUT in outputs)
    lines.push(
      "",
      "DNSSEC: stays pending until the DS record is at your registrar (unless Cloudflare is the registrar).",
      `  After the first apply: terraform output -raw ${DNSSEC_DS_OUTPUT} (servarr workspace), add it at the registrar.`,
    );
  for (const host of result.hosts) {
    const tokens = host.serviceTokens.all;
    if (tokens.length === 0) continue;
    lines.push(
      "",
      `service tokens of ${host.name} (Cloudflare rejects an expired token; renew before: docs/operations.md, service tokens):`,
    );
    for (const t of tokens)
      lines.push(
        `  ${t.name}: valid ${t.duration} (${Math.floor(durationHours(t.duration) / 24)} days) from creation; ` +
          `date: terraform output -raw service_token_${t.name.replace(/-/g, "_")}_expires_at`,
      );
    lines.push(`  the token-expiry workflow fails daily from ${EXPIRY_WARNING_DAYS} days before an expiry (GitHub emails the owner)`);
  }
  return lines;
}
