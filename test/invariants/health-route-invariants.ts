/**
 * The promise that the uptime monitor's service token opens health routes only, checked on the
 * SYNTHESIZED Terraform JSON (Cloudflare Access and the Google uptime checks together).
 *
 * Access picks the Access application with the most specific destination for a request; a
 * public destination's `uri` "can include a domain and path" (Cloudflare provider 5.14.0,
 * internal/services/zero_trust_access_application/schema.go, `destinations.uri`). So a token
 * admitted by an application whose destinations are `host/path` opens that path only, and one
 * admitted by an application on the bare hostname opens the whole app.
 */
import type { TerraformJson } from "../../delivery/stacks";

type Obj = Record<string, unknown>;

const resources = (tf: TerraformJson, type: string): Record<string, Obj> => (tf.resource?.[type] ?? {}) as Record<string, Obj>;
const policyKey = (id: string) => /^\$\{cloudflare_zero_trust_access_policy\.([^.]+)\.id\}$/.exec(id)?.[1];

interface UptimeCheck {
  readonly host: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

function uptimeChecks(tf: TerraformJson): UptimeCheck[] {
  return Object.values(resources(tf, "google_monitoring_uptime_check_config")).map((c) => {
    const http = c.http_check as { path: string; headers?: Record<string, string> };
    return { host: (c.monitored_resource as { labels: { host: string } }).labels.host, path: http.path, headers: http.headers };
  });
}

/**
 * - every Access application that admits the monitor token (by its own include, or by admitting
 *   any valid service token) is scoped to paths, each one a path an uptime check probes on that
 *   hostname, without wildcards; so no application on a bare hostname (an app itself) admits it;
 * - every uptime check that presents a token presents the monitor's, and an Access application
 *   on exactly its host and path admits it (else the check would be refused).
 */
export function monitorTokenOpensHealthRoutesOnly(tf: TerraformJson, monitor: { namePrefix: string; token: string }): string[] {
  const problems: string[] = [];
  const tokenKey = Object.entries(resources(tf, "cloudflare_zero_trust_access_service_token")).find(
    ([, t]) => t.name === `${monitor.namePrefix} ${monitor.token}`,
  )?.[0];
  if (!tokenKey) return [`no service token named "${monitor.namePrefix} ${monitor.token}"`];
  const tokenRef = `\${cloudflare_zero_trust_access_service_token.${tokenKey}.id}`;
  const admitting = new Set(
    Object.entries(resources(tf, "cloudflare_zero_trust_access_policy"))
      .filter(([, p]) =>
        ((p.include as Obj[] | undefined) ?? []).some(
          (i) => (i.service_token as { token_id?: string } | undefined)?.token_id === tokenRef || "any_valid_service_token" in i,
        ),
      )
      .map(([key]) => key),
  );
  const checks = uptimeChecks(tf);
  const probed = new Set(checks.map((c) => `${c.host}${c.path}`));
  const opened = new Set<string>();

  for (const app of Object.values(resources(tf, "cloudflare_zero_trust_access_application"))) {
    const refs = (app.policies as Array<{ id: string }> | undefined) ?? [];
    if (!refs.some((r) => admitting.has(policyKey(r.id) ?? ""))) continue;
    for (const { uri = "" } of (app.destinations as Array<{ uri?: string }> | undefined) ?? []) {
      const path = uri.slice(uri.indexOf("/") >= 0 ? uri.indexOf("/") : uri.length);
      if (path === "" || path === "/") problems.push(`${uri}: admits the ${monitor.token} token on the whole hostname`);
      else if (uri.includes("*")) problems.push(`${uri}: admits the ${monitor.token} token on a wildcard`);
      else if (!probed.has(uri)) problems.push(`${uri}: admits the ${monitor.token} token on a path no uptime check probes`);
      else opened.add(uri);
    }
  }
  const idRef = `\${cloudflare_zero_trust_access_service_token.${tokenKey}.client_id}`;
  for (const check of checks.filter((c) => c.headers !== undefined)) {
    const where = `${check.host}${check.path}`;
    if (check.headers?.["CF-Access-Client-Id"] !== idRef)
      problems.push(`uptime check of ${where}: presents another token than ${monitor.token}`);
    if (!opened.has(where)) problems.push(`uptime check of ${where}: no Access application scoped to it admits ${monitor.token}`);
  }
  return problems;
}
