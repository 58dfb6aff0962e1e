import { generatedMarker } from "../compose/render/render";
import type { GitHubConfig } from "../constructs/config/accounts";
import { repositoryFacts } from "../constructs/config/repository";
import { Delivery } from "../constructs/github/delivery";
import { reviewers } from "../constructs/github/environments";
import type { Host } from "../constructs/host/host";
import { deployWorkflow } from "./deploy-workflow";
import { pullRequestWorkflow } from "./pull-request-workflow";
import { classifyStacks, type TerraformJson } from "./stacks";
import { tokenExpiryWorkflow } from "./token-expiry-workflow";
import { renderWorkflow } from "./workflow-spec";

/** Where the repository files live: synth removes a generated file there that it no longer renders. */
export const OWNED_REPO_DIRS: readonly string[] = [".github"];

/** Generated files outside the host bundles, keyed by path relative to the repository root. */
export function renderRepoFiles(
  hosts: readonly Host[],
  stacks: ReadonlyMap<string, TerraformJson>,
  github: GitHubConfig,
): ReadonlyMap<string, string> {
  const classified = classifyStacks(stacks);
  const repository = repositoryFacts(github);
  const deliveries = hosts.map((h) => Delivery.of(h)).filter((d): d is Delivery => d !== undefined);
  return new Map([
    [".github/workflows/pull-request.yml", renderWorkflow(pullRequestWorkflow(classified, repository))],
    [".github/workflows/deploy.yml", renderWorkflow(deployWorkflow(classified.cloud, deliveries, repository))],
    [".github/workflows/token-expiry.yml", renderWorkflow(tokenExpiryWorkflow())],
    [".github/CODEOWNERS", renderCodeOwners(github)],
  ]);
}

/**
 * Every file is owned by the reviewers, so the ruleset's code owner review covers the
 * workflows, the generated bundle (what runs as root on the host), package.json and its lock
 * file (what CI installs) and the model itself. One rule: nothing is left out by a forgotten path.
 */
export function renderCodeOwners(github: GitHubConfig): string {
  return `${generatedMarker("#")}\n* ${reviewers(github)
    .map((r) => `@${r}`)
    .join(" ")}\n`;
}
