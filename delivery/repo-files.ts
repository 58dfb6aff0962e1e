import { Delivery } from "../constructs/delivery";
import type { Host } from "../constructs/host";
import type { TerraformJson } from "../stacks/synth";
import { deployWorkflow } from "./deploy-workflow";
import { pullRequestWorkflow } from "./pull-request-workflow";
import { classifyStacks } from "./stacks";
import { tokenExpiryWorkflow } from "./token-expiry-workflow";
import { renderWorkflow } from "./workflow-spec";

/** Generated files outside the host bundles, keyed by path relative to the repository root. */
export function renderRepoFiles(hosts: readonly Host[], stacks: ReadonlyMap<string, TerraformJson>): ReadonlyMap<string, string> {
  const classified = classifyStacks(stacks);
  const deliveries = hosts.map((h) => Delivery.of(h)).filter((d): d is Delivery => d !== undefined);
  return new Map([
    [".github/workflows/pull-request.yml", renderWorkflow(pullRequestWorkflow(classified))],
    [".github/workflows/deploy.yml", renderWorkflow(deployWorkflow(classified.cloud, deliveries))],
    [".github/workflows/token-expiry.yml", renderWorkflow(tokenExpiryWorkflow())],
  ]);
}
