import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ServarrConfig } from "../config";
import { GUIDE_STEPS, step } from "./guide";
import type { Http } from "./probes";
import type { Model } from "./steps";

/**
 * What earlier setup steps leave on the owner's machine, read without the network: the config's
 * facts, the deploy key, `terraform login`'s credentials, the bootstrap's local state
 * (stacks/setup/order.ts decides which step needs which).
 */
/** Where the checks look: the repository root, the owner's home, their environment, the network. */
export interface OrderContext {
  readonly root: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly http: Http;
}

/** One predecessor that did not happen: what is missing and exactly what to do. */
export interface Missing {
  readonly what: string;
  readonly fix: string;
}

/** The bootstrap's state file at the repository root (stacks/bootstrap-stack.ts BOOTSTRAP_STATE). */
export const BOOTSTRAP_STATE_FILE = "bootstrap.tfstate";

// RFC 2606 / RFC 6761 reserve these for documentation: nobody's real domain or mailbox.
const RESERVED = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;
const hexRun = (id: string) => "0123456789abcdef0123456789abcdef".includes(id) || "fedcba9876543210fedcba9876543210".includes(id);

/** Config facts still holding the example's documentation values (synth runs with them; an apply cannot). */
export function placeholderFacts(config: ServarrConfig): Missing[] {
  const where = (field: string, value: string, fix: string): Missing => ({ what: `${field} is still ${JSON.stringify(value)}`, fix });
  const found: Missing[] = [];
  const { host } = config;
  if (RESERVED.test(host.domain)) found.push(where("host.domain", host.domain, "your domain, a zone of your Cloudflare account"));
  for (const [i, owner] of host.owners.entries())
    if (RESERVED.test(owner.split("@")[1] ?? ""))
      found.push(where(`host.owners[${i}]`, owner, "the Google account email of a person who signs in"));
  if (config.google.alertEmail && RESERVED.test(config.google.alertEmail.split("@")[1] ?? ""))
    found.push(where("google.alertEmail", config.google.alertEmail, "the mailbox that gets the uptime alerts"));
  for (const [field, id] of [
    ["host.cloudflare.accountId", host.cloudflare.accountId],
    ["host.cloudflare.zoneId", host.cloudflare.zoneId],
  ] as const)
    if (hexRun(id)) found.push(where(field, id, "the id on the zone's Overview page in the Cloudflare dashboard (right column, API)"));
  for (const [field, name] of [
    ["terraformCloud.organization", config.terraformCloud.organization],
    ["github.owner", config.github.owner],
    ["google.projectId", config.google.projectId],
  ] as const)
    if (/^example(-|$)/.test(name)) found.push(where(field, name, `your own (${step("accounts")}, ${GUIDE_STEPS.accounts.title})`));
  return found;
}

/** The deploy key `npm run setup -- deploy-key` wrote is the one the config declares. */
export function deployKeyDeclared(model: Model, ctx: OrderContext): Missing[] {
  const file = path.join(ctx.root, ".servarr", "deploy_key.pub");
  if (!existsSync(file))
    return [{ what: "no deploy key in .servarr/", fix: "npm run setup -- deploy-key, then put the printed line in machine.deployKeys" }];
  const [type, key] = readFileSync(file, "utf8").trim().split(/\s+/);
  const declared = model.host.machine.deployKeys.some((k) => k.split(/\s+/).slice(0, 2).join(" ") === `${type} ${key}`);
  return declared
    ? []
    : [
        {
          what: ".servarr/deploy_key.pub is not in machine.deployKeys",
          fix: `add "${type} ${key} …" to machine.deployKeys, npm run synth, commit and push`,
        },
      ];
}

/** A token for app.terraform.io the way Terraform finds one: TF_TOKEN_app_terraform_io, or `terraform login`'s file. */
export function terraformLoginToken(ctx: OrderContext): string | undefined {
  const fromEnv = ctx.env.TF_TOKEN_app_terraform_io;
  if (fromEnv) return fromEnv;
  const file = path.join(ctx.home, ".terraform.d", "credentials.tfrc.json");
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { credentials?: Record<string, { token?: string }> };
    return parsed.credentials?.["app.terraform.io"]?.token || undefined;
  } catch {
    return undefined;
  }
}

export const LOGIN: Missing = {
  what: "no Terraform Cloud credentials (terraform login not done)",
  fix: "terraform login (writes ~/.terraform.d/credentials.tfrc.json; the cloud backend of the servarr stack reads it)",
};

/** Whether the bootstrap's state holds an object of `type` (a workspace it created or adopted). */
export function bootstrapStateHolds(root: string, type: string): boolean {
  try {
    const state = JSON.parse(readFileSync(path.join(root, BOOTSTRAP_STATE_FILE), "utf8")) as {
      resources?: Array<{ type?: string; instances?: unknown[] }>;
    };
    return (state.resources ?? []).some((r) => r.type === type && (r.instances?.length ?? 0) > 0);
  } catch {
    return false;
  }
}

/** Which resources of the synthesized bootstrap stack its local state does not hold. */
export function bootstrapStateMissing(model: Model, root: string): Missing[] {
  const file = path.join(root, BOOTSTRAP_STATE_FILE);
  const apply = `cd cdktf.out/stacks/bootstrap && terraform init && terraform apply (${step("bootstrap")})`;
  if (!existsSync(file)) return [{ what: `no ${BOOTSTRAP_STATE_FILE}: the bootstrap has not run`, fix: apply }];
  let state: { resources?: Array<{ mode?: string; type?: string; name?: string; instances?: unknown[] }> };
  try {
    state = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return [{ what: `${BOOTSTRAP_STATE_FILE} is not a Terraform state`, fix: apply }];
  }
  const held = new Set((state.resources ?? []).filter((r) => (r.instances?.length ?? 0) > 0).map((r) => `${r.mode} ${r.type}.${r.name}`));
  const json = model.stacks.get("bootstrap") ?? {};
  const expected = [
    ...Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `managed ${type}.${n}`)),
    ...Object.entries(json.data ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `data ${type}.${n}`)),
  ];
  const named: Record<string, string> = {
    tfe_workspace: `the workspace ${model.config.terraformCloud.workspace}`,
    github_repository_environment: "an environment",
    github_repository: `the repository ${model.config.github.owner}/${model.config.github.repository}`,
  };
  return expected
    .filter((e) => !held.has(e))
    .map((e) => {
      const type = e.split(" ")[1]?.split(".")[0] ?? "";
      return { what: `${BOOTSTRAP_STATE_FILE} does not hold ${named[type] ?? "a resource"} (${e.replace(/^managed /, "")})`, fix: apply };
    });
}
