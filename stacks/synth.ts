import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "cdktf";
import { renderBundle } from "../compose/bundle";
import type { Host } from "../constructs/host";
import { BootstrapStack } from "./bootstrap-stack";
import type { ServarrConfig } from "./config";
import { ServarrStack } from "./servarr-stack";

export interface SynthOptions {
  /** cdktf output directory (cdktf.out). */
  readonly outdir: string;
  /** Directory holding one bundle directory per host (compose/). */
  readonly bundleRoot: string;
}

export interface SynthResult {
  readonly stacks: ReadonlyMap<string, TerraformJson>;
  readonly hosts: readonly Host[];
  /** Bundle files written because their content changed (relative to bundleRoot). */
  readonly written: readonly string[];
}

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, unknown>;
  readonly variable?: Record<string, unknown>;
  readonly terraform?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Builds the construct tree for a config: the one place stacks are wired together. */
export function buildApp(config: ServarrConfig, outdir: string): { app: App; hosts: Host[] } {
  const app = new App({ outdir });
  const servarr = new ServarrStack(app, "servarr", config);
  new BootstrapStack(app, "bootstrap", config, servarr);
  return { app, hosts: [servarr.host] };
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
  let hosts: Host[];
  try {
    const built = buildApp(config, staging);
    hosts = built.hosts;
    built.app.synth();
    bundles = hosts.map((host) => ({ dir: host.name, files: renderBundle(host) }));
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
  const written: string[] = [];
  for (const bundle of bundles) {
    const dir = path.join(options.bundleRoot, bundle.dir);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of bundle.files) {
      const file = path.join(dir, name);
      if (existsSync(file) && readFileSync(file, "utf8") === content) continue;
      writeFileSync(`${file}.tmp`, content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
      renameSync(`${file}.tmp`, file);
      written.push(path.join(bundle.dir, name));
    }
  }
  return { stacks: readStacks(outdir), hosts, written };
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
