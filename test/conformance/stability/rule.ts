/**
 * Why a second plan after the first apply changes nothing, one entry per resource type: the
 * rule of the pinned provider's Read (or plan modifier) that keeps each attribute we set equal
 * to what the provider stores, and a check that the synthesized configuration stays inside
 * that rule. Read at the tags, like the validator tables (rules.ts).
 *
 * Cloudflare v5 resources share one Read shape: `apijson.Unmarshal` of the whole API object
 * over the state; every field is overwritten, a field the API omits becomes null, and only
 * fields tagged `no_refresh` are kept (cloudflare/terraform-provider-cloudflare@v5.14.0:
 * internal/apijson/decoder.go ~30, ~1044, ~1137). So whatever we set must be what the API
 * returns, in the API's own form, or be kept by the resource's own normalization.
 */
import type { TerraformJson } from "../../../delivery/stacks";

export type Json = Record<string, unknown>;
export interface StabilityRule {
  /** owner/repo@tag:path of the Read or plan modifier relied on. */
  readonly source: string;
  /** The rule, in one sentence. */
  readonly rule: string;
  /** Problems with one synthesized resource of the type (empty: the rule keeps it stable). */
  readonly check: (resource: Json, json: TerraformJson) => string[];
}

export const CF = "cloudflare/terraform-provider-cloudflare@v5.14.0:internal/services";
export const GH = "integrations/terraform-provider-github@v6.9.0:github";
export const GO = "hashicorp/terraform-provider-google@v6.50.0:google/services";
export const TFE = "hashicorp/terraform-provider-tfe@v0.71.0:internal/provider";
export const RND = "hashicorp/terraform-provider-random@v3.7.2:internal/provider";

export const isExpression = (v: unknown) => typeof v === "string" && v.includes("${");
export const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : v && typeof v === "object" ? [v as Json] : []);
export const when = (ok: boolean, problem: string) => (ok ? [] : [problem]);
export const ignored = (r: Json) => ((r.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []) as string[];
export const triggers = (r: Json) =>
  ((r.lifecycle as { replace_triggered_by?: string[] } | undefined)?.replace_triggered_by ?? []) as string[];
