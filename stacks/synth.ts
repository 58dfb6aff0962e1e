import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "cdktf";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import type { IConstruct, IValidation } from "constructs";
import { renderBundle } from "../compose/render/bundle";
import { COMPOSE_SOURCE_DIRS } from "../constructs/config/layout";
import type { Host } from "../constructs/host/host";
import { deliveryObjects, OWNED_REPO_DIRS, renderRepoFiles } from "../delivery/repo-files";
import type { TerraformJson } from "../delivery/stacks";
import { hostPictures, PICTURES_PAGE, picturesPage } from "../diagrams/pages";
import { BootstrapStack } from "./bootstrap-stack";
import type { ServarrConfig } from "./config";
import { applyGeneratedFiles, type GeneratedFiles, renderGitAttributes } from "./generated-files";
import { ServarrStack } from "./servarr-stack";

export interface SynthOptions {
  /** cdktf output directory (cdktf.out). */
  readonly outdir: string;
  /** Directory holding one bundle directory per host (compose/). */
  readonly bundleRoot: string;
  /** Repository root: where generated repository files (.github/workflows/) go. Unset: not written. */
  readonly repoRoot?: string;
}

export interface SynthResult {
  readonly stacks: ReadonlyMap<string, TerraformJson>;
  readonly hosts: readonly Host[];
  /** Bundle files (relative to bundleRoot) and repository files (relative to repoRoot) written because their content changed. */
  readonly written: readonly string[];
}

/** Builds the construct tree for a config: the one place stacks are wired together. */
export function buildApp(config: ServarrConfig, outdir: string): { app: App; hosts: Host[] } {
  // Validations run in assertValid (cdktf's own run would also demand a local terraform binary).
  const app = new App({ outdir, skipValidation: true });
  const servarr = new ServarrStack(app, "servarr", config);
  new BootstrapStack(app, "bootstrap", config, servarr);
  return { app, hosts: [...servarr.hosts] };
}

/**
 * Synthesizes everything or nothing: the Terraform JSON goes to a staging directory and the
 * bundles are rendered in memory; only when both succeed is the staging directory swapped in
 * and are changed bundle files replaced (each by an atomic rename).
 */
export function synthesize(config: ServarrConfig, options: SynthOptions): SynthResult {
  const outdir = path.resolve(options.outdir);
  const scratch = mkdtempSync(path.join(tmpdir(), "servarr-synth-"));
  const staging = path.join(scratch, "out");
  let bundles: Array<{ dir: string; files: ReadonlyMap<string, string> }>;
  let repoFiles: ReadonlyMap<string, string>;
  let hosts: Host[];
  let stacks: Map<string, TerraformJson>;
  try {
    const built = withoutTokenStackTraces(() => {
      const { app, hosts } = buildApp(config, staging);
      assertValid(app);
      app.synth();
      return { hosts };
    });
    hosts = built.hosts;
    stacks = readStacks(staging);
    bundles = hosts.map((host) => ({ dir: host.name, files: hostBundleFiles(host, stacks) }));
    // The change-path picture draws the same workflow objects the YAML is rendered from.
    const delivery = deliveryObjects(hosts, stacks, config.github);
    repoFiles = new Map([
      ...renderRepoFiles(config.github, delivery),
      [PICTURES_PAGE, picturesPage(hosts, stacks, delivery.workflows, delivery.deliveries)],
    ]);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }

  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(path.dirname(outdir), { recursive: true });
  try {
    renameSync(staging, outdir);
  } catch {
    cpSync(staging, outdir, { recursive: true }); // the temp dir is on another file system
  }
  rmSync(scratch, { recursive: true, force: true });
  const bundleFiles = new Map(bundles.flatMap((b) => [...b.files].map(([name, content]) => [`${b.dir}/${name}`, content] as const)));
  const written = applyGeneratedFiles({ root: options.bundleRoot, files: bundleFiles, owned: bundleDirs(options.bundleRoot, bundles) });
  if (options.repoRoot !== undefined)
    written.push(...applyGeneratedFiles(repoManifest(options.repoRoot, options.bundleRoot, bundleFiles, repoFiles)));
  return { stacks, hosts, written };
}

/**
 * cdktf captures a full stack trace for every token it creates (cdktf 0.21
 * lib/tokens/private/intrinsic.js: `creationStack = captureStackTrace()`, with
 * `Error.stackTraceLimit` raised to MAX_SAFE_INTEGER in tokens/private/stack-trace.js) only to print
 * it when a token cannot be resolved: collecting the frames was ~4 % of a synth's CPU, formatting
 * them ~8 %. While the construct tree is built and synthesized, `Error.captureStackTrace` records
 * nothing (stack-trace.js then returns [] for an empty `stack`, as it does for a formatted one of ""),
 * and errors thrown meanwhile get no formatted frames. Our errors are reported by message, never by
 * stack (main.ts).
 */
function withoutTokenStackTraces<T>(build: () => T): T {
  const previous = { prepare: Error.prepareStackTrace, capture: Error.captureStackTrace };
  Error.prepareStackTrace = () => "";
  Error.captureStackTrace = () => {};
  try {
    return build();
  } finally {
    Error.prepareStackTrace = previous.prepare;
    Error.captureStackTrace = previous.capture;
  }
}

/** Every file of a host's bundle directory: the bundle the host runs, and the pictures of its edge and of itself. */
export function hostBundleFiles(host: Host, stacks: ReadonlyMap<string, TerraformJson>): ReadonlyMap<string, string> {
  return new Map([...renderBundle(host), ...hostPictures(host, stacks)]);
}

/**
 * Runs every construct's validations, so a bad config reads as our problems with their
 * construct paths (cdktf's failure adds a "skipValidation" hint that is no option for a user).
 * cdktf's checks of the local `terraform` binary's version are left out: synth only writes
 * JSON, and Terraform runs in Terraform Cloud at the version the workspace sets.
 */
function assertValid(app: App): void {
  const validationsOf = (c: IConstruct) => (c.node as unknown as { _validations: IValidation[] })._validations;
  const problems = app.node.findAll().flatMap((c) =>
    validationsOf(c)
      .filter((v) => !(v instanceof ValidateBinaryVersion))
      .flatMap((v) => v.validate().map((message) => `[${c.node.path}] ${message}`)),
  );
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

/**
 * Every bundle directory, current or left by a renamed host: synth owns them all, so a file it
 * no longer renders goes (and with it a stale bundle the host could deploy).
 */
function bundleDirs(bundleRoot: string, bundles: ReadonlyArray<{ dir: string }>): string[] {
  const existing = existsSync(bundleRoot)
    ? readdirSync(bundleRoot, { withFileTypes: true }).filter((d) => d.isDirectory() && !Object.hasOwn(COMPOSE_SOURCE_DIRS, d.name))
    : [];
  return [...new Set([...bundles.map((b) => b.dir), ...existing.map((d) => d.name)])];
}

/** The repository's generated files: the workflows and CODEOWNERS, and .gitattributes listing every generated file. */
function repoManifest(
  repoRoot: string,
  bundleRoot: string,
  bundleFiles: ReadonlyMap<string, string>,
  repoFiles: ReadonlyMap<string, string>,
): GeneratedFiles {
  const bundlePaths = [...bundleFiles.keys()].map((name) => path.relative(repoRoot, path.join(bundleRoot, name)).split(path.sep).join("/"));
  const files = new Map(repoFiles);
  files.set(".gitattributes", renderGitAttributes([...bundlePaths, ...repoFiles.keys()]));
  return { root: repoRoot, files, owned: OWNED_REPO_DIRS };
}

export function readStacks(outdir: string): Map<string, TerraformJson> {
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return new Map(
    Object.entries(manifest.stacks).map(([name, s]) => [
      name,
      JSON.parse(readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson,
    ]),
  );
}
