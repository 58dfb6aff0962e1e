import { gateDirOnHost } from "../constructs/config/layout";
import type { Delivery } from "../constructs/github/delivery";
import { ADMIN_ROLE_ID } from "../constructs/github/repo";
import { deployJobId } from "../delivery/deploy-workflow";
import type { TerraformJson } from "../delivery/stacks";
import type { Workflow } from "../delivery/workflow-spec";
import { label, nodeId } from "./mermaid";

type Obj = Record<string, unknown>;

const resources = (tf: TerraformJson | undefined, type: string): Obj[] =>
  Object.values((tf?.resource?.[type] ?? {}) as Record<string, Obj>);

/** What the repository's protection of the default branch demands, read from the synthesized GitHub resources. */
interface Protection {
  readonly text: string[];
  readonly requiredChecks: readonly string[];
}

/**
 * The path of a change as a Mermaid flowchart, drawn from the same workflow objects synth renders
 * into .github/workflows/ and from the synthesized GitHub resources: each workflow with its
 * trigger and jobs (what each job needs, the environment it runs in and what that environment
 * demands), the default branch's protection between the pull request and the merge, and each
 * host's deploy job going to that host's deploy gate.
 */
export function changePathDiagram(
  workflows: ReadonlyMap<string, Workflow>,
  stacks: ReadonlyMap<string, TerraformJson>,
  deliveries: readonly Delivery[],
): string[] {
  const environments = environmentRules(stacks);
  const variables = new Map(
    [...stacks.values()].flatMap((tf) => resources(tf, "github_actions_variable")).map((v) => [String(v.variable_name), String(v.value)]),
  );
  const protection = protectionOf(stacks);
  const lines = ["flowchart LR"];
  const files = [...workflows.keys()];
  const jobId = (file: string, job: string) => nodeId(`j${files.indexOf(file)}`, job);
  const merges: string[] = [];
  const onPush: string[] = [];
  for (const [file, workflow] of workflows) {
    const name = file.split("/").at(-1) ?? file;
    const cancel = workflow.concurrency["cancel-in-progress"] ? "a newer run cancels this one" : "one run at a time, never cancelled";
    lines.push(`  subgraph w${files.indexOf(file)} [${label(`${name}: ${triggerText(workflow.on)}; ${cancel}`)}]`);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      const env = job.environment;
      const text = [
        job.name,
        ...skipped(job.if, variables),
        ...(env ? [`environment ${env}: ${environments.get(env) ?? "not declared (GitHub creates it without rules on first use)"}`] : []),
        ...(protection.requiredChecks.includes(job.name) && "pull_request" in workflow.on ? ["required to merge"] : []),
      ];
      lines.push(`    ${jobId(file, id)}[${label(...text)}]`);
    }
    lines.push("  end");
    for (const [id, job] of Object.entries(workflow.jobs))
      for (const need of job.needs ?? []) lines.push(`  ${jobId(file, need)} --> ${jobId(file, id)}`);
    if ("pull_request" in workflow.on)
      for (const [id, job] of Object.entries(workflow.jobs)) if (protection.requiredChecks.includes(job.name)) merges.push(jobId(file, id));
    if ("push" in workflow.on) onPush.push(`w${files.indexOf(file)}`);
  }
  lines.push(`  merge{{${label(...protection.text)}}}`);
  for (const from of merges) lines.push(`  ${from} --> merge`);
  for (const to of onPush) lines.push(`  merge --> ${to}`);
  for (const d of deliveries) {
    const gate = nodeId("g", d.host.name);
    const deployFile = [...workflows].find(([, w]) => deployJobId(d.host.name) in w.jobs)?.[0];
    lines.push(
      `  ${gate}[[${label(`${d.host.name}: ${gateDirOnHost(d.host)}/deploy-gate.sh`, `as ${d.sshUser}, its only command`, "commit on the default branch, after the last healthy one", ".env checked, setup.sh, deploy.sh", "healthy or rolled back")}]]`,
    );
    if (deployFile)
      lines.push(`  ${jobId(deployFile, deployJobId(d.host.name))} -->|${label(`ssh ${d.sshHostname} through the tunnel`)}| ${gate}`);
  }
  return lines;
}

/** A job whose condition compares a repository variable the stacks set to another value never runs: say so. */
function skipped(condition: string | undefined, variables: ReadonlyMap<string, string>): string[] {
  return [...(condition ?? "").matchAll(/vars\.(\w+) == '([^']*)'/g)].flatMap(([, name = "", wanted]) => {
    const value = variables.get(name);
    return value !== undefined && value !== wanted ? [`skipped: ${name} is ${value}, not ${wanted}`] : [];
  });
}

function triggerText(on: Readonly<Record<string, unknown>>): string {
  return Object.entries(on)
    .map(([event, spec]) => {
      const branches = (spec as { branches?: readonly string[] } | null)?.branches;
      if (branches) return `on ${event} to ${branches.join(", ")}`;
      if (event === "schedule") return `on schedule ${(spec as Array<{ cron: string }>).map((s) => s.cron).join(", ")}`;
      return `on ${event}`;
    })
    .join(", ");
}

/** Per GitHub environment: who must approve, which branches may deploy, whether admins may bypass. */
function environmentRules(stacks: ReadonlyMap<string, TerraformJson>): Map<string, string> {
  const rules = new Map<string, string>();
  for (const tf of stacks.values()) {
    const policies = resources(tf, "github_repository_environment_deployment_policy");
    const environments = (tf.resource?.github_repository_environment ?? {}) as Record<string, Obj>;
    for (const [key, env] of Object.entries(environments)) {
      const own = `\${github_repository_environment.${key}.environment}`;
      const patterns = policies
        .filter((p) => p.environment === own || p.environment === env.environment)
        .map((p) => String(p.branch_pattern));
      const parts = [
        ...((env.reviewers as unknown[] | undefined)?.length ? ["a reviewer approves each run"] : []),
        ...(patterns.length > 0 ? [`branch ${patterns.join(", ")} only`] : []),
        ...(env.can_admins_bypass === false ? ["no admin bypass"] : []),
      ];
      rules.set(String(env.environment), parts.join(", ") || "no protection rules");
    }
  }
  return rules;
}

function protectionOf(stacks: ReadonlyMap<string, TerraformJson>): Protection {
  const all = [...stacks.values()];
  const ruleset = all.flatMap((tf) => resources(tf, "github_repository_ruleset")).find((r) => r.target === "branch");
  if (ruleset) {
    const rules = ruleset.rules as Obj;
    const pr = rules.pull_request as Obj | undefined;
    const checks = ((rules.required_status_checks as Obj | undefined)?.required_check as Array<{ context: string }> | undefined) ?? [];
    const bypass = ((ruleset.bypass_actors as Obj[] | undefined) ?? []).map(
      (a) =>
        `${a.actor_type === "RepositoryRole" && a.actor_id === ADMIN_ROLE_ID ? "repository admins" : `${String(a.actor_type)} ${String(a.actor_id)}`} may bypass: ${a.bypass_mode === "pull_request" ? "through a pull request only" : String(a.bypass_mode)}`,
    );
    return {
      text: ["merge to the default branch (ruleset)", ...reviewText(pr), ...checksText(checks.map((c) => c.context)), ...bypass],
      requiredChecks: checks.map((c) => c.context),
    };
  }
  const classic = all.flatMap((tf) => resources(tf, "github_branch_protection"))[0];
  if (classic) {
    const pr = (classic.required_pull_request_reviews as Obj[] | undefined)?.[0];
    const checks = ((classic.required_status_checks as Obj[] | undefined)?.[0]?.contexts as string[] | undefined) ?? [];
    return {
      text: [
        `merge to ${String(classic.pattern)} (branch protection)`,
        ...reviewText(
          pr && {
            required_approving_review_count: pr.required_approving_review_count,
            require_code_owner_review: pr.require_code_owner_reviews,
            require_last_push_approval: pr.require_last_push_approval,
          },
        ),
        ...checksText(checks),
      ],
      requiredChecks: checks,
    };
  }
  return { text: ["merge to the default branch", "no protection: nothing is required"], requiredChecks: [] };
}

function reviewText(pr: Obj | undefined): string[] {
  if (!pr) return [];
  const count = Number(pr.required_approving_review_count ?? 0);
  return [
    `${count} approving review${count === 1 ? "" : "s"}${pr.require_code_owner_review ? " by a code owner" : ""}${pr.require_last_push_approval ? " of the last push" : ""}`,
  ];
}

function checksText(checks: readonly string[]): string[] {
  return checks.length > 0 ? [`required checks: ${checks.join("; ")}`] : [];
}
