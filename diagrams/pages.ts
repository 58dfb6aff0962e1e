import { composeProject } from "../compose/render/project/project";
import { generatedMarker } from "../compose/render/render";
import type { Delivery } from "../constructs/github/delivery";
import type { Host } from "../constructs/host/host";
import type { TerraformJson } from "../delivery/stacks";
import type { Workflow } from "../delivery/workflow-spec";
import { changePathDiagram } from "./change-path";
import { edgeDiagram } from "./edge";
import { hostDiagram } from "./host";
import { mermaidBlock } from "./mermaid";

/** Where the config's pictures are collected, relative to the repository root (the docs link here). */
export const PICTURES_PAGE = "docs/pictures.md";

const MARKER = generatedMarker("<!--").concat(" -->");

const EDGE_LEGEND = [
  "Each box in the tunnel is a hostname routed to a container (its origin after the arrow); every hostname is a proxied CNAME",
  "to the tunnel. An arrow from `anyone` is a public hostname (the app signs people in itself); an arrow from a policy is an",
  "Access application on that hostname admitting what the policy includes (on one path only where the arrow says so).",
  "Read from the synthesized Terraform JSON, so it shows what the apply will create.",
];

const HOST_LEGEND = [
  "A line is a declared relation (`talksTo`, the tunnel connector's exposed apps, the monitor's every app): the two services",
  "share an `internal: true` network (Kopia's setup jobs share only Kopia's egress network); services with no line between",
  "them share no network. A dotted arrow is a service's own egress network; `LAN` arrows are published LAN ports and",
  "relations with apps on other hosts. The cylinders are the host directories the services bind.",
];

const CHANGE_LEGEND = [
  "Each box is a generated workflow and its jobs (an arrow: `needs`); the hexagon is what the default branch's protection",
  "requires before a merge; each deploy job logs in to its host's deploy gate. Environments and protection are read from the",
  "synthesized GitHub resources, the jobs from the workflow objects synth renders into `.github/workflows/`.",
];

/**
 * Each host's two diagrams, drawn once per synth: the bundle's pages and docs/pictures.md show the
 * same lines (keyed by the host and the stacks it was drawn from).
 */
const drawn = new WeakMap<Host, { stacks: ReadonlyMap<string, TerraformJson>; edge: string[]; host: string[] }>();
function diagramsOf(host: Host, stacks: ReadonlyMap<string, TerraformJson>): { edge: string[]; host: string[] } {
  const cached = drawn.get(host);
  if (cached?.stacks === stacks) return cached;
  const fresh = { stacks, edge: edgeOf(host, stacks), host: hostDiagram(host, composeProject(host)) };
  drawn.set(host, fresh);
  return fresh;
}

/** Every stack's JSON searched for the tunnel of this host (one stack holds them all today). */
function edgeOf(host: Host, stacks: ReadonlyMap<string, TerraformJson>): string[] {
  for (const tf of stacks.values()) {
    const tunnels = Object.values(tf.resource?.cloudflare_zero_trust_tunnel_cloudflared ?? {}) as Array<{ name?: string }>;
    if (tunnels.some((t) => t.name === host.name)) return edgeDiagram(tf, host.name);
  }
  throw new Error(`no synthesized stack holds the tunnel of ${host.name}`);
}

/** The pictures next to a host's bundle: `edge.md` and `host.md` in `compose/<host>/`. */
export function hostPictures(host: Host, stacks: ReadonlyMap<string, TerraformJson>): Map<string, string> {
  const page = (title: string, legend: readonly string[], diagram: readonly string[]) =>
    [MARKER, `# ${title}`, "", ...legend, "", mermaidBlock(diagram), ""].join("\n");
  const { edge, host: picture } = diagramsOf(host, stacks);
  const networks = `${host.networkPlan().networks.length} networks in all.`;
  return new Map([
    ["edge.md", page(`The edge of ${host.name}`, EDGE_LEGEND, edge)],
    ["host.md", page(`The host ${host.name}`, [...HOST_LEGEND, networks], picture)],
  ]);
}

/**
 * `docs/pictures.md`: the three pictures of the config (the edge and each host, per host; the
 * change path once), the page the README and the docs link to.
 */
export function picturesPage(
  hosts: readonly Host[],
  stacks: ReadonlyMap<string, TerraformJson>,
  workflows: ReadonlyMap<string, Workflow>,
  deliveries: readonly Delivery[],
): string {
  const perHost = (diagram: (host: Host) => readonly string[]) =>
    hosts.flatMap((host) => [...(hosts.length > 1 ? [`### ${host.name}`, ""] : []), mermaidBlock(diagram(host)), ""]);
  return [
    MARKER,
    "# Pictures of this configuration",
    "",
    "Drawn by `npm run synth` from the model of `servarr.config.ts` (the bundles hold the same per host: `compose/<host>/edge.md`",
    "and `host.md`). GitHub renders them; the tests parse each with Mermaid's own parser.",
    "",
    "## The edge",
    "",
    ...EDGE_LEGEND,
    "",
    ...perHost((host) => diagramsOf(host, stacks).edge),
    "## The hosts",
    "",
    ...HOST_LEGEND,
    "",
    ...perHost((host) => diagramsOf(host, stacks).host),
    "## The change path",
    "",
    ...CHANGE_LEGEND,
    "",
    mermaidBlock(changePathDiagram(workflows, stacks, deliveries)),
    "",
  ].join("\n");
}
