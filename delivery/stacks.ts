/** Where synth writes every stack's Terraform JSON (cdktf.json output + "/stacks"). */
export const STACKS_DIR = "cdktf.out/stacks";

/** A stack planned and applied in Terraform Cloud: its workspace and synthesized directory. */
export interface CloudStack {
  readonly name: string;
  readonly organization: string;
  readonly workspace: string;
  /** Directory uploaded as the configuration version. */
  readonly directory: string;
  /** Step-id-safe form of the name. */
  readonly key: string;
}

export interface LocalStack {
  readonly name: string;
  readonly reason: string;
}

interface CloudBlock {
  readonly organization?: string;
  readonly workspaces?: { readonly name?: string };
}

/**
 * Splits the synthesized stacks into those with a Terraform Cloud backend (CI plans and applies
 * them) and the rest (local state, e.g. bootstrap: run by the owner, never from CI, because it
 * holds the credentials CI itself runs with).
 */
export function classifyStacks(stacks: ReadonlyMap<string, TerraformJson>): { cloud: CloudStack[]; local: LocalStack[] } {
  const cloud: CloudStack[] = [];
  const local: LocalStack[] = [];
  for (const [name, json] of [...stacks].sort(([a], [b]) => a.localeCompare(b))) {
    const block = (json.terraform as { cloud?: CloudBlock } | undefined)?.cloud;
    if (block?.organization && block.workspaces?.name)
      cloud.push({
        name,
        organization: block.organization,
        workspace: block.workspaces.name,
        directory: `${STACKS_DIR}/${name}`,
        key: name.replace(/[^A-Za-z0-9_]/g, "_"),
      });
    else local.push({ name, reason: "local state: applied by the owner, not from CI" });
  }
  return { cloud, local };
}

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, unknown>;
  readonly variable?: Record<string, unknown>;
  readonly terraform?: Record<string, unknown>;
  readonly [key: string]: unknown;
}
