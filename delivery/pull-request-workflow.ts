import { PLAN_ENVIRONMENT, type RepositoryFacts, TF_API_TOKEN_SECRET } from "../constructs/config/repository";
import { PR_PLAN_VARIABLE } from "../constructs/github/environments";
import { PULL_REQUEST_JOBS } from "../constructs/github/required-checks";
import { ACTIONS, RUNNER, uses } from "./actions";
import { checkout, downloadStacks, driftCheck, installDependencies, synth, uploadStacks } from "./common-steps";
import type { CloudStack, LocalStack } from "./stacks";
import { expr, type Job, type Step, script, type Workflow } from "./workflow-spec";

/** Marks the one PR comment this workflow owns and updates in place. */
export const COMMENT_MARKER = "<!-- servarr:pull-request-summary -->";

const fromSameRepo = "github.event.pull_request.head.repo.full_name == github.repository";

/**
 * Pull requests: checks, synth and drift check; a speculative Terraform Cloud plan per cloud
 * stack; one comment with the plan counts, run links and the diff of the host bundles. Three
 * jobs so that only the comment job can write to the PR and only the plan job sees the
 * Terraform Cloud token.
 */
export function pullRequestWorkflow(
  stacks: { cloud: readonly CloudStack[]; local: readonly LocalStack[] },
  repository: RepositoryFacts,
): Workflow {
  return {
    name: "pull request",
    on: { pull_request: { branches: [repository.branch] } },
    permissions: {},
    concurrency: { group: `pull-request-${expr("github.event.pull_request.number")}`, "cancel-in-progress": true },
    jobs: {
      check: {
        name: PULL_REQUEST_JOBS.check,
        "runs-on": RUNNER,
        permissions: { contents: "read" },
        "timeout-minutes": 20,
        steps: [
          checkout(2),
          ...installDependencies(),
          { name: "Lint", run: script("npm run --silent lint") },
          { name: "Typecheck", run: script("npm run --silent typecheck") },
          { name: "Test", run: script("npm test") },
          synth(),
          driftCheck(),
          whatThePlanRuns(),
          uploadStacks(),
        ],
      },
      plan: planJob(stacks.cloud),
      comment: commentJob(stacks),
    },
  };
}

/**
 * The check job's summary, on the run page while the plan job waits for its reviewer: the pull
 * request's head commit, the merge commit whose synthesized stacks the plan uploads, and every
 * file the change touches (the merge commit against its base parent). Approving the plan runs
 * exactly that configuration with the workspace's credentials.
 */
function whatThePlanRuns(): Step {
  return {
    name: "Summarize what the plan will run",
    env: {
      PR_NUMBER: expr("github.event.pull_request.number"),
      PR_HEAD: expr("github.event.pull_request.head.sha"),
      PR_AUTHOR: expr("github.event.pull_request.user.login"),
    },
    run: script(
      "{",
      '  echo "### What the plan job runs once approved"',
      '  echo "Pull request #$PR_NUMBER by @$PR_AUTHOR, head commit \\`$PR_HEAD\\`, merged onto its base as \\`$(git rev-parse HEAD)\\`:"',
      "  echo \"the stacks synthesized from that merge commit (this job's artifact) are uploaded to Terraform Cloud, whose plan runs with the workspace's credentials.\"",
      '  echo "Files changed ($(git diff --name-only HEAD^1 HEAD | wc -l)):"',
      "  echo '~~~~'",
      "  git diff --name-status HEAD^1 HEAD",
      "  echo '~~~~'",
      '} >>"$GITHUB_STEP_SUMMARY"',
    ),
  };
}

function planJob(stacks: readonly CloudStack[]): Job {
  const outputs: Record<string, string> = {};
  const steps: Step[] = [downloadStacks()];
  for (const s of stacks) {
    const auth = { organization: s.organization, token: expr(`secrets.${TF_API_TOKEN_SECRET}`) };
    steps.push(
      {
        name: `Upload ${s.name} configuration (speculative)`,
        id: `upload_${s.key}`,
        uses: uses(ACTIONS.tfcUploadConfiguration),
        with: { ...auth, workspace: s.workspace, directory: s.directory, speculative: true },
      },
      {
        name: `Plan ${s.name}`,
        id: `run_${s.key}`,
        uses: uses(ACTIONS.tfcCreateRun),
        // A failed plan still gets reported in the comment; the last step fails the job.
        "continue-on-error": true,
        with: {
          ...auth,
          workspace: s.workspace,
          configuration_version: expr(`steps.upload_${s.key}.outputs.configuration_version_id`),
          plan_only: true,
          message: `Speculative plan for pull request #${expr("github.event.pull_request.number")}`,
        },
      },
      {
        name: `Read ${s.name} plan`,
        id: `plan_${s.key}`,
        if: `steps.run_${s.key}.outputs.plan_id != ''`,
        uses: uses(ACTIONS.tfcPlanOutput),
        with: { ...auth, plan: expr(`steps.run_${s.key}.outputs.plan_id`) },
      },
    );
    outputs[`${s.key}_add`] = expr(`steps.plan_${s.key}.outputs.add`);
    outputs[`${s.key}_change`] = expr(`steps.plan_${s.key}.outputs.change`);
    outputs[`${s.key}_destroy`] = expr(`steps.plan_${s.key}.outputs.destroy`);
    outputs[`${s.key}_run_link`] = expr(`steps.run_${s.key}.outputs.run_link`);
    outputs[`${s.key}_run_status`] = expr(`steps.run_${s.key}.outputs.run_status`);
  }
  steps.push({
    name: "Fail unless every plan finished",
    env: Object.fromEntries(stacks.map((s) => [`RUN_STATUS_${s.key.toUpperCase()}`, expr(`steps.run_${s.key}.outputs.run_status`)])),
    run: script(
      "failed=0",
      ...stacks.map(
        (s) =>
          `if [[ $RUN_STATUS_${s.key.toUpperCase()} != planned_and_finished ]]; then echo "::error::plan of ${s.name}: '\${RUN_STATUS_${s.key.toUpperCase()}:-not started}'"; failed=1; fi`,
      ),
      'exit "$failed"',
    ),
  });
  return {
    name: PULL_REQUEST_JOBS.plan,
    "runs-on": RUNNER,
    needs: ["check"],
    // The plan uploads what the branch's code synthesized (in the check job, without secrets:
    // this job runs no code of the branch or its dependencies) with a Terraform Cloud token,
    // whose runs see the workspace's credentials: the token lives in the plan environment,
    // where every run waits for a reviewer, who sees the check job's summary of what will run. Forks get no secrets; without a reviewed plan environment (a private
    // repository) the plan is skipped and the merge's apply job plans first.
    if: `${fromSameRepo} && vars.${PR_PLAN_VARIABLE} == 'reviewed'`,
    environment: PLAN_ENVIRONMENT,
    // Reads nothing from the repository: the stacks come from the check job's artifact.
    permissions: {},
    "timeout-minutes": 30,
    outputs,
    steps,
  };
}

function commentJob(stacks: { cloud: readonly CloudStack[]; local: readonly LocalStack[] }): Job {
  const env: Record<string, string> = {
    CHECK_RESULT: expr("needs.check.result"),
    PLAN_RESULT: expr("needs.plan.result"),
    CLOUD_STACKS: JSON.stringify(stacks.cloud.map((s) => ({ name: s.name, key: s.key, workspace: s.workspace }))),
    LOCAL_STACKS: JSON.stringify(stacks.local),
    MARKER: COMMENT_MARKER,
  };
  for (const s of stacks.cloud)
    for (const field of ["add", "change", "destroy", "run_link", "run_status"])
      env[`PLAN_${s.key}_${field}`] = expr(`needs.plan.outputs.${s.key}_${field}`);
  return {
    name: PULL_REQUEST_JOBS.comment,
    "runs-on": RUNNER,
    needs: ["check", "plan"],
    if: `always() && ${fromSameRepo}`,
    permissions: { contents: "read", "pull-requests": "write" },
    "timeout-minutes": 10,
    steps: [
      // The merge commit's first parent is the base branch: fetch both.
      checkout(2),
      {
        name: "Diff the host bundles against the base branch",
        run: script('git diff --no-color HEAD^1 HEAD -- compose/ >"$RUNNER_TEMP/compose.diff"'),
      },
      {
        name: "Create or update the summary comment",
        uses: uses(ACTIONS.githubScript),
        env,
        with: { script: COMMENT_SCRIPT },
      },
    ],
  };
}

/** Runs in actions/github-script; every input arrives through env (no expression is spliced into code). */
const COMMENT_SCRIPT = `const fs = require("node:fs");
const env = process.env;
const rows = JSON.parse(env.CLOUD_STACKS).map((s) => {
  const v = (field) => env[\`PLAN_\${s.key}_\${field}\`] || "";
  const link = v("run_link") ? \`[run](\${v("run_link")})\` : "no run";
  const counts = v("add") === "" ? "n/a" : \`+\${v("add")} ~\${v("change")} -\${v("destroy")}\`;
  return \`| \${s.name} | \${s.workspace} | \${counts} | \${v("run_status") || "not started"} | \${link} |\`;
});
const local = JSON.parse(env.LOCAL_STACKS).map((s) => \`- \${s.name}: not planned (\${s.reason})\`);
let diff = fs.readFileSync(\`\${env.RUNNER_TEMP}/compose.diff\`, "utf8");
const limit = 60000;
if (diff.length > limit) diff = \`\${diff.slice(0, limit)}\\n... (truncated: \${diff.length} characters)\`;
const body = [
  env.MARKER,
  "### servarr: plan and host bundle",
  \`Checks: **\${env.CHECK_RESULT}**, plan: **\${env.PLAN_RESULT}**\`,
  "",
  "| stack | workspace | add / change / destroy | status | Terraform Cloud |",
  "| --- | --- | --- | --- | --- |",
  ...rows,
  ...(local.length ? ["", ...local] : []),
  "",
  diff.trim() ? \`<details><summary>compose/ diff against the base branch</summary>\\n\\n\\\`\\\`\\\`diff\\n\${diff}\\n\\\`\\\`\\\`\\n</details>\` : "No change to compose/.",
].join("\\n");
const { owner, repo } = context.repo;
const issue_number = context.issue.number;
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const mine = comments.find((c) => c.user?.type === "Bot" && c.body?.includes(env.MARKER));
if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
else await github.rest.issues.createComment({ owner, repo, issue_number, body });
`;
