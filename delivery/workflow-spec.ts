import { Document, isScalar, visit } from "yaml";
import { renderYaml } from "../compose/render/render";
import { ACTIONS } from "./actions";

/** The subset of the GitHub Actions workflow syntax the generated workflows use. */
export type Permission = "read" | "write" | "none";
export type Permissions = Readonly<Record<string, Permission>>;

export interface Step {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly run?: string;
  readonly "continue-on-error"?: boolean;
}

export interface Job {
  readonly name: string;
  readonly "runs-on": string;
  /** Required: every job states what its token may do (an empty object: nothing). */
  readonly permissions: Permissions;
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly environment?: string;
  readonly "timeout-minutes": number;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

export interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions: Permissions;
  readonly concurrency: { readonly group: string; readonly "cancel-in-progress": boolean };
  readonly jobs: Readonly<Record<string, Job>>;
}

const VERSION_BY_REF = new Map<string, string>(Object.values(ACTIONS).map((a) => [`${a.repo}@${a.sha}`, a.version]));

/** The workflow as YAML with the generated marker; each pinned `uses:` carries its version as a comment. */
export function renderWorkflow(workflow: Workflow): string {
  const doc = new Document(workflow);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "uses" && isScalar(pair.value)) {
        const version = VERSION_BY_REF.get(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  return renderYaml(doc);
}

/** `${{ expr }}`: kept in one helper so the generators read as data. */
export function expr(expression: string): string {
  return `\${{ ${expression} }}`;
}

/** A shell script for a `run:` step: bash strict mode first, lines joined. */
export function script(...lines: string[]): string {
  return `${["set -euo pipefail", ...lines].join("\n")}\n`;
}
