/**
 * The security promises of the edge, checked on SYNTHESIZED output (Terraform JSON and the
 * compose file as written), not on the construct tree. Each check returns its violations;
 * an empty list means the promise holds.
 */
import type { TerraformJson } from "../../delivery/stacks";

type Obj = Record<string, unknown>;

export interface SynthesizedModel {
  readonly tf: TerraformJson;
  /** compose.yaml, parsed. */
  readonly compose: { services: Record<string, Obj> };
}

/** What the config declares (the promise), to hold the output against. */
export interface Declared {
  /** Hostnames declared `Exposure.public()`. */
  readonly publicHostnames: readonly string[];
  /** Every person any private hostname may admit (owners and per-app extras). */
  readonly people: readonly string[];
  /** Service token names declared on the host. */
  readonly tokens: readonly string[];
  /** Prefix of Access object names (the host name). */
  readonly namePrefix: string;
}

const resources = (tf: TerraformJson, type: string): Record<string, Obj> => (tf.resource?.[type] ?? {}) as Record<string, Obj>;
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

interface Ingress {
  hostname?: string;
  path?: string;
  service: string;
}

/** One tunnel config per host: its tunnel and its ingress list. */
function tunnelConfigs(tf: TerraformJson): Array<{ rules: Ingress[]; tunnelRef: string }> {
  return Object.values(resources(tf, "cloudflare_zero_trust_tunnel_cloudflared_config")).map((c) => {
    const config = c as { tunnel_id: string; config: { ingress: Ingress[] } };
    return { rules: config.config.ingress, tunnelRef: config.tunnel_id };
  });
}

/** Every ingress rule of every tunnel (one per host). */
function ingress(tf: TerraformJson): { rules: Ingress[] } {
  return { rules: tunnelConfigs(tf).flatMap((c) => c.rules) };
}

/**
 * Every tunnel has exactly one config; every ingress hostname has exactly one proxied CNAME to
 * `<its tunnel's id>.cfargotunnel.com`, and no CNAME to a tunnel dangles (one tunnel per host).
 */
export function everyHostnameHasOneProxiedTunnelCname({ tf }: SynthesizedModel): string[] {
  const problems: string[] = [];
  const configs = tunnelConfigs(tf);
  const tunnels = Object.keys(resources(tf, "cloudflare_zero_trust_tunnel_cloudflared")).map((t) =>
    ref("cloudflare_zero_trust_tunnel_cloudflared", t, "id"),
  );
  const configured = configs.map((c) => c.tunnelRef).sort();
  if (tunnels.length === 0 || JSON.stringify(configured) !== JSON.stringify([...tunnels].sort()))
    problems.push(`every tunnel must have exactly one config: tunnels ${tunnels.join(", ")}, configs of ${configured.join(", ")}`);
  const records = Object.values(resources(tf, "cloudflare_dns_record"));
  const targetOf = new Map<string, string>();
  for (const { rules, tunnelRef } of configs) {
    const target = tunnelRef.replace(/\}$/, "}.cfargotunnel.com");
    for (const hostname of new Set(rules.flatMap((r) => (r.hostname ? [r.hostname] : [])))) {
      if (targetOf.has(hostname)) problems.push(`${hostname}: routed by two tunnels`);
      targetOf.set(hostname, target);
      const mine = records.filter((r) => r.name === hostname);
      if (mine.length !== 1) problems.push(`${hostname}: ${mine.length} DNS records, expected exactly one`);
      for (const r of mine) {
        if (r.type !== "CNAME") problems.push(`${hostname}: type ${String(r.type)}, expected CNAME`);
        if (r.proxied !== true) problems.push(`${hostname}: not proxied`);
        if (r.content !== target) problems.push(`${hostname}: points to ${String(r.content)}, expected ${target}`);
      }
    }
  }
  for (const r of records)
    if (String(r.content).endsWith(".cfargotunnel.com") && !targetOf.has(String(r.name)))
      problems.push(`${String(r.name)}: CNAME to the tunnel without an ingress rule`);
  return problems;
}

/**
 * Every hostname at the edge is either declared public or guarded by exactly one Access
 * application that signs people in through the Google IdP only, and whose policies admit
 * only listed people (allow) and listed service tokens (non_identity): never everyone, any
 * valid token, a domain, an IP range or a bypass. Precedences are numbers 1..n.
 */
export function everyHostnameIsPublicOrGuarded({ tf }: SynthesizedModel, declared: Declared): string[] {
  const problems: string[] = [];
  const idps = Object.entries(resources(tf, "cloudflare_zero_trust_access_identity_provider"));
  const google = idps
    .filter(([, idp]) => idp.type === "google")
    .map(([name]) => ref("cloudflare_zero_trust_access_identity_provider", name, "id"));
  if (idps.length !== 1 || google.length !== 1)
    problems.push(`expected exactly one identity provider, of type google; found ${idps.length}`);
  const policies = resources(tf, "cloudflare_zero_trust_access_policy");
  const tokenRefs = new Map(
    Object.entries(resources(tf, "cloudflare_zero_trust_access_service_token")).map(([name, t]) => [
      ref("cloudflare_zero_trust_access_service_token", name, "id"),
      String(t.name),
    ]),
  );
  const listedTokens = new Set(declared.tokens.map((t) => `${declared.namePrefix} ${t}`));
  const apps = Object.values(resources(tf, "cloudflare_zero_trust_access_application"));
  const hostnames = new Set(ingress(tf).rules.flatMap((r) => (r.hostname ? [r.hostname] : [])));

  for (const hostname of hostnames) {
    if (declared.publicHostnames.includes(hostname)) continue;
    const guards = apps.filter((a) => (a.destinations as Array<{ uri?: string }> | undefined)?.some((d) => d.uri === hostname));
    if (guards.length !== 1) {
      problems.push(`${hostname}: not declared public and guarded by ${guards.length} Access applications, expected exactly one`);
      continue;
    }
    const app = guards[0] as Obj;
    if (app.type !== "self_hosted") problems.push(`${hostname}: Access application of type ${String(app.type)}`);
    if (JSON.stringify(app.allowed_idps) !== JSON.stringify(google))
      problems.push(`${hostname}: allowed IdPs ${JSON.stringify(app.allowed_idps)}, expected only Google`);
    const refs = (app.policies as Array<{ id: string; precedence: unknown }> | undefined) ?? [];
    if (refs.length === 0) problems.push(`${hostname}: Access application without policies`);
    const precedences = refs.map((p) => p.precedence);
    if (JSON.stringify(precedences) !== JSON.stringify(refs.map((_, i) => i + 1)))
      problems.push(`${hostname}: precedences ${JSON.stringify(precedences)}, expected the numbers 1..${refs.length}`);
    for (const { id } of refs) {
      const name = /^\$\{cloudflare_zero_trust_access_policy\.([^.]+)\.id\}$/.exec(id)?.[1];
      const policy = name ? policies[name] : undefined;
      if (!policy) {
        problems.push(`${hostname}: policy ${id} is not a policy of this stack`);
        continue;
      }
      for (const entry of (policy.include as Obj[] | undefined) ?? [])
        problems.push(...includeProblems(hostname, String(policy.decision), entry));
      if (policy.decision === "allow") {
        const requires = JSON.stringify(policy.require ?? []);
        if (requires !== JSON.stringify([{ login_method: { id: google[0] } }]))
          problems.push(`${hostname}: allow policy without the Google login requirement`);
      }
      if (!["allow", "non_identity"].includes(String(policy.decision)))
        problems.push(`${hostname}: policy decision ${String(policy.decision)}`);
      if (((policy.include as unknown[] | undefined) ?? []).length === 0) problems.push(`${hostname}: policy ${name} includes nobody`);
    }
  }
  return problems;

  function includeProblems(hostname: string, decision: string, entry: Obj): string[] {
    const keys = Object.keys(entry);
    const [key] = keys;
    if (keys.length !== 1) return [`${hostname}: include entry ${JSON.stringify(entry)} must name one person or token`];
    if (key === "email" && decision === "allow") {
      const email = (entry.email as { email?: string }).email ?? "";
      return declared.people.includes(email) ? [] : [`${hostname}: admits ${email}, who is not listed`];
    }
    if (key === "service_token" && decision === "non_identity") {
      const token = tokenRefs.get((entry.service_token as { token_id?: string }).token_id ?? "");
      return token && listedTokens.has(token) ? [] : [`${hostname}: admits a service token that is not listed: ${JSON.stringify(entry)}`];
    }
    return [
      `${hostname}: ${decision} policy includes ${key}; only listed emails (allow) and listed service tokens (non_identity) may pass`,
    ];
  }
}

/** Every tunnel's ingress list ends with exactly one catch-all, the 404. */
export function catchAllIsLastAndUnique({ tf }: SynthesizedModel): string[] {
  return tunnelConfigs(tf).flatMap(({ rules }) => catchAllProblems(rules));
}

function catchAllProblems(rules: readonly Ingress[]): string[] {
  const catchAlls = rules.map((r, i) => [r, i] as const).filter(([r]) => r.hostname === undefined);
  const problems: string[] = [];
  if (catchAlls.length !== 1) problems.push(`${catchAlls.length} catch-all rules, expected exactly one`);
  const last = rules.at(-1);
  if (!last || last.hostname !== undefined || last.path !== undefined || last.service !== "http_status:404")
    problems.push(`the last ingress rule is ${JSON.stringify(last)}, expected {"service":"http_status:404"}`);
  return problems;
}

/**
 * A VPN-routed app (compose `network_mode: service:<gateway>`) is reached only through its
 * gateway: its hostnames route to `http://<gateway>:<port>`, and no ingress rule names it.
 */
export function vpnAppsAreReachedThroughTheGateway({ tf, compose }: SynthesizedModel): string[] {
  const problems: string[] = [];
  const { rules } = ingress(tf);
  const gatewayOf = new Map(
    Object.entries(compose.services).flatMap(([name, s]) => {
      const m = /^service:(.+)$/.exec(String(s.network_mode ?? ""));
      return m?.[1] ? [[name, m[1]] as const] : [];
    }),
  );
  for (const rule of rules) {
    const host = /^https?:\/\/([^:/]+)/.exec(rule.service)?.[1];
    if (host && gatewayOf.has(host))
      problems.push(`${rule.hostname}: routes to ${rule.service}, inside ${gatewayOf.get(host)}'s namespace`);
  }
  // The DNS record's comment names the construct that owns the hostname: servarr/<host>/<app>.
  for (const record of Object.values(resources(tf, "cloudflare_dns_record"))) {
    const app = /^servarr: .*\/([^/]+)$/.exec(String(record.comment ?? ""))?.[1];
    const gateway = app ? gatewayOf.get(app) : undefined;
    if (!gateway) continue;
    for (const rule of rules.filter((r) => r.hostname === record.name))
      if (!new RegExp(`^http://${gateway}:\\d+$`).test(rule.service))
        problems.push(`${String(record.name)} (VPN app ${app}): routes to ${rule.service}, expected http://${gateway}:<port>`);
  }
  return problems;
}

const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_?KEY)/i;
/** Resource attributes that hold credentials: their values must be Terraform expressions, never literals. */
const SECRET_ATTRIBUTES = new Set(["client_secret", "tunnel_secret", "secret", "password", "private_key", "token"]);
/** Terraform references whose values are secret. */
const SECRET_SOURCES = [/\.client_secret\b/, /\.client_id\b/, /\.token\b/, /cloudflare_account_token\.[^.]+\.(value|id)\b/, /\bsha256\(/];

/**
 * No secret value in clear: no marker value (what an owner would type) appears in any
 * synthesized file; secret variables and outputs carrying secrets are sensitive; credential
 * attributes are expressions; compose only references secret variables (`${NAME:?...}`).
 */
/**
 * `${X:?...}` where X is a host secret: listed in a written .env.example, or carried by compose
 * under its own name elsewhere.
 */
function referencesHostSecret(model: SynthesizedModel, value: string, listed: ReadonlySet<string>): boolean {
  const m = /^\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}$/.exec(value);
  if (!m) return false;
  const name = m[1] as string;
  if (listed.has(name)) return true;
  return Object.values(model.compose.services).some((s) => {
    const own = ((s.environment ?? {}) as Record<string, string>)[name];
    return own !== undefined && new RegExp(`^\\$\\{${name}:\\?[^}]*\\}$`).test(own);
  });
}

export function noSecretInClear(model: SynthesizedModel, files: ReadonlyMap<string, string>, markers: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [file, content] of files)
    for (const marker of markers) if (content.includes(marker)) problems.push(`${file}: contains the secret value ${marker}`);

  const variables = (model.tf.variable ?? {}) as Record<string, Obj>;
  const sensitiveVars = Object.entries(variables)
    .filter(([, v]) => v.sensitive === true)
    .map(([n]) => n);
  for (const [name, v] of Object.entries(variables))
    if (SECRET_NAME.test(name) && v.sensitive !== true) problems.push(`variable ${name}: not sensitive`);
  for (const [name, output] of Object.entries((model.tf.output ?? {}) as Record<string, Obj>)) {
    const value = JSON.stringify(output.value);
    const secret = SECRET_SOURCES.some((re) => re.test(value)) || sensitiveVars.some((v) => value.includes(`var.${v}`));
    if (secret && output.sensitive !== true) problems.push(`output ${name}: carries a secret but is not sensitive`);
  }
  const walk = (where: string, node: unknown): void => {
    if (Array.isArray(node)) for (const [i, n] of node.entries()) walk(`${where}[${i}]`, n);
    else if (node && typeof node === "object")
      for (const [k, v] of Object.entries(node)) {
        if (SECRET_ATTRIBUTES.has(k) && typeof v === "string" && !/^\$\{.+\}$/.test(v))
          problems.push(`${where}.${k}: a literal credential`);
        walk(`${where}.${k}`, v);
      }
  };
  walk("resource", model.tf.resource);
  // The variable may differ from the name the image reads (Kopia's jobs hand KOPIA_S3_* to
  // AWS_*, Sonarr's key reaches it as SONARR__AUTH__APIKEY): what matters is that the value is a
  // reference to a declared host secret.
  const listed = new Set(
    [...files]
      .filter(([file]) => file.endsWith(".env.example"))
      .flatMap(([, text]) => [...text.matchAll(/^([A-Z][A-Z0-9_]*)=$/gm)].map((m) => m[1] as string)),
  );
  // A secret delivered as a file: the variable names /run/secrets/<a Compose secret of the service, read from .env>.
  const secrets = ((model.compose as { secrets?: Record<string, { environment?: string }> }).secrets ?? {}) as Record<
    string,
    { environment?: string }
  >;
  const fileOfSecret = (s: Obj, value: string) => {
    const source = /^\/run\/secrets\/([a-z0-9_]+)$/.exec(value)?.[1];
    const mounted = ((s.secrets ?? []) as Array<string | { source: string }>).some(
      (x) => (typeof x === "string" ? x : x.source) === source,
    );
    return source !== undefined && mounted && listed.has(secrets[source]?.environment ?? "");
  };
  for (const [service, s] of Object.entries(model.compose.services))
    for (const [name, value] of Object.entries((s.environment ?? {}) as Record<string, string>))
      if (
        SECRET_NAME.test(name) &&
        !(
          new RegExp(`^\\$\\{${name}:\\?[^}]*\\}$`).test(value) ||
          referencesHostSecret(model, value, listed) ||
          fileOfSecret(s as Obj, value)
        )
      )
        problems.push(`compose ${service}.environment.${name}: not a \${${name}:?...} reference`);
  return problems;
}
