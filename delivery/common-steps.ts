import { ACTIONS, NODE_VERSION, uses } from "./actions";
import { STACKS_DIR } from "./stacks";
import { type Step, script } from "./workflow-spec";

/** Generated files the drift check covers: the host bundles, these workflows and the pictures page under docs/. */
export const GENERATED_PATHS = ["compose/", ".github/", "docs/"] as const;

/** Checkout without leaving the token in .git/config (no later step needs to push). */
export function checkout(fetchDepth = 1): Step {
  return { name: "Check out", uses: uses(ACTIONS.checkout), with: { "persist-credentials": false, "fetch-depth": fetchDepth } };
}

/** Node with the npm cache keyed on package-lock.json, then a clean install. */
export function installDependencies(): Step[] {
  return [
    { name: "Set up Node.js", uses: uses(ACTIONS.setupNode), with: { "node-version": NODE_VERSION, cache: "npm" } },
    { name: "Install dependencies", run: script("npm ci --no-audit --no-fund") },
  ];
}

export function synth(): Step {
  return { name: "Synthesize", run: script("npm run --silent synth") };
}

/** Fails when synth changed or added a committed generated file. */
export function driftCheck(): Step {
  const paths = GENERATED_PATHS.join(" ");
  return {
    name: "Check generated files are committed",
    run: script(
      `if ! git diff --exit-code -- ${paths} || [[ -n "$(git status --porcelain -- ${paths})" ]]; then`,
      `  echo "::error::generated files are out of date: run 'npm run synth' and commit the result"`,
      "  exit 1",
      "fi",
    ),
  };
}

/** The synthesized stacks, handed from the job that ran the branch's code to the jobs holding secrets. */
export const SYNTH_ARTIFACT = "synthesized-stacks";

/** Last step of a job without secrets: the synthesized stacks as this run's artifact. */
export function uploadStacks(): Step {
  return {
    name: "Hand over the synthesized stacks",
    uses: uses(ACTIONS.uploadArtifact),
    with: { name: SYNTH_ARTIFACT, path: STACKS_DIR, "if-no-files-found": "error", "retention-days": 1 },
  };
}

/**
 * First step of a job holding secrets: the stacks another job synthesized. Such a job checks out
 * nothing and installs nothing, so no code of the branch or its dependencies runs beside the
 * secrets (an install script or a poisoned dependency could rewrite the runner's action files).
 */
export function downloadStacks(): Step {
  return { name: "Take the synthesized stacks", uses: uses(ACTIONS.downloadArtifact), with: { name: SYNTH_ARTIFACT, path: STACKS_DIR } };
}
