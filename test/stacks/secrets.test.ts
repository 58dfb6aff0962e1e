import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TerraformJson } from "../../delivery/stacks";
import { summarize } from "../../stacks/summary";
import { synthesize } from "../../stacks/synth";
import { exampleConfig } from "../support";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-secrets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** Every string in a JSON document with the path to it. */
function strings(value: unknown, at = ""): Array<[string, string]> {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

describe("secrets are sensitive end to end", () => {
  const result = synthesize(exampleConfig, {
    outdir: path.join(scratch, "model/cdktf.out"),
    bundleRoot: path.join(scratch, "model/compose"),
  });
  const stacks = [...result.stacks.entries()];
  const host = result.hosts[0];

  it("synthesizes both stacks", () => {
    expect(stacks.map(([name]) => name).sort()).toEqual(["bootstrap", "servarr"]);
  });

  it("declares every variable of every stack sensitive", () => {
    for (const [name, json] of stacks)
      for (const [variable, def] of Object.entries(json.variable ?? {}))
        expect((def as { sensitive?: boolean }).sensitive, `${name}: ${variable}`).toBe(true);
  });

  it("marks every output that carries a variable or a secret attribute sensitive", () => {
    for (const [name, json] of stacks)
      for (const [output, def] of Object.entries((json.output ?? {}) as Record<string, { value: unknown; sensitive?: boolean }>)) {
        if (/\$\{(var\.|data\.cloudflare_zero_trust_tunnel_cloudflared_token)/.test(JSON.stringify(def.value)))
          expect(def.sensitive, `${name}: ${output}`).toBe(true);
      }
  });

  it("fills every secret-carrying field with a reference, never a literal", () => {
    const secretFields = /(plaintext_value|\.headers\.CF-Access-Client-(Id|Secret)|^resource\.tfe_variable\.[^.]+\.value)$/;
    let seen = 0;
    for (const [name, json] of stacks)
      for (const [at, value] of strings(json)) {
        if (!secretFields.test(at)) continue;
        seen++;
        expect(value, `${name}: ${at}`).toMatch(
          /^\$\{(var\.[a-z0-9_]+|data\.[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+|[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+|sha256\([a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+\))\}$/,
        );
      }
    const servarr = result.stacks.get("servarr") as TerraformJson;
    expect(seen).toBeGreaterThanOrEqual((host?.secrets.all.length ?? 0) + Object.keys(servarr.variable ?? {}).length);
  });

  it("writes no secret value anywhere, even when every secret is in the environment (marker values)", () => {
    const inputs = [...result.stacks.values()].flatMap((j) => Object.keys(j.variable ?? {}));
    const names = [...new Set([...(host?.secrets.all.map((s) => s.name) ?? []), ...inputs.map((n) => n.toUpperCase()), "TF_API_TOKEN"])];
    const saved = { ...process.env };
    names.forEach((n, i) => {
      process.env[n] = `SERVARR-LEAK-MARKER-${i}-${n}`;
      process.env[`TF_VAR_${n.toLowerCase()}`] = `SERVARR-LEAK-MARKER-${i}-${n}`;
    });
    try {
      // What main.ts does: synthesize both stacks and the bundle, then print the summary.
      const dir = path.join(scratch, "markers");
      const marked = synthesize(exampleConfig, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose") });
      const written = files(dir);
      expect(written.some((f) => f.endsWith(path.join("stacks", "bootstrap", "cdk.tf.json")))).toBe(true);
      expect(written.some((f) => f.endsWith("compose.yaml"))).toBe(true);
      for (const content of [summarize(marked), ...written.map((f) => readFileSync(f, "utf8"))])
        expect(content).not.toMatch(/SERVARR-LEAK-MARKER/);
    } finally {
      process.env = saved;
    }
  });
});
