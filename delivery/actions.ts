/**
 * Every action the generated workflows use, pinned by full commit SHA: the one place to bump
 * them. `version` is written next to the SHA as a comment. Each SHA was read from public files
 * that pin it next to its release tag (see `source`).
 */
export interface PinnedAction {
  readonly repo: string;
  readonly sha: string;
  readonly version: string;
  /** Where the SHA ↔ version pairing was checked. */
  readonly source: string;
}

export const ACTIONS = {
  checkout: {
    repo: "actions/checkout",
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
    source: "pinned as v5.0.0 in many public workflows and SHA tables",
  },
  setupNode: {
    repo: "actions/setup-node",
    sha: "49933ea5288caeca8642d1e84afbd3f7d6820020",
    version: "v4.4.0",
    source: "pinned as v4.4.0 in public workflows; the tag ref was checked against the GitHub API by their authors",
  },
  githubScript: {
    repo: "actions/github-script",
    sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd",
    version: "v8.0.0",
    source: "pinned as v8.0.0 in public workflows and SHA tables",
  },
  // hashicorp/tfc-workflows-github: no public workflow pins it by SHA. This is the repository's
  // own commit whose CHANGELOG tops out at v1.1.1, whose actions run tfci:v1.1.1 and whose
  // templates reference @v1.1.1; that it is the tag's commit is not verified (check with
  // `git ls-remote https://github.com/hashicorp/tfc-workflows-github v1.1.1` before relying on it).
  tfcUploadConfiguration: {
    repo: "hashicorp/tfc-workflows-github/actions/upload-configuration",
    sha: "f693a0e763dd36c72691f9acea02815b744eabbb",
    version: "v1.1.1",
    source: "hashicorp/tfc-workflows-github at this commit (CHANGELOG, action.yml)",
  },
  tfcCreateRun: {
    repo: "hashicorp/tfc-workflows-github/actions/create-run",
    sha: "f693a0e763dd36c72691f9acea02815b744eabbb",
    version: "v1.1.1",
    source: "hashicorp/tfc-workflows-github at this commit (CHANGELOG, action.yml)",
  },
  tfcPlanOutput: {
    repo: "hashicorp/tfc-workflows-github/actions/plan-output",
    sha: "f693a0e763dd36c72691f9acea02815b744eabbb",
    version: "v1.1.1",
    source: "hashicorp/tfc-workflows-github at this commit (CHANGELOG, action.yml)",
  },
  tfcApplyRun: {
    repo: "hashicorp/tfc-workflows-github/actions/apply-run",
    sha: "f693a0e763dd36c72691f9acea02815b744eabbb",
    version: "v1.1.1",
    source: "hashicorp/tfc-workflows-github at this commit (CHANGELOG, action.yml)",
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
