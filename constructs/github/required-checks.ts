/**
 * The names the pull request workflow's jobs report under. GitHub names a job's check run after
 * the job's `name:` (its id only when it has no name), and a ruleset or branch protection
 * matches required checks by that exact string. Written once here: the workflow's jobs take
 * their names from this table and the repository's protection requires them from it.
 */
export const PULL_REQUEST_JOBS = {
  check: "lint, typecheck, test, synth",
  plan: "speculative plan in Terraform Cloud",
  comment: "pull request comment",
} as const;

/** Checks the default branch requires before a merge: the tests and the Terraform Cloud plan. */
export const REQUIRED_CHECKS: readonly string[] = [PULL_REQUEST_JOBS.check, PULL_REQUEST_JOBS.plan];
