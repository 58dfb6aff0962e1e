// biome-ignore-all lint/suspicious/noExplicitAny: the tests edit untyped synthesized JSON to break it on purpose
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { parse } from "yaml";
import type { TerraformJson } from "../../delivery/stacks";
import type { ServarrConfig } from "../../stacks/config";
import { synthesize } from "../../stacks/synth";
import { exampleConfig } from "../support";
import { filesUnder } from "../user-config/tools";
import type { Declared, SynthesizedModel } from "./edge-invariants";

/** What the invariant tests hold synthesized output against: the real synth's files, read back. */
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-invariants-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

export interface Written {
  readonly model: SynthesizedModel;
  readonly files: ReadonlyMap<string, string>;
  readonly declared: Declared;
}

/** Runs the real synth into a scratch dir and reads back what it wrote. */
export function written(config: ServarrConfig, name: string): Written {
  const dir = path.join(scratch, name);
  const result = synthesize(config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose") });
  const files = filesUnder(dir);
  const tf = JSON.parse(files.get("cdktf.out/stacks/servarr/cdk.tf.json") ?? "{}") as TerraformJson;
  const compose = parse(files.get(`compose/${config.name}/compose.yaml`) ?? "") as SynthesizedModel["compose"];
  // The declaration the output is held against: what the config says, not what synth made of it.
  const host = result.hosts[0];
  if (!host) throw new Error("no host");
  const routes = host.apps.flatMap((a) => a.routes);
  return {
    model: { tf, compose },
    files,
    declared: {
      publicHostnames: routes.filter((r) => r.exposure.kind === "public").map((r) => r.hostname),
      people: [...config.host.owners, ...routes.flatMap((r) => r.exposure.allowEmails)],
      tokens: Object.keys(config.host.serviceTokens),
      namePrefix: config.name,
    },
  };
}

export const example = written(exampleConfig, "example");

/** A deep copy of the example's Terraform JSON, changed by `edit`. */
export function broken(edit: (tf: any) => void): SynthesizedModel {
  const tf = structuredClone(example.model.tf);
  edit(tf);
  return { tf, compose: example.model.compose };
}
