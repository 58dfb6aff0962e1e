import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { REQUIRED_CHECKS } from "../../constructs/github/required-checks";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { Exposure } from "../../constructs/model/exposure";
import { deliveryObjects } from "../../delivery/repo-files";
import { label, nodeId } from "../../diagrams/mermaid";
import { hostPictures, picturesPage } from "../../diagrams/pages";
import type { ServarrConfig } from "../../stacks/config";
import { synthesize } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { exampleConfig, plus } from "../support";
import { mermaidBlocks, parseMermaid } from "./mermaid-parser";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-pictures-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Synthesizes a config and renders its pictures: per host (edge.md, host.md) and the docs page. */
const rendered = new Map<string, ReturnType<typeof render>>();
function pictures(name: string, config: ServarrConfig) {
  if (!rendered.has(name)) rendered.set(name, render(name, config));
  return rendered.get(name) as ReturnType<typeof render>;
}

function render(name: string, config: ServarrConfig) {
  const dir = path.join(scratch, name);
  const result = synthesize(config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose") });
  const perHost = new Map(result.hosts.map((h) => [h.name, hostPictures(h, result.stacks)]));
  const delivery = deliveryObjects(result.hosts, result.stacks, config.github);
  const page = picturesPage(result.hosts, result.stacks, delivery.workflows, delivery.deliveries);
  const diagram = (host: string, file: "edge.md" | "host.md") => (mermaidBlocks(perHost.get(host)?.get(file) ?? "")[0] ?? "").split("\n");
  const changePath = (mermaidBlocks(page).at(-1) ?? "").split("\n");
  return { result, perHost, page, diagram, changePath };
}

/** An app whose name is a Mermaid keyword, and labels full of what ends or breaks a Mermaid string. */
const tricky = plus((host) => {
  new ServarrApp(host, "end", {
    image: "ghcr.io/example/end:1.0.0",
    identity: "image",
    port: 8080,
    healthPath: "/health",
    egress: true,
    exposure: Exposure.private({ subdomain: "graph", path: '^/(health|b"<y>#x[z]{1})', allowEmails: ["friend@example.com"] }),
  });
});

// Every fixture's and the user's committed pictures are parsed by the user-config checks (test/user-config/checks.ts).
describe("the pictures parse with Mermaid's own parser, whatever the names and paths", () => {
  it("an app named like a Mermaid keyword, a path rule full of quotes, brackets and #: every diagram is a valid flowchart", async () => {
    const { perHost, page } = pictures("tricky", tricky);
    const blocks = [...[...perHost.values()].flatMap((files) => [...files.values()].flatMap(mermaidBlocks)), ...mermaidBlocks(page)];
    expect(blocks).toHaveLength(5);
    for (const block of blocks) expect(await parseMermaid(block), block).toEqual({ type: "flowchart-v2" });
  });

  it("the parser has teeth: an unquoted parenthesis in a label, a keyword as id, a dangling arrow are refused", async () => {
    for (const broken of ["flowchart LR\n  a[x (y)] --> b", "flowchart LR\n  end --> b", "flowchart LR\n  a -->"])
      expect((await parseMermaid(broken)).error, broken).toMatch(/Parse error/);
  });

  it("labels escape what would end the string or open HTML; ids never collide with keywords", () => {
    expect(label('a"b', "<c>#d")).toBe('"a#quot;b<br/>#lt;c#gt;#35;d"');
    expect(nodeId("s", "end")).toBe("s_end");
    expect(nodeId("s", "uptime-kuma")).toBe("s_uptime_kuma");
  });
});

describe("the edge: read from the synthesized Access and tunnel resources", () => {
  const { diagram, result } = pictures("tricky", tricky);
  const host = result.hosts[0];
  if (!host) throw new Error("no host");
  const lines = diagram(host.name, "edge.md");
  const nodeOf = (hostname: string) =>
    lines
      .find((l) => l.includes(`["${hostname}<br/>`))
      ?.trim()
      .split("[")[0] ?? "missing";
  const policyOf = (text: string) =>
    lines
      .find((l) => /^ {4}p_\d+\[/.test(l) && l.includes(text))
      ?.trim()
      .split("[")[0] ?? "missing";
  const into = (node: string) => lines.filter((l) => l.trim().endsWith(` ${node}`)).map((l) => l.trim());

  it("one box per hostname of the tunnel, with its origin; nothing else is in the tunnel", () => {
    const hostnames = [...new Set(host.tunnel.ingressRules.map((r) => r.hostname))];
    expect(lines.filter((l) => /^ {4}r_\d+\[/.test(l))).toHaveLength(hostnames.length);
    for (const app of host.apps) for (const route of app.routes) expect(lines.join("\n")).toContain(`${route.hostname}<br/>`);
    expect(lines.join("\n")).toContain(`→ ${host.app("sonarr")?.originUrl}`);
  });

  it("public hostnames are reached by anyone; private ones only through their policies", () => {
    for (const app of host.apps)
      for (const route of app.routes) {
        const arrows = into(nodeOf(route.hostname));
        if (route.exposure.kind === "public") expect(arrows, route.hostname).toContain(`anyone -->|public| ${nodeOf(route.hostname)}`);
        else {
          expect(
            arrows.some((a) => a.startsWith("anyone")),
            route.hostname,
          ).toBe(false);
          expect(arrows, route.hostname).toContain(`${policyOf("owners (allow)")} --> ${nodeOf(route.hostname)}`);
        }
      }
  });

  it("the monitor's token reaches health paths only; SSH admits the owners and the CI token, not the monitor", () => {
    const monitor = policyOf("service token servarr uptime-monitor");
    expect(into(nodeOf("sonarr.example.com"))).toContain(`${monitor} -->|"/ping only"| ${nodeOf("sonarr.example.com")}`);
    expect(lines.filter((l) => l.trim().startsWith(`${monitor} -->`)).every((l) => l.includes(' only"|'))).toBe(true);
    expect(into(nodeOf("ssh.example.com")).sort()).toEqual(
      [
        `${policyOf("owners (allow)")} --> ${nodeOf("ssh.example.com")}`,
        `${policyOf("ci-deploy")} --> ${nodeOf("ssh.example.com")}`,
      ].sort(),
    );
  });

  it("an app's own people get a policy of their own, signed in with Google", () => {
    const people = lines.find((l) => l.includes("friend@example.com")) ?? "";
    expect(people).toContain("signed in with Google");
    expect(into(nodeOf("graph.example.com"))).toContain(`${people.trim().split("[")[0]} --> ${nodeOf("graph.example.com")}`);
  });
});

describe("the hosts: services, networks, VPN namespace, LAN and directories from compose.yaml and the network plan", () => {
  const { diagram, result } = pictures("host", exampleConfig);
  const host = result.hosts[0];
  if (!host) throw new Error("no host");
  const lines = diagram(host.name, "host.md");
  const compose = parse(readFileSync(path.join(scratch, "host/compose", host.name, "compose.yaml"), "utf8")) as ComposeFile;

  it("every compose service is a node; the VPN apps sit in the gateway's namespace box", () => {
    for (const name of Object.keys(compose.services))
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ +${nodeId("s", name)}\\["${name}"\\]$`)));
    const box = lines.slice(
      lines.findIndex((l) => l.startsWith("  subgraph ns_")),
      lines.indexOf("  end") + 1,
    );
    const inBox = Object.entries(compose.services)
      .filter(([, s]) => s.network_mode?.startsWith("service:"))
      .map(([n]) => n);
    expect(inBox.length).toBeGreaterThan(0);
    for (const name of inBox) expect(box).toContain(`    ${nodeId("s", name)}["${name}"]`);
  });

  it("a line per declared relation, an arrow out per egress network, the LAN port on the host's address", () => {
    const plan = host.networkPlan();
    expect(lines.filter((l) => / --- /.test(l))).toHaveLength(plan.relations().length);
    const egress = Object.entries(compose.networks ?? {}).filter(([, n]) => n.internal === false).length;
    expect(lines.filter((l) => l.endsWith(" internet") && l.includes("-"))).toHaveLength(egress);
    const plex = host.app("plex");
    expect(lines).toContain(`  lan -->|"${host.lanAddress}:${plex?.exposure.lanPort}"| s_plex`);
  });

  it("directories: the Docker socket only for the proxy, read-only; the backup app reads the config dirs read-only", () => {
    const socket =
      lines
        .find((l) => l.includes('"/var/run/docker.sock"'))
        ?.trim()
        .split("[")[0] ?? "missing";
    expect(lines.filter((l) => l.endsWith(` ${socket}`))).toEqual([`  s_socket_proxy -.->|read-only| ${socket}`]);
    const configs =
      lines
        .find((l) => l.includes(`${host.configRoot}/#lt;app#gt;`))
        ?.trim()
        .split("[")[0] ?? "missing";
    expect(lines).toContain(`  s_${host.appWithRole("backup")?.name} -.->|read-only| ${configs}`);
  });
});

describe("the change path: the workflows synth renders, the environments and the protection synth declares", () => {
  it("public repository with a ruleset: the required checks lead to the merge, the merge to the deploy workflow, each host's job to its gate", () => {
    const { changePath, result } = pictures("change-public", FIXTURES["two-hosts"] as ServarrConfig);
    const text = changePath.join("\n");
    for (const check of REQUIRED_CHECKS) expect(text).toContain(`${check}<br/>`);
    expect(changePath.filter((l) => l.endsWith(" --> merge"))).toHaveLength(REQUIRED_CHECKS.length);
    expect(text).toMatch(/merge\{\{"merge to the default branch \(ruleset\)<br\/>1 approving review by a code owner of the last push/);
    expect(text).toContain("environment plan: a reviewer approves each run");
    expect(text).toContain("environment production: branch main only, no admin bypass");
    for (const host of result.hosts)
      expect(changePath).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^  j\\d_deploy_${host.name.replace(/-/g, "_")} -->\\|"ssh ${host.ssh.hostname.replaceAll(".", "\\.")} through the tunnel"\\| g_${host.name}$`,
          ),
        ),
      );
  });

  it("private repository with classic protection: the plan job is skipped (no reviewed plan environment), the protection's checks", () => {
    const { changePath } = pictures("change-private", FIXTURES["own-identity"] as ServarrConfig);
    const text = changePath.join("\n");
    expect(text).toContain("(branch protection)");
    expect(text).toContain("speculative plan in Terraform Cloud<br/>skipped: SERVARR_PR_PLAN is off, not reviewed");
    expect(text).toContain("environment plan: not declared (GitHub creates it without rules on first use)");
  });

  it("no protection: the merge requires nothing, and the picture says so", () => {
    const config = {
      ...exampleConfig,
      github: { ...exampleConfig.github, visibility: "private", plan: "free", protection: "none" },
    } as ServarrConfig;
    const { changePath } = pictures("change-none", config);
    expect(changePath.join("\n")).toContain("no protection: nothing is required");
    expect(changePath.filter((l) => l.endsWith(" --> merge"))).toEqual([]);
  });
});
