import type { Violation } from "./rules";

type Json = unknown;
const isSet = (v: Json) => v !== undefined && v !== null;

/**
 * Across resources: a zone (or account) has one entry-point ruleset per phase; kinds "zone" and
 * "root" are entry points (the API refuses a second; the provider's sweeper in
 * cloudflare/terraform-provider-cloudflare@v5.14.0:internal/services/ruleset/ruleset_test.go
 * sorts them so). Two constructs that each add one for the same phase would fail at apply.
 */
export function entryPointProblems(json: { resource?: Record<string, Record<string, Json>> }): Violation[] {
  const seen = new Map<string, string>();
  const violations: Violation[] = [];
  for (const [name, config] of Object.entries(json.resource?.cloudflare_ruleset ?? {})) {
    const r = config as { kind?: string; phase?: string; zone_id?: string; account_id?: string };
    if (r.kind !== "zone" && r.kind !== "root") continue;
    const key = `${r.zone_id ?? r.account_id} ${r.phase}`;
    const first = seen.get(key);
    if (first)
      violations.push({
        address: `cloudflare_ruleset.${name}`,
        problem: `a second entry-point ruleset for phase ${r.phase} (the first is ${first}): add rules to that one`,
        source: "cloudflare/terraform-provider-cloudflare@v5.14.0:internal/services/ruleset",
      });
    else seen.set(key, `cloudflare_ruleset.${name}`);
  }
  return violations;
}

/** A bare resource address, the only form Terraform's JSON syntax takes in replace_triggered_by. */
const ADDRESS = /^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/;

/**
 * Lifecycle meta-arguments Terraform itself checks: replace_triggered_by names resources of the
 * same stack as bare addresses; ignore_changes names attributes the resource sets.
 */
export function lifecycleProblems(json: {
  resource?: Record<string, Record<string, Json>>;
  data?: Record<string, Record<string, Json>>;
  import?: unknown;
}): Violation[] {
  const violations: Violation[] = [];
  const source = "hashicorp/terraform v1.11 (checked with terraform validate on terraform_data stand-ins)";
  const exists = (address: string) => {
    const [type, name] = address.split(".");
    return type !== undefined && name !== undefined && json.resource?.[type]?.[name] !== undefined;
  };
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const [name, config] of Object.entries(byName)) {
      const resource = config as Record<string, Json> & { lifecycle?: { ignore_changes?: unknown; replace_triggered_by?: unknown } };
      const address = `${type}.${name}`;
      for (const ref of (resource.lifecycle?.replace_triggered_by as string[] | undefined) ?? [])
        if (!ADDRESS.test(ref) || !exists(ref))
          violations.push({
            address,
            problem: `replace_triggered_by ${JSON.stringify(ref)} is not the bare address of a resource in this stack`,
            source,
          });
      for (const ref of (resource.depends_on as string[] | undefined) ?? []) {
        const data = ref.startsWith("data.");
        const [t, n] = (data ? ref.slice(5) : ref).split(".");
        const known = data ? json.data?.[t as string]?.[n as string] !== undefined : exists(ref);
        if (!ADDRESS.test(data ? ref.slice(5) : ref) || !known)
          violations.push({
            address,
            problem: `depends_on ${JSON.stringify(ref)} is not the bare address of a resource in this stack`,
            source,
          });
      }
      const ignored = resource.lifecycle?.ignore_changes;
      for (const attr of Array.isArray(ignored) ? (ignored as string[]) : [])
        if (!isSet(resource[attr.split(/[.[]/)[0] as string]))
          violations.push({
            address,
            problem: `ignore_changes ${JSON.stringify(attr)} names an attribute the resource does not set`,
            source,
          });
    }
  for (const block of Array.isArray(json.import) ? (json.import as Array<{ to?: string }>) : [])
    if (!block.to || !ADDRESS.test(block.to) || !exists(block.to))
      violations.push({ address: "import", problem: `import to ${JSON.stringify(block.to)} is not a resource of this stack`, source });
  return violations;
}
