import type { TerraformJson } from "../delivery/stacks";
import { label, nodeId } from "./mermaid";

type Obj = Record<string, unknown>;

interface Ingress {
  readonly hostname?: string;
  readonly path?: string;
  readonly service: string;
}

const resources = (tf: TerraformJson, type: string): Record<string, Obj> => (tf.resource?.[type] ?? {}) as Record<string, Obj>;
/** `${type.name.id}` → name: how one resource of the synthesized JSON names another. */
const refName = (type: string, ref: unknown) => new RegExp(`^\\$\\{${type}\\.([^.]+)\\.[a-z_]+\\}$`).exec(String(ref))?.[1];

/**
 * One host's edge as a Mermaid flowchart, read from the synthesized Terraform JSON (what Terraform
 * will apply, not what the model meant): the host's tunnel with one box per ingress rule
 * (hostname, path restriction, origin), and who gets through to each: anyone for a hostname no
 * Access application guards, else the Access policies of the application on that hostname (or
 * on one path of it), each with the people or the service token it admits.
 */
export function edgeDiagram(tf: TerraformJson, tunnelName: string): string[] {
  const tunnels = resources(tf, "cloudflare_zero_trust_tunnel_cloudflared");
  const tunnel = Object.keys(tunnels).find((k) => tunnels[k]?.name === tunnelName);
  if (tunnel === undefined) throw new Error(`no tunnel named ${tunnelName} in the synthesized stack`);
  const config = Object.values(resources(tf, "cloudflare_zero_trust_tunnel_cloudflared_config")).find(
    (c) => refName("cloudflare_zero_trust_tunnel_cloudflared", c.tunnel_id) === tunnel,
  );
  const rules = ((config?.config as { ingress?: Ingress[] } | undefined)?.ingress ?? []).filter(
    (r): r is Ingress & { hostname: string } => r.hostname !== undefined,
  );
  const hostnames = [...new Set(rules.map((r) => r.hostname))];
  const hostId = (hostname: string) => nodeId("r", String(hostnames.indexOf(hostname)));

  const policies = resources(tf, "cloudflare_zero_trust_access_policy");
  const used: string[] = [];
  const guards: Array<{ order: number; line: string }> = [];
  const guarded = new Set<string>();
  for (const app of Object.values(resources(tf, "cloudflare_zero_trust_access_application")))
    for (const { uri } of (app.destinations as Array<{ uri?: string }> | undefined) ?? []) {
      const [hostname = "", ...rest] = String(uri).split("/");
      if (!hostnames.includes(hostname)) continue;
      const path = rest.length > 0 ? `/${rest.join("/")}` : undefined;
      if (path === undefined) guarded.add(hostname);
      for (const { id } of (app.policies as Array<{ id: string }> | undefined) ?? []) {
        const policy = refName("cloudflare_zero_trust_access_policy", id);
        if (policy === undefined) continue;
        if (!used.includes(policy)) used.push(policy);
        const via = path === undefined ? "-->" : `-->|${label(`${path} only`)}|`;
        guards.push({
          order: used.indexOf(policy) * 10_000 + hostnames.indexOf(hostname),
          line: `  ${nodeId("p", String(used.indexOf(policy)))} ${via} ${hostId(hostname)}`,
        });
      }
    }

  const lines = ["flowchart LR", "  anyone((anyone))"];
  lines.push(`  subgraph access [${label("Cloudflare Access policies")}]`);
  used.forEach((name, i) => {
    lines.push(`    ${nodeId("p", String(i))}[${policyLabel(policies[name] ?? {}, tf)}]`);
  });
  lines.push("  end");
  lines.push(`  subgraph tunnel [${label(`tunnel ${tunnelName}: cloudflared dials out, no port open; anything else gets 404`)}]`);
  hostnames.forEach((hostname) => {
    const routes = rules.filter((r) => r.hostname === hostname);
    const text = routes.map((r) => `${r.path ? `paths ${r.path} ` : ""}→ ${r.service}`);
    lines.push(`    ${hostId(hostname)}[${label(hostname, ...text)}]`);
  });
  lines.push("  end");
  for (const hostname of hostnames) if (!guarded.has(hostname)) lines.push(`  anyone -->|public| ${hostId(hostname)}`);
  lines.push(...new Set(guards.sort((a, b) => a.order - b.order).map((g) => g.line)));
  return lines;
}

/** A policy as its decision and whom it includes: the people (and the identity provider they must sign in with) or the service token. */
function policyLabel(policy: Obj, tf: TerraformJson): string {
  const tokens = resources(tf, "cloudflare_zero_trust_access_service_token");
  const idps = resources(tf, "cloudflare_zero_trust_access_identity_provider");
  const who = ((policy.include as Obj[] | undefined) ?? []).map((entry) => {
    const email = (entry.email as { email?: string } | undefined)?.email;
    if (email !== undefined) return email;
    const token = refName(
      "cloudflare_zero_trust_access_service_token",
      (entry.service_token as { token_id?: string } | undefined)?.token_id,
    );
    if (token !== undefined) return `service token ${String(tokens[token]?.name ?? token)}`;
    return JSON.stringify(entry);
  });
  const signIn = ((policy.require as Obj[] | undefined) ?? []).flatMap((r) => {
    const idp = refName("cloudflare_zero_trust_access_identity_provider", (r.login_method as { id?: string } | undefined)?.id);
    return idp === undefined ? [] : [`signed in with ${String(idps[idp]?.name ?? idp)}`];
  });
  return label(`${String(policy.name)} (${String(policy.decision)})`, ...who, ...signIn);
}
