/**
 * Provider validators as data. Each entry encodes what the pinned provider version checks
 * before any API call (and a few constraints its schema documents that the API enforces),
 * so a config that would fail `terraform validate` or plan fails here first, offline.
 * Paths are attribute names joined by "."; lists and sets are walked element by element.
 * A value that is a Terraform expression ("${…}") is unknown until plan: value rules skip
 * it, as the providers' validators skip unknown values; presence rules still count it.
 */
export type Rule =
  /** Must be set (on every object at the parent path that exists). */
  | { readonly kind: "required"; readonly path: string }
  /** Computed by the provider: setting it is an error. */
  | { readonly kind: "computedOnly"; readonly path: string }
  /** String enum (OneOf / OneOfCaseInsensitive / StringInSlice / ValidateEnum). */
  | { readonly kind: "oneOf"; readonly path: string; readonly values: readonly string[]; readonly caseInsensitive?: boolean }
  /** Set only together with these siblings (AlsoRequires / RequiredWith). */
  | { readonly kind: "alsoRequires"; readonly path: string; readonly siblings: readonly string[] }
  /** Never together with these siblings (ConflictsWith). */
  | { readonly kind: "conflictsWith"; readonly path: string; readonly siblings: readonly string[] }
  /** Exactly one of these siblings (ExactlyOneOf); `parent` is where they live ("" = the resource). */
  | { readonly kind: "exactlyOneOf"; readonly parent: string; readonly siblings: readonly string[] }
  /** At least one of these siblings (AtLeastOneOf). */
  | { readonly kind: "atLeastOneOf"; readonly parent: string; readonly siblings: readonly string[] }
  /** String regex (RegexMatches / StringMatch). */
  | { readonly kind: "regex"; readonly path: string; readonly pattern: RegExp }
  /** Number range, inclusive (Between / AtLeast / IntBetween). */
  | { readonly kind: "range"; readonly path: string; readonly min?: number; readonly max?: number }
  /** Set only when a root attribute has one of these values (RequiresOtherStringAttributeToBeOneOf). */
  | { readonly kind: "requiresRoot"; readonly path: string; readonly root: string; readonly values: readonly string[] }
  /** An object that sets at most this many of its attributes (ObjectSizeAtMost). */
  | { readonly kind: "objectSizeAtMost"; readonly path: string; readonly max: number }
  /** A list with at least this many elements (MinItems). */
  | { readonly kind: "minItems"; readonly path: string; readonly min: number };

export interface TypeRules {
  /** Where the rules were read: owner/repo@tag:path (the schema of the pinned provider). */
  readonly source: string;
  readonly rules: readonly Rule[];
}

/** Every resource and data-source type of one provider that servarr may synthesize. */
export interface ProviderTable {
  readonly resources: Readonly<Record<string, TypeRules>>;
  readonly dataSources: Readonly<Record<string, TypeRules>>;
}

type Json = unknown;
const META = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"]);

const isSet = (v: Json) => v !== undefined && v !== null;
const isExpression = (v: Json) => typeof v === "string" && v.includes("${");
const asObjects = (v: Json): Record<string, Json>[] =>
  Array.isArray(v) ? v.flatMap(asObjects) : v !== null && typeof v === "object" ? [v as Record<string, Json>] : [];

/** Every object found at `path` below `root` ("" = root itself), lists flattened. */
function objectsAt(root: Json, path: string): Record<string, Json>[] {
  let current = asObjects(root);
  for (const segment of path === "" ? [] : path.split(".")) current = current.flatMap((o) => asObjects(o[segment]));
  return current;
}

/** [parent objects, leaf name] of a dotted path. */
function split(path: string): [string, string] {
  const i = path.lastIndexOf(".");
  return i < 0 ? ["", path] : [path.slice(0, i), path.slice(i + 1)];
}

/** Values at `path` (lists of scalars flattened), with the parent they sit in. */
function valuesAt(root: Json, path: string): Json[] {
  const [parent, leaf] = split(path);
  return objectsAt(root, parent)
    .map((o) => o[leaf])
    .filter(isSet)
    .flatMap((v) => (Array.isArray(v) && v.every((e) => typeof e !== "object") ? v : [v]));
}

/** Problems one rule finds in one resource's configuration (empty: it passes). */
export function check(rule: Rule, resource: Json): string[] {
  switch (rule.kind) {
    case "required": {
      const [parent, leaf] = split(rule.path);
      return objectsAt(resource, parent)
        .filter((o) => !isSet(o[leaf]))
        .map(() => `${rule.path} is required`);
    }
    case "computedOnly":
      return valuesAt(resource, rule.path).length > 0 ? [`${rule.path} is computed by the provider and must not be set`] : [];
    case "oneOf": {
      const norm = (s: string) => (rule.caseInsensitive ? s.toLowerCase() : s);
      const allowed = new Set(rule.values.map(norm));
      return valuesAt(resource, rule.path)
        .filter((v) => !isExpression(v) && !(typeof v === "string" && allowed.has(norm(v))))
        .map((v) => `${rule.path}: ${JSON.stringify(v)} is not one of ${rule.values.join(", ")}`);
    }
    case "alsoRequires":
    case "conflictsWith": {
      const [parent, leaf] = split(rule.path);
      return objectsAt(resource, parent)
        .filter((o) => isSet(o[leaf]))
        .flatMap((o) =>
          rule.siblings
            .filter((s) => (rule.kind === "alsoRequires" ? !isSet(o[s]) : isSet(o[s])))
            .map((s) => `${rule.path} ${rule.kind === "alsoRequires" ? "also requires" : "conflicts with"} ${s}`),
        );
    }
    case "exactlyOneOf":
    case "atLeastOneOf":
      return objectsAt(resource, rule.parent).flatMap((o) => {
        const n = rule.siblings.filter((s) => isSet(o[s])).length;
        const ok = rule.kind === "exactlyOneOf" ? n === 1 : n >= 1;
        return ok ? [] : [`${rule.kind === "exactlyOneOf" ? "exactly" : "at least"} one of ${rule.siblings.join(", ")} (found ${n})`];
      });
    case "regex":
      return valuesAt(resource, rule.path)
        .filter((v) => !isExpression(v) && !(typeof v === "string" && rule.pattern.test(v)))
        .map((v) => `${rule.path}: ${JSON.stringify(v)} does not match ${rule.pattern}`);
    case "range":
      return valuesAt(resource, rule.path)
        .filter((v) => !isExpression(v))
        .filter((v) => typeof v !== "number" || (rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max))
        .map((v) => `${rule.path}: ${JSON.stringify(v)} is outside ${rule.min ?? "-inf"}..${rule.max ?? "inf"}`);
    case "requiresRoot": {
      const root = (resource as Record<string, Json>)[rule.root];
      if (valuesAt(resource, rule.path).length === 0 || isExpression(root)) return [];
      const value = typeof root === "string" ? root : undefined;
      return value !== undefined && rule.values.includes(value)
        ? []
        : [`${rule.path} is only allowed when ${rule.root} is one of ${rule.values.join(", ")} (it is ${JSON.stringify(root)})`];
    }
    case "objectSizeAtMost":
      return objectsAt(resource, rule.path)
        .filter((o) => Object.values(o).filter(isSet).length > rule.max)
        .map((o) => `${rule.path}: sets ${Object.keys(o).join(", ")}; at most ${rule.max} allowed per element`);
    case "minItems": {
      const [parent, leaf] = split(rule.path);
      return objectsAt(resource, parent)
        .map((o) => o[leaf])
        .filter((v) => Array.isArray(v) && v.length < rule.min)
        .map(() => `${rule.path}: at least ${rule.min} element(s)`);
    }
  }
}

export interface Violation {
  readonly address: string;
  readonly problem: string;
  readonly source: string;
}

/** Every violation in one synthesized stack, plus every type the tables do not know. */
export function conform(
  json: { resource?: Record<string, Record<string, Json>>; data?: Record<string, Record<string, Json>> },
  tables: readonly ProviderTable[],
): Violation[] {
  const violations: Violation[] = [];
  const blocks = [
    ["resource", json.resource ?? {}, (t: ProviderTable) => t.resources],
    ["data", json.data ?? {}, (t: ProviderTable) => t.dataSources],
  ] as const;
  for (const [kind, byType, pick] of blocks)
    for (const [type, byName] of Object.entries(byType)) {
      const entry = tables.map(pick).find((t) => type in t)?.[type];
      const prefix = kind === "data" ? `data.${type}` : type;
      if (!entry) {
        violations.push({ address: prefix, problem: `no conformance entry for ${kind} type ${type}: add its validators`, source: "" });
        continue;
      }
      for (const [name, config] of Object.entries(byName)) {
        const stripped = Object.fromEntries(Object.entries(config as Record<string, Json>).filter(([k]) => !META.has(k)));
        for (const rule of entry.rules)
          for (const problem of check(rule, stripped)) violations.push({ address: `${prefix}.${name}`, problem, source: entry.source });
      }
    }
  return [...violations, ...entryPointProblems(json)];
}

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
