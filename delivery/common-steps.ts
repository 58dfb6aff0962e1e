import { ACTIONS, NODE_VERSION, uses } from "./actions";
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
