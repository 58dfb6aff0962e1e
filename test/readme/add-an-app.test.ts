import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../compose/render/bundle";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import type { Host } from "../../constructs/host/host";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { Exposure } from "../../constructs/model/exposure";
import { FIXTURES } from "../fixtures";
import { ingressRules, plus, resources, synth } from "../support";

const root = path.resolve(__dirname, "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Add an app"), readme.indexOf("\n## ", readme.indexOf("## Add an app") + 1));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const importLine = blocks.find((b) => b.startsWith("import "))?.trim() ?? "";
const snippet = blocks.find((b) => b.includes("new ServarrApp(")) ?? "";

/** The README's snippet, verbatim, as the body of `apps` (it is plain JavaScript once the types are gone; it has none). */
const declareFromReadme = new Function("host", "ServarrApp", "Exposure", snippet) as (
  host: Host,
  app: typeof ServarrApp,
  exposure: typeof Exposure,
) => void;

describe("README 'Add an app': the snippet, verbatim, reaches every layer it claims", () => {
  const full = FIXTURES.full;
  if (!full) throw new Error("no full fixture");
  const { host, json } = synth(plus((h) => declareFromReadme(h, ServarrApp, Exposure), full));
  const app = host.apps.find((a) => a.props.image.includes("audiobookshelf"));
  const bundle = renderBundle(host);
  const compose = parse(bundle.get("compose.yaml") as string) as ComposeFile;
  const hostname = `books.${host.domain}`;

  it("has both blocks: the import and the app", () => {
    expect(importLine).toBe('import { ServarrApp } from "./constructs/host/servarr-app";');
    expect(existsSync(path.join(root, "constructs/host/servarr-app.ts"))).toBe(true); // the path is right from servarr.config.ts
    expect(app?.name).toBe("audiobookshelf");
  });

  it("compose service: pinned image, its own uid in the host's group, health route probed, config dir and /data/media", () => {
    const service = compose.services.audiobookshelf;
    expect(service?.image).toMatch(/^ghcr\.io\/advplyr\/audiobookshelf:[\w.-]+@sha256:[a-f0-9]{64}$/);
    expect(service?.user).toBe(`13100:${host.gid}`);
    expect(JSON.stringify(service?.healthcheck?.test)).toContain("http://127.0.0.1:80/healthcheck");
    expect(service?.volumes).toEqual([`${host.configRoot}/audiobookshelf:/config`, `${host.dataRoot}/media:/data/media`]);
    expect(service?.environment?.METADATA_PATH).toBe("/config/metadata");
  });

  it("ingress rule, proxied DNS record and an Access application on its hostname", () => {
    expect(ingressRules(json)).toContainEqual(expect.objectContaining({ hostname, service: "http://audiobookshelf:80" }));
    const records = Object.values(resources(json, "cloudflare_dns_record")).filter((r) => r.name === hostname);
    expect(records).toEqual([expect.objectContaining({ type: "CNAME", proxied: true })]);
    const access = Object.values(resources(json, "cloudflare_zero_trust_access_application")).filter((a) =>
      (a.destinations as Array<{ uri: string }>).some((d) => d.uri === hostname),
    );
    expect(access).toHaveLength(1);
  });

  it("backup of its config dir, an uptime check of its health route, its networks, its host user and dir", () => {
    const backup = host.appWithRole("backup");
    expect(compose.services[backup?.name ?? ""]?.volumes).toContain(`${host.configRoot}/audiobookshelf:/sources/audiobookshelf:ro`);
    const checks = Object.values(resources(json, "google_monitoring_uptime_check_config")).filter(
      (c) => (c.monitored_resource as { labels: { host: string } }).labels.host === hostname,
    );
    expect(checks).toEqual([expect.objectContaining({ http_check: expect.objectContaining({ path: "/healthcheck" }) })]);
    const plan = host.networkPlan();
    expect(plan.canReach(host.appWithRole("tunnel-connector")?.name ?? "", "audiobookshelf")).toBe(true);
    expect(plan.hasEgress("audiobookshelf")).toBe(true);
    // setup.sh's data: the app's user and config dir.
    const data = bundle.get("bundle.env") as string;
    expect(data).toMatch(/^app_users=\([^)]*\n {2}'audiobookshelf' 13100\n/m);
    expect(data).toMatch(
      new RegExp(`^dirs=\\([^)]*\\n {2}'${host.configRoot}/audiobookshelf' 'audiobookshelf' '${host.groupName}' 750\\n`, "m"),
    );
  });

  // A config file as a user has it, built here (never the user's own servarr.config.ts): the shipped config's
  // imports, the README's import where the README puts it, the snippet verbatim inside `apps: (host) => { … }`.
  const configWith = (imports: readonly string[]) =>
    [
      ...imports,
      "",
      "export const config: ServarrConfig = {",
      "  ...base,",
      "  apps: (host) => {",
      "    catalog.cloudflared(host);",
      snippet.replace(/^(?=.)/gm, "    ").trimEnd(),
      "  },",
      "};",
      "",
    ].join("\n");
  const others = [
    'import * as catalog from "./constructs/catalog";',
    'import { Exposure } from "./constructs/model/exposure";',
    'import type { ServarrConfig } from "./stacks/config";',
    'import { config as base } from "./test/fixtures/minimal";',
  ];
  const biome = (text: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), "servarr-readme-"));
    try {
      const settings = JSON.parse(readFileSync(path.join(root, "biome.json"), "utf8"));
      writeFileSync(path.join(dir, "biome.json"), JSON.stringify({ ...settings, $schema: undefined, vcs: { enabled: false } }));
      writeFileSync(path.join(dir, "servarr.config.ts"), text);
      const bin = path.join(root, "node_modules/@biomejs/biome/bin/biome");
      return spawnSync(process.execPath, [bin, "check", "servarr.config.ts"], { cwd: dir, encoding: "utf8" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("pasted as the README says (import after ./constructs/catalog, before ./constructs/model/exposure; the app inside apps), the file passes npm run lint (Biome: format, lint, import order)", () => {
    expect(section.replace(/\s+/g, " ")).toContain("it goes after `./constructs/catalog`, before `./constructs/model/exposure`");
    const where = biome(configWith([others[0] as string, importLine, ...others.slice(1)]));
    expect(where.stdout + where.stderr).not.toMatch(/organizeImports|lint\/|format/);
    expect(where.status).toBe(0);
  });

  it("the import at the very top would not pass (so the README's placement is the one that does)", () => {
    const top = biome(configWith([importLine, ...others]));
    expect(top.stdout + top.stderr).toMatch(/organizeImports/);
  });
});
