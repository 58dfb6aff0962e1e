/**
 * One reason a configuration is rejected. Every message names the field, the bad value and
 * what is allowed; the construct path is added by whoever reports it (cdktf prefixes the
 * path of validations registered with `node.addValidation`, `ConfigError` adds it itself).
 */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

export function describeProblem(p: Problem): string {
  return `${p.field}: ${show(p.value)} is not allowed; allowed: ${p.allowed}`;
}

/** Thrown while the model is built (single-prop and cross-prop checks). */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => `[${path}] ${describeProblem(p)}`).join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * Throws one ConfigError listing every problem, so a user fixes them all in one round. `scope`:
 * where they are reported (a construct: its path prefixes the message).
 */
export function assertNoProblems(scope: { readonly node: { readonly path: string } }, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ConfigError(scope.node.path, problems);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "(unset)";
  return JSON.stringify(value) ?? String(value);
}

/** RFC 1123 label, lower case: usable as a subdomain, compose service, container hostname and unix user. */
export const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_ALLOWED = "a lower-case DNS label: a-z, 0-9 and '-', 1-63 characters, no leading or trailing '-'";

export function portProblem(field: string, port: number | undefined): Problem | undefined {
  if (port === undefined) return undefined;
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : { field, value: port, allowed: "an integer from 1 to 65535" };
}

export function labelProblem(field: string, label: string | undefined): Problem | undefined {
  if (label === undefined) return undefined;
  if (!DNS_LABEL.test(label)) return { field, value: label, allowed: DNS_LABEL_ALLOWED };
  // A name is also a construct id, and the constructs library keeps a scope's children in a plain
  // object: "constructor" is found there already (Object.prototype) and fails with a misleading error.
  return label in Object.prototype ? { field, value: label, allowed: `${DNS_LABEL_ALLOWED}, other than "${label}"` } : undefined;
}
