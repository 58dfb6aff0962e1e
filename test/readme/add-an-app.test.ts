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
    expect(importLine).toBe('import { ServarrApp } from "./constructs/servarr-app";');
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

  const config = readFileSync(path.join(root, "servarr.config.ts"), "utf8");
  const anchor = config.match(/^import .* from "\.\/constructs\/exposure";$/m)?.[0];
  it.skipIf(config.includes(importLine) || anchor === undefined)(
    "the import where the README puts it keeps servarr.config.ts lint-clean (Biome); at the top it would not",
    () => {
      const body = (text: string) =>
        text.replace(/\n {2}apps: \(host\) => \{\n/, `\n  apps: (host) => {\n${snippet.replace(/^/gm, "    ").trimEnd()}\n`);
      const biome = (text: string) => {
        const dir = mkdtempSync(path.join(tmpdir(), "servarr-readme-"));
        try {
          const settings = JSON.parse(readFileSync(path.join(root, "biome.json"), "utf8"));
          writeFileSync(path.join(dir, "biome.json"), JSON.stringify({ ...settings, $schema: undefined, vcs: { enabled: false } }));
          writeFileSync(path.join(dir, "servarr.config.ts"), text);
          // Formatting aside (the snippet is indented by this test): lint rules and import order.
          const bin = path.join(root, "node_modules/@biomejs/biome/bin/biome");
          return spawnSync(process.execPath, [bin, "check", "--formatter-enabled=false", "servarr.config.ts"], {
            cwd: dir,
            encoding: "utf8",
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      };
      const where = biome(body(config.replace(anchor as string, `${anchor}\n${importLine}`)));
      expect(where.stdout + where.stderr).not.toMatch(/organizeImports|lint\//);
      expect(where.status).toBe(0);
      const top = biome(body(`${importLine}\n${config}`));
      expect(top.stdout + top.stderr).toMatch(/organizeImports/);
    },
  );
});
