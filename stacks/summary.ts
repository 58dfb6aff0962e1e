import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import { ZeroTrustAccessPolicy } from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import type { Host } from "../constructs/host/host";
import { linksOf } from "../constructs/model/cross-host";
import { describeMonitoring } from "../constructs/wiring/monitoring";
import { describeRelation, wiringPlan } from "../constructs/wiring/plan";
import { setupSummary } from "./setup/summary";
import type { SynthResult } from "./synth";

/** The short human summary printed after a synth: apps, hostnames, exposure, counts. */
export function summarize(result: SynthResult): string {
  const lines: string[] = [];
  for (const host of result.hosts)
    lines.push(
      ...hostSummary(host),
      ...crossHostSummary(host),
      ...wiringSummary(host),
      ...exceptionSummary(host),
      ...zeroTrustSummary(host),
    );
  for (const [name, json] of result.stacks) {
    const counts = Object.entries(json.resource ?? {})
      .map(([type, byName]) => [type, Object.keys(byName).length] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    const total = counts.reduce((n, [, c]) => n + c, 0);
    lines.push("", `stack ${name}: ${total} resources`);
    for (const [type, count] of counts) lines.push(`  ${String(count).padStart(3)}  ${type}`);
  }
  lines.push(...setupSummary(result));
  lines.push(
    "",
    result.written.length ? `generated files updated: ${result.written.join(", ")}` : "generated files (host bundle, workflows): unchanged",
  );
  return lines.join("\n");
}

/** The wiring plan, one line per relation the wire job converges (compose/<host>/wire/plan.json). */
function wiringSummary(host: Host): string[] {
  const plan = wiringPlan(host);
  if (plan.relations.length === 0 && plan.skipped.length === 0 && !plan.monitoring) return [];
  return [
    `wiring of ${host.name} (the wire job after each deploy; ${plan.relations.length} relations):`,
    ...plan.relations.map((r) => `  ${describeRelation(r)}`),
    ...(plan.monitoring ? describeMonitoring(plan.monitoring).map((l) => `  ${l}`) : []),
    ...plan.skipped.map((s) => `  not wired: ${s}`),
  ];
}

/** The relations with apps on other hosts, each with the address the client reaches. */
function crossHostSummary(host: Host): string[] {
  const links = linksOf(host);
  if (links.length === 0) return [];
  return [
    `across hosts from ${host.name}:`,
    ...links.map(
      (l) => `  ${l.client.name} -> ${l.targetHost.name}/${l.target.name} at ${l.address}:${l.port} (admitted from ${l.from} only)`,
    ),
  ];
}

function hostSummary(host: Host): string[] {
  const rows = host.apps.map((app) => [
    app.name,
    app.exposure.kind,
    app.vpn ? `via ${host.appWithRole("vpn-gateway")?.name}` : "",
    app.exposure.lanPort !== undefined ? `LAN ${app.exposure.lanPort}` : "",
    app.routes
      .map(
        (r) =>
          `${r.hostname}${r.exposure.kind === "private" ? (app.props.login === "access" ? " (Access, the only sign-in)" : " (Access)") : ""}`,
      )
      .join(", "),
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  const edge = host.apps.flatMap((a) => a.routes);
  return [
    `host ${host.name}: ${host.apps.length} apps, ${edge.length} hostnames (${edge.filter((r) => r.exposure.kind === "private").length} behind Access)`,
    ...rows.map(
      (r) =>
        `  ${r
          .map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c))
          .join("  ")
          .trimEnd()}`,
    ),
  ];
}

/** Every named reason for a refused-by-default request (constructs/validation/least-privilege.ts): what the owner accepted. */
export function exceptionSummary(host: Host): string[] {
  const rows = [
    ...host.apps.flatMap((app) => Object.entries(app.props.reasons).map(([risk, why]) => `  ${app.name}: ${risk}: ${why}`)),
    ...host.serviceTokens.all
      .filter((t) => t.everyPrivateAppReason !== undefined)
      .map((t) => `  service token ${t.name}: every private app: ${t.everyPrivateAppReason}`),
  ];
  return rows.length > 0
    ? [`least-privilege exceptions of ${host.name} (named reasons):`, ...rows]
    : [`least-privilege exceptions of ${host.name}: none`];
}

/** Per-layer counts of the edge (the console step's values are printed by setup-summary.ts). */
function zeroTrustSummary(host: Host): string[] {
  const all = host.node.findAll();
  const hostnames = new Set(host.tunnel.ingressRules.map((r) => r.hostname));
  const accessApps = all.filter((c) => c instanceof ZeroTrustAccessApplication).length;
  // Shared policies are the account's (constructs/cloudflare/account.ts); what lives under the host is per app.
  const perApp = all.filter((c) => c instanceof ZeroTrustAccessPolicy).length;
  const shared = host.access.sharedPolicies.length;
  return [
    `zero trust ${host.name}: ${hostnames.size} hostnames (SSH at ${host.ssh.hostname}), ${accessApps} Access apps, ` +
      `${shared} shared policies (+${perApp} per-app), ${host.serviceTokens.all.length} service tokens (${host.serviceTokens.names.join(", ")})`,
  ];
}
