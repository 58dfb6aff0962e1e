/**
 * Every action the generated workflows use, pinned by full commit SHA: the one place to bump
 * them. `version` is written next to the SHA as a comment. Each SHA is the commit the release
 * tag `version` points at in the action's own repository (a lightweight tag: no tag object),
 * read from a snapshot of that repository with `git show-ref --tags` (see `source`).
 */
export interface PinnedAction {
  readonly repo: string;
  readonly sha: string;
  readonly version: string;
  /** Where the SHA ↔ version pairing was checked. */
  readonly source: string;
}

// hashicorp/tfc-workflows-github v1.1.1 ("Prepare release v1.1.1 (#29)", 2023-11-09). The SHA
// pinned before (f693a0e7…) was a pull-request head on no branch or tag, with the same tree.
const TFC_WORKFLOWS_V1_1_1 = "4e91ea58dde1e255e6cecdfd7a19c5f395538393";
const TFC_WORKFLOWS_SOURCE = "hashicorp/tfc-workflows-github: refs/tags/v1.1.1 -> 4e91ea58 (git show-ref --tags, read 2026-12-03)";

export const ACTIONS = {
  checkout: {
    repo: "actions/checkout",
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
    source: "actions/checkout: refs/tags/v5.0.0 -> 08c6903c (git show-ref --tags, read 2026-12-03)",
  },
  setupNode: {
    repo: "actions/setup-node",
    sha: "49933ea5288caeca8642d1e84afbd3f7d6820020",
    version: "v4.4.0",
    source: "actions/setup-node: refs/tags/v4.4.0 -> 49933ea5 (git show-ref --tags, read 2026-12-03)",
  },
  githubScript: {
    repo: "actions/github-script",
    sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd",
    version: "v8.0.0",
    source: "actions/github-script: refs/tags/v8.0.0 -> ed597411 (git show-ref --tags, read 2026-12-03)",
  },
  tfcUploadConfiguration: {
    repo: "hashicorp/tfc-workflows-github/actions/upload-configuration",
    sha: TFC_WORKFLOWS_V1_1_1,
    version: "v1.1.1",
    source: TFC_WORKFLOWS_SOURCE,
  },
  tfcCreateRun: {
    repo: "hashicorp/tfc-workflows-github/actions/create-run",
    sha: TFC_WORKFLOWS_V1_1_1,
    version: "v1.1.1",
    source: TFC_WORKFLOWS_SOURCE,
  },
  tfcPlanOutput: {
    repo: "hashicorp/tfc-workflows-github/actions/plan-output",
    sha: TFC_WORKFLOWS_V1_1_1,
    version: "v1.1.1",
    source: TFC_WORKFLOWS_SOURCE,
  },
  tfcApplyRun: {
    repo: "hashicorp/tfc-workflows-github/actions/apply-run",
    sha: TFC_WORKFLOWS_V1_1_1,
    version: "v1.1.1",
    source: TFC_WORKFLOWS_SOURCE,
  },
  uploadArtifact: {
    repo: "actions/upload-artifact",
    sha: "b7c566a772e6b6bfb58ed0dc250532a479d7789f",
    version: "v6.0.0",
    source: "actions/upload-artifact: refs/tags/v6.0.0 -> b7c566a7 (git show-ref --tags, read 2026-12-03)",
  },
  downloadArtifact: {
    repo: "actions/download-artifact",
    sha: "37930b1c2abaa49bbe596cd826c3c89aef350131",
    version: "v7.0.0",
    source: "actions/download-artifact: refs/tags/v7.0.0 -> 37930b1c (git show-ref --tags, read 2026-12-03)",
  },
} as const satisfies Record<string, PinnedAction>;

/** The `uses:` value of a pinned action. */
export function uses(action: PinnedAction): string {
  return `${action.repo}@${action.sha}`;
}

/** Node.js major version the workflows run (package.json engines: >=20.19). */
export const NODE_VERSION = "20";

/** GitHub-hosted runner image: a fixed release, not `-latest`. */
export const RUNNER = "ubuntu-24.04";
