import { entryPointProblems } from "./cross-resource";

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
  | { readonly kind: "minItems"; readonly path: string; readonly min: number }
  /** A list with at most this many elements (MaxItems). */
  | { readonly kind: "maxItems"; readonly path: string; readonly max: number }
  /** Set only when a sibling is absent or one of these values (RequiresOtherStringAttributeToNullOrBeOneOf / …ToBeOneOf). */
  | {
      readonly kind: "requiresSibling";
      readonly path: string;
      readonly sibling: string;
      readonly values: readonly string[];
      readonly absentOk: boolean;
    }
  /** String enum chosen by another attribute's value (a setting id's own values). */
  | { readonly kind: "oneOfBy"; readonly path: string; readonly key: string; readonly values: Readonly<Record<string, readonly string[]>> }
  /** A rule that needs the whole stack (e.g. the length of the random_bytes a secret references). */
  | { readonly kind: "custom"; readonly name: string; readonly test: (resource: Record<string, unknown>, stack: StackJson) => string[] };

/** What a custom rule sees of the stack. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, unknown>>;
}

/**
 * A rule the schema only describes (its Description, or the API SDK's enum): the provider lets
 * it through and the API refuses it at apply. `where` cites the description.
 */
export interface Described {
  readonly rule: Rule;
  readonly where: string;
}

export interface TypeRules {
  /** Where the rules were read: owner/repo@tag:path (the schema of the pinned provider). */
  readonly source: string;
  /** Validators: code the provider runs before any API call (terraform validate / plan fails). */
  readonly rules: readonly Rule[];
  /** Descriptions: rules the schema states in words (or the API SDK enumerates); the API enforces them at apply. */
  readonly described?: readonly Described[];
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
export function check(rule: Rule, resource: Json, stack: StackJson = {}): string[] {
  switch (rule.kind) {
    case "maxItems": {
      const [parent, leaf] = split(rule.path);
      return objectsAt(resource, parent)
        .map((o) => o[leaf])
        .filter((v) => Array.isArray(v) && v.length > rule.max)
        .map(() => `${rule.path}: at most ${rule.max} element(s)`);
    }
    case "requiresSibling": {
      const [parent, leaf] = split(rule.path);
      return objectsAt(resource, parent)
        .filter((o) => isSet(o[leaf]) && !isExpression(o[rule.sibling]))
        .filter((o) => (isSet(o[rule.sibling]) ? !rule.values.includes(String(o[rule.sibling])) : !rule.absentOk))
        .map(
          (o) =>
            `${rule.path} is only allowed when ${rule.sibling} is ${rule.absentOk ? "unset or " : ""}one of ${rule.values.join(", ")} (it is ${JSON.stringify(o[rule.sibling])})`,
        );
    }
    case "oneOfBy": {
      const key = (resource as Record<string, Json>)[rule.key];
      const allowed = typeof key === "string" ? rule.values[key] : undefined;
      if (isExpression(key)) return [];
      if (!allowed) return [`${rule.key}: ${JSON.stringify(key)} has no known values for ${rule.path}`];
      return valuesAt(resource, rule.path)
        .filter((v) => !isExpression(v) && !(typeof v === "string" && allowed.includes(v)))
        .map((v) => `${rule.path}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")} for ${rule.key} ${String(key)}`);
    }
    case "custom":
      return rule.test(resource as Record<string, unknown>, stack).map((p) => `${rule.name}: ${p}`);
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
  /** A provider validator, or a rule only its schema describes (the API refuses it at apply). */
  readonly basis?: "validator" | "description";
}

/** Every violation in one synthesized stack, plus every type the tables do not know. */
export function conform(
  json: { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> },
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
        const address = `${prefix}.${name}`;
        for (const rule of entry.rules)
          for (const problem of check(rule, stripped, json))
            violations.push({ address, problem, source: entry.source, basis: "validator" });
        for (const { rule, where } of entry.described ?? [])
          for (const problem of check(rule, stripped, json))
            violations.push({
              address,
              problem: `${problem} (described, not validated: the API refuses it)`,
              source: where,
              basis: "description",
            });
      }
    }
  return [...violations, ...entryPointProblems(json)];
}
