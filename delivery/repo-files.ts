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
import { renderWorkflow, type Workflow } from "./workflow-spec";

/**
 * Where the repository files live: synth removes a generated file there that it no longer renders
 * (hand-written pages under docs/ carry no marker and are never touched).
 */
export const OWNED_REPO_DIRS: readonly string[] = [".github", "docs"];

/** The workflows as objects (rendered to YAML, and drawn in the change-path picture) and the hosts' deliveries. */
export interface DeliveryObjects {
  readonly workflows: ReadonlyMap<string, Workflow>;
  readonly deliveries: readonly Delivery[];
}

export function deliveryObjects(hosts: readonly Host[], stacks: ReadonlyMap<string, TerraformJson>, github: GitHubConfig): DeliveryObjects {
  const classified = classifyStacks(stacks);
  const repository = repositoryFacts(github);
  const deliveries = hosts.map((h) => Delivery.of(h)).filter((d): d is Delivery => d !== undefined);
  const workflows = new Map<string, Workflow>([
    [".github/workflows/pull-request.yml", pullRequestWorkflow(classified, repository)],
    [".github/workflows/deploy.yml", deployWorkflow(classified.cloud, deliveries, repository)],
    [".github/workflows/token-expiry.yml", tokenExpiryWorkflow()],
  ]);
  return { workflows, deliveries };
}

/** Generated files outside the host bundles, keyed by path relative to the repository root (the pictures page is stacks/synth.ts's). */
export function renderRepoFiles(github: GitHubConfig, objects: DeliveryObjects): ReadonlyMap<string, string> {
  return new Map([
    ...[...objects.workflows].map(([file, workflow]) => [file, renderWorkflow(workflow)] as const),
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
