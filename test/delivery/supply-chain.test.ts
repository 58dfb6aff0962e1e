import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTIONS } from "../../delivery/actions";
import { SYNTH_ARTIFACT } from "../../delivery/common-steps";
import type { Job, Workflow } from "../../delivery/workflow-spec";

/**
 * A poisoned dependency or a hostile branch runs code only where no secret is: the jobs that
 * hold one check nothing out, install nothing and run no script of the repository; they take
 * the stacks another job synthesized as an artifact. Every action is pinned to the commit its
 * release tag points at.
 */

const root = path.resolve(__dirname, "../..");
const workflows = Object.fromEntries(
  ["pull-request", "deploy", "token-expiry"].map((n) => [
    n,
    parse(readFileSync(path.join(root, `.github/workflows/${n}.yml`), "utf8")) as Workflow,
  ]),
);
const jobs = Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.jobs).map(([id, job]) => [`${file}/${id}`, job] as const));
const holdsSecret = (job: Job) => /\$\{\{\s*secrets\./.test(JSON.stringify(job));

/**
 * The commit each release tag points at, read from a snapshot of the action's repository with
 * `git show-ref --tags -d` on 2026-12-03 (lightweight tags: no tag object to peel). The earlier
 * tfc-workflows-github pin f693a0e7… was a pull-request head on no branch or tag.
 */
const RELEASE_TAGS: Record<string, string> = {
  "actions/checkout@v5.0.0": "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
  "actions/setup-node@v4.4.0": "49933ea5288caeca8642d1e84afbd3f7d6820020",
  "actions/github-script@v8.0.0": "ed597411d8f924073f98dfc5c65a23a2325f34cd",
  "actions/upload-artifact@v6.0.0": "b7c566a772e6b6bfb58ed0dc250532a479d7789f",
  "actions/download-artifact@v7.0.0": "37930b1c2abaa49bbe596cd826c3c89aef350131",
  "hashicorp/tfc-workflows-github@v1.1.1": "4e91ea58dde1e255e6cecdfd7a19c5f395538393",
};

describe("every action is pinned to the commit of a real release tag", () => {
  it.each(Object.entries(ACTIONS))("%s", (_, action) => {
    const repo = action.repo.split("/").slice(0, 2).join("/");
    expect(RELEASE_TAGS[`${repo}@${action.version}`], `${repo} ${action.version}`).toBe(action.sha);
  });
  it("the generated workflows use no other commit", () => {
    const used = jobs.flatMap(([, job]) => job.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(used.length).toBeGreaterThan(5);
    for (const ref of used) expect(Object.values(RELEASE_TAGS), ref).toContain(ref.split("@")[1]);
  });
});

describe("jobs holding a secret run no code of the branch or its dependencies", () => {
  const secretJobs = jobs.filter(([, job]) => holdsSecret(job));

  it("no checkout, no install, no npm or node; only pinned actions and inline shell of the workflow", () => {
    expect(secretJobs.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(["deploy/apply", "pull-request/plan", "token-expiry/check"].filter((n) => jobs.some(([j]) => j === n))),
    );
    for (const [name, job] of secretJobs)
      for (const step of job.steps) {
        expect(step.uses ?? "", `${name}: ${step.name}`).not.toMatch(/actions\/(checkout|setup-node)@/);
        expect(step.run ?? "", `${name}: ${step.name}`).not.toMatch(/\b(npm|npx|node|yarn|pnpm)\b|\.\/|bash [^-]/);
      }
  });

  it("the Terraform Cloud jobs take the stacks a job without secrets synthesized", () => {
    for (const [file, producer, consumer] of [
      ["pull-request", "check", "plan"],
      ["deploy", "synth", "apply"],
    ] as const) {
      const w = workflows[file] as Workflow;
      const up = w.jobs[producer] as Job;
      const down = w.jobs[consumer] as Job;
      expect(holdsSecret(up), `${file}/${producer}`).toBe(false);
      expect(up.steps.at(-1)?.uses).toContain(ACTIONS.uploadArtifact.sha);
      expect(up.steps.at(-1)?.with).toMatchObject({ name: SYNTH_ARTIFACT, path: "cdktf.out/stacks" });
      expect(down.needs).toContain(producer);
      expect(down.steps[0]?.uses).toContain(ACTIONS.downloadArtifact.sha);
      expect(down.steps[0]?.with).toEqual({ name: SYNTH_ARTIFACT, path: "cdktf.out/stacks" });
      expect(down.permissions).toEqual({});
    }
  });
});

describe("the plan's approval shows what will run", () => {
  it("the check job's summary names the PR's head commit, the merge commit and every changed file", () => {
    const check = workflows["pull-request"]?.jobs.check as Job;
    const step = check.steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"));
    expect(step?.env).toMatchObject({ PR_HEAD: "${{ github.event.pull_request.head.sha }}" });
    expect(step?.run).toContain("git diff --name-status HEAD^1 HEAD");
    expect(step?.run).toContain("$(git rev-parse HEAD)");
    // HEAD^1 (the base) exists only with two commits of history.
    expect(check.steps[0]?.with).toMatchObject({ "fetch-depth": 2 });
  });
});
