import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REQUIRED_CHECKS } from "../../constructs/github/required-checks";
import type { ServarrConfig } from "../../stacks/config";
import { FIXTURES } from "../fixtures";
import { renderedFile, renderedRepoFiles } from "../rendered";
import { exampleConfig, resources, synth } from "../support";

interface Job {
  name?: string;
  if?: string;
}
/** What GitHub reports a job's check run under: its `name`, or its id when it has none. */
const reportedNames = (text: string): Set<string> => {
  const w = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
  expect(Object.keys(w.on)).toContain("pull_request");
  return new Set(Object.entries(w.jobs).map(([id, job]) => job.name ?? id));
};
// The full fixture's pull request workflow as synth renders it (the user's committed one: test/user-config/).
const committed = renderedFile(renderedRepoFiles(exampleConfig).files, ".github/workflows/pull-request.yml");
/** Required contexts no job of the workflow reports: each one blocks every merge forever. */
const neverReported = (text: string, contexts: readonly string[]) => contexts.filter((c) => !reportedNames(text).has(c));

/** The contexts the repository's protection requires, whichever kind the config chose. */
function requiredContexts(config: ServarrConfig): string[] {
  const { json } = synth(config);
  const ruleset = Object.values(resources(json, "github_repository_ruleset")) as Array<{
    rules: { required_status_checks?: { required_check: Array<{ context: string }> } };
  }>;
  const classic = Object.values(resources(json, "github_branch_protection")) as Array<{
    required_status_checks: Array<{ contexts: string[] }>;
  }>;
  return [
    ...ruleset.flatMap((r) => r.rules.required_status_checks?.required_check.map((c) => c.context) ?? []),
    ...classic.flatMap((b) => b.required_status_checks.flatMap((c) => c.contexts)),
  ];
}

const configs: Array<[string, ServarrConfig]> = Object.entries(FIXTURES);
const withProtection = (protection: ServarrConfig["github"]["protection"]): ServarrConfig => ({
  ...exampleConfig,
  github: { ...exampleConfig.github, visibility: "public", protection },
});

describe("required status checks: one name per contract", () => {
  const reported = reportedNames(committed);

  it("every required check is a job of the committed pull request workflow, by the name GitHub reports", () => {
    for (const check of REQUIRED_CHECKS) expect(reported, check).toContain(check);
  });

  it.each(configs)("%s: the protection requires exactly those names, no other", (_, config) => {
    const contexts = requiredContexts(config);
    if (config.github.protection === "none") expect(contexts).toEqual([]);
    else expect([...contexts].sort()).toEqual([...REQUIRED_CHECKS].sort());
    for (const c of contexts) expect(reported, c).toContain(c);
  });

  it.each(["ruleset", "branch-protection"] as const)("%s: requires the job names, never the job ids", (kind) => {
    const contexts = requiredContexts(withProtection(kind));
    expect(contexts.length).toBeGreaterThan(0);
    for (const c of contexts) expect(reported, c).toContain(c);
  });

  it("catches a broken copy: a required check named after the job id, or a job renamed by hand", () => {
    expect(neverReported(committed, REQUIRED_CHECKS)).toEqual([]);
    // What this repository shipped before: the ruleset required "plan", the job reported its name.
    expect(neverReported(committed, ["plan"])).toEqual(["plan"]);
    const plan = REQUIRED_CHECKS[1] as string;
    const renamed = committed.replace(`name: ${plan}`, "name: plan (renamed)");
    expect(renamed).not.toBe(committed);
    expect(neverReported(renamed, REQUIRED_CHECKS)).toEqual([plan]);
  });
});
