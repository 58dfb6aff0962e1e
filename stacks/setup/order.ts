import { homedir } from "node:os";
import type { ServarrConfig } from "../config";
import { ORDERED_STEPS } from "./args";
import { checkBootstrapInputs } from "./check";
import {
  bootstrapStateHolds,
  bootstrapStateMissing,
  deployKeyDeclared,
  LOGIN,
  type Missing,
  type OrderContext,
  placeholderFacts,
  terraformLoginToken,
} from "./evidence";
import { step } from "./guide";
import { entryPointRuleset, googleServices, realHttp, workspaceVisible } from "./probes";
import { loadModel, type Model } from "./steps";

/**
 * First-time setup happens in an order (docs/setup.md); this module enforces it.
 * Before a step runs, every step it depends on is checked for what it leaves behind (a file,
 * a state entry, an API answer), and a missing one is reported with the exact command or
 * config line that fixes it. Steps of `npm run setup` are gated by the CLI's entry; the two
 * steps that are Terraform runs get `npm run setup -- ready <bootstrap|first-apply>`.
 */
export type Step = "known-hosts" | "check" | "bootstrap" | "first-apply" | "env";
export const READY_STEPS = ["bootstrap", "first-apply"] as const;

/**
 * The APIs google_project_service's own Read calls (Resource Manager's projects.get, then
 * Service Usage: hashicorp/terraform-provider-google@v6.50.0:google/services/resourcemanager/
 * resource_google_project_service.go ~208, ~225). On a fresh project they are off, and the
 * stack cannot enable the very API its Read needs (hashicorp/terraform-provider-google#6101):
 * they must be on before the first apply.
 */
export const PREREQUISITE_APIS = ["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"] as const;

/** The APIs google_project_service needs before the servarr stack's first apply. */
async function googleApisOn(model: Model, ctx: OrderContext): Promise<Missing[]> {
  const key = ctx.env.TF_VAR_google_credentials;
  const project = model.config.google.projectId;
  const enable = `gcloud services enable ${PREREQUISITE_APIS.join(" ")} --project ${project} (or the console: APIs & Services → Library, each by name)`;
  if (!key)
    return [
      {
        what: "TF_VAR_google_credentials is not set, so the Google APIs cannot be checked",
        fix: `export it (${step("bootstrap")}), then re-run`,
      },
    ];
  const probed = await googleServices(ctx.http, key, project, PREREQUISITE_APIS);
  if (!probed.ok)
    return [
      {
        what: probed.reason,
        fix: `create a new key for the service account (${step("credentials")}) and set TF_VAR_google_credentials to it`,
      },
    ];
  return Object.entries(probed.value)
    .filter(([, state]) => !state.startsWith("ENABLED"))
    .map(([service, state]) => ({ what: `${service} is ${state} on ${project}`, fix: enable }));
}

/** An existing workspace of that name is adopted (terraformCloud.adoptWorkspace) or reported, never collided with. */
async function workspaceFree(model: Model, ctx: OrderContext): Promise<Missing[]> {
  const { organization, workspace, adoptWorkspace } = model.config.terraformCloud;
  const token = ctx.env.TFE_TOKEN || terraformLoginToken(ctx);
  if (!token) return [{ ...LOGIN, fix: `${LOGIN.fix}, or export TFE_TOKEN` }];
  const seen = await workspaceVisible(ctx.http, token, organization, workspace);
  if (!seen.ok) return [{ what: seen.reason, fix: "terraform login again (or a new TFE_TOKEN)" }];
  const inState = bootstrapStateHolds(ctx.root, "tfe_workspace");
  if (seen.value && !adoptWorkspace && !inState)
    return [
      {
        what: `workspace ${organization}/${workspace} exists already and the bootstrap did not create it (a terraform init of the servarr stack makes it)`,
        fix: "set terraformCloud.adoptWorkspace: true in servarr.config.ts (the bootstrap imports it), or delete it in Terraform Cloud",
      },
    ];
  if (!seen.value && adoptWorkspace)
    return [
      {
        what: `terraformCloud.adoptWorkspace is true but ${organization}/${workspace} does not exist`,
        fix: "remove adoptWorkspace (the bootstrap creates it)",
      },
    ];
  return [];
}

/** The zone's cache-rules entry point: adopted when it exists, or reported with its id. */
async function cacheEntryPointFree(model: Model, ctx: OrderContext): Promise<Missing[]> {
  const ours = Object.values(model.stacks.get("servarr")?.resource?.cloudflare_ruleset ?? {}) as Array<{
    phase?: string;
    zone_id?: string;
  }>;
  const token = ctx.env.TF_VAR_cloudflare_api_token;
  const existing = model.config.host.cloudflare.existingCacheRuleset;
  const results: Missing[] = [];
  for (const ruleset of ours.filter((r) => typeof r.phase === "string" && typeof r.zone_id === "string")) {
    if (!token)
      return [
        {
          what: "TF_VAR_cloudflare_api_token is not set, so the zone's rulesets cannot be checked",
          fix: `export it (${step("bootstrap")}), then re-run`,
        },
      ];
    const found = await entryPointRuleset(ctx.http, token, ruleset.zone_id as string, ruleset.phase as string);
    if (!found.ok) results.push({ what: found.reason, fix: `check the token's permissions (${step("credentials")})` });
    else if (found.value && found.value.id !== existing)
      results.push({
        what: `the zone already has a ${ruleset.phase} entry point (${found.value.rules} rule(s)); creating servarr's would collide`,
        fix: `set host.cloudflare.existingCacheRuleset: "${found.value.id}" (adopted: its rules are replaced by servarr's; copy any you keep into the config first)`,
      });
    else if (!found.value && existing !== undefined)
      results.push({
        what: `host.cloudflare.existingCacheRuleset is set but the zone has no ${ruleset.phase} entry point`,
        fix: "remove existingCacheRuleset",
      });
  }
  return results;
}

/** The workflows' tokens reach the workspace (granted by terraformCloud.teams, or the owners team's). */
async function tokensReachWorkspace(model: Model, ctx: OrderContext): Promise<Missing[]> {
  const { organization, workspace, teams } = model.config.terraformCloud;
  const results: Missing[] = [];
  for (const [input, team] of [
    ["TF_VAR_tf_api_token", teams?.apply],
    ["TF_VAR_tf_plan_token", teams?.plan],
  ] as const) {
    const token = ctx.env[input];
    if (!token) {
      results.push({ what: `${input} is not set, so its access cannot be checked`, fix: `export it (${step("bootstrap")}), then re-run` });
      continue;
    }
    const seen = await workspaceVisible(ctx.http, token, organization, workspace);
    if (!seen.ok)
      results.push({ what: `${input}: ${seen.reason}`, fix: `create a new team token (${step("credentials")}) and re-run the bootstrap` });
    else if (!seen.value)
      results.push({
        what: `${input} cannot see the workspace ${organization}/${workspace}`,
        fix: team
          ? `it must be a token of the team ${team} (terraformCloud.teams), which the bootstrap grants access: re-run the bootstrap`
          : "set terraformCloud.teams to the teams whose tokens these are and re-run the bootstrap (it grants them access), or use a token of the owners team",
      });
  }
  return results;
}

/** Everything that must have happened before `step`, in the order a person does it; empty: go ahead. */
export async function missingBefore(step: Step, model: Model, ctx: OrderContext): Promise<Missing[]> {
  const facts = () => placeholderFacts(model.config);
  switch (step) {
    case "known-hosts":
      return [...facts(), ...deployKeyDeclared(model, ctx)];
    case "check":
      return facts();
    case "bootstrap": {
      const inputs = checkBootstrapInputs(model, ctx.env)
        .filter((r) => r.problem)
        .map((r) => ({ what: `${r.input}: ${r.problem}`, fix: "npm run setup -- check shows every input" }));
      const local = [...facts(), ...deployKeyDeclared(model, ctx), ...inputs];
      if (local.length > 0) return local;
      return [...(await googleApisOn(model, ctx)), ...(await workspaceFree(model, ctx)), ...(await cacheEntryPointFree(model, ctx))];
    }
    case "first-apply": {
      const state = bootstrapStateMissing(model, ctx.root);
      return state.length > 0
        ? state
        : [...(await googleApisOn(model, ctx)), ...(await cacheEntryPointFree(model, ctx)), ...(await tokensReachWorkspace(model, ctx))];
    }
    case "env":
      return [...bootstrapStateMissing(model, ctx.root), ...(terraformLoginToken(ctx) ? [] : [LOGIN])];
  }
}

/** The context of a real run: the repository root (npm runs scripts there), the owner's home, the network. */
export function realContext(env: NodeJS.ProcessEnv): OrderContext {
  return { root: process.cwd(), home: env.HOME ?? homedir(), env, http: realHttp };
}

/**
 * The CLI's entry (stacks/setup/cli.ts): `ready <step>` reports what a Terraform step still
 * needs; any gated step first checks its predecessors and refuses with the fixes.
 */
export async function runInOrder(
  args: string[],
  config: ServarrConfig,
  ctx: OrderContext,
  print: (line: string) => void,
  fail: (line: string) => void,
  run: (args: string[]) => number,
): Promise<number> {
  const [step, target] = args;
  const report = (missing: Missing[], before: string) => {
    for (const m of missing) fail(`servarr setup: before ${before}: ${m.what}\n  do: ${m.fix}`);
  };
  if (step === "ready") {
    if (!READY_STEPS.includes(target as (typeof READY_STEPS)[number])) {
      fail(`usage: npm run setup -- ready <${READY_STEPS.join("|")}>`);
      return 2;
    }
    const missing = await missingBefore(target as Step, loadModel(config), ctx);
    report(missing, target as string);
    if (missing.length === 0) print(`ready for ${target}: every step before it happened`);
    return missing.length > 0 ? 1 : 0;
  }
  if (step !== undefined && step !== "ready" && ORDERED_STEPS.has(step)) {
    const missing = await missingBefore(step as Step, loadModel(config), ctx);
    if (missing.length > 0) {
      report(missing, step);
      fail("nothing was run.");
      return 1;
    }
  }
  return run(args);
}
