import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";

/**
 * An app's own OpenAPI spec (compose/wire/specs/, vendored at the tags its README cites) as a request
 * checker for the fakes: a call whose method and path the spec does not define, or whose JSON
 * body its schema (Ajv, with the spec's components) refuses, is answered 400 with why, so the
 * wire job's test fails.
 */
export interface SpecCheck {
  /** Undefined when the spec accepts the request, else why it does not. */
  check(method: string, pathname: string, body: unknown): string | undefined;
}

interface Operation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: unknown }> };
}

/** `nullable` on a schema without `type` (any value, e.g. a provider field's value) means nothing to Ajv: dropped. */
function untypedNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(untypedNullable);
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node).filter(([k]) => !(k === "nullable" && !("type" in node)));
  return Object.fromEntries(entries.map(([k, v]) => [k, untypedNullable(v)]));
}

// From the sources (test/wire/) or the e2e's build (dist/test/wire/, run by the fakes in stand-in containers).
const SPECS = [path.join(__dirname, "..", ".."), path.join(__dirname, "..", "..", "..")]
  .map((root) => path.join(root, "compose", "wire", "specs"))
  .find((dir) => existsSync(dir));

export function loadSpec(file: string, prefix = ""): SpecCheck {
  if (SPECS === undefined) throw new Error(`specs/${file}: compose/wire/specs/ of the repository was not found`);
  const text = readFileSync(path.join(SPECS, file), "utf8");
  const spec = (file.endsWith(".json") ? JSON.parse(text) : parse(text)) as {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  };
  // OpenAPI 3.0 schemas: `nullable` is Ajv's own keyword; formats (int32, date-time) are not checked.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: "spec", components: untypedNullable(spec.components ?? {}) });
  const routes = Object.entries(spec.paths).map(([template, ops]) => ({
    pattern: new RegExp(`^${prefix}${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
    ops,
  }));
  const rewrite = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/'));
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(method, pathname, body) {
      const route = routes.find((r) => r.pattern.test(pathname));
      const op = route?.ops[method.toLowerCase()];
      if (!op) return `${method} ${pathname} is not in the spec`;
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      if (schema === undefined || body === undefined) return undefined;
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(rewrite(schema) as object);
        compiled.set(key, validate);
      }
      if (validate(body)) return undefined;
      return `${method} ${pathname}: body refused by the spec: ${ajv.errorsText(validate.errors)}`;
    },
  };
}
