import { generatedMarker } from "../compose/render";
import { Delivery } from "../constructs/delivery";
import { reviewers } from "../constructs/github-environments";
import type { Host } from "../constructs/host";
import { repositoryFacts } from "../constructs/repository";
import { PICTURES_PAGE, picturesPage } from "../diagrams/pages";
import type { GitHubConfig } from "../stacks/config";
import type { TerraformJson } from "../stacks/synth";
import { deployWorkflow } from "./deploy-workflow";
import { pullRequestWorkflow } from "./pull-request-workflow";
import { classifyStacks } from "./stacks";
import { tokenExpiryWorkflow } from "./token-expiry-workflow";
import { renderWorkflow, type Workflow } from "./workflow-spec";

/**
 * Where the repository files live: synth removes a generated file there that it no longer renders
 * (hand-written pages under docs/ carry no marker and are never touched).
 */
export const OWNED_REPO_DIRS: readonly string[] = [".github", "docs"];

/** Generated files outside the host bundles, keyed by path relative to the repository root. */
export function renderRepoFiles(
  hosts: readonly Host[],
  stacks: ReadonlyMap<string, TerraformJson>,
  github: GitHubConfig,
): ReadonlyMap<string, string> {
  const classified = classifyStacks(stacks);
  const repository = repositoryFacts(github);
  const deliveries = hosts.map((h) => Delivery.of(h)).filter((d): d is Delivery => d !== undefined);
  // Rendered to YAML and drawn in the change-path picture: the same objects.
  const workflows = new Map<string, Workflow>([
    [".github/workflows/pull-request.yml", pullRequestWorkflow(classified, repository)],
    [".github/workflows/deploy.yml", deployWorkflow(classified.cloud, deliveries, repository)],
    [".github/workflows/token-expiry.yml", tokenExpiryWorkflow()],
  ]);
  return new Map([
    ...[...workflows].map(([file, workflow]) => [file, renderWorkflow(workflow)] as const),
    [".github/CODEOWNERS", renderCodeOwners(github)],
    [PICTURES_PAGE, picturesPage(hosts, stacks, workflows, deliveries)],
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
