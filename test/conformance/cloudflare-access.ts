import type { Rule, StackJson, TypeRules } from "./rules";

/** cloudflare/terraform-provider-cloudflare at the version @cdktf/provider-cloudflare 13.9.1 was generated from. */
const AT = "cloudflare/terraform-provider-cloudflare@v5.14.0:internal/services";
export const schema = (service: string, file = "schema.go") => `${AT}/${service}/${file}`;
export const HEX32 = /^[0-9a-f]{32}$/;
export const computed = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "computedOnly", path }));
export const required = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "required", path }));

// internal/services/zero_trust_access_application/plan_modifiers.go (the app-type lists).
const SELF_HOSTED = ["self_hosted", "ssh", "vnc", "rdp", "mcp_portal"];
const DESTINATION_TYPES = ["self_hosted", "ssh", "vnc", "rdp", "mcp_portal", "mcp"];
const LAUNCHER_VISIBLE = ["self_hosted", "ssh", "vnc", "rdp", "saas", "bookmark"];
const SESSION_DURATION_TYPES = [
  "saas",
  "dash_sso",
  "self_hosted",
  "ssh",
  "vnc",
  "rdp",
  "app_launcher",
  "warp",
  "mcp_portal",
  "mcp",
  "proxy_endpoint",
];
const GO_DURATION = /^(?:0|[-+]?(\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)(?:(\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))*)$/;
const DECISIONS = ["allow", "deny", "non_identity", "bypass"];

/** Zero Trust: Access applications, policies, service tokens, the identity provider and the tunnel (split from cloudflare.ts by concern). */
export const zeroTrustResources: Readonly<Record<string, TypeRules>> = {
  cloudflare_zero_trust_access_service_token: {
    source: schema("zero_trust_access_service_token"),
    rules: [
      ...required("name"),
      // Each names the other: a version without an expiry (or the reverse) fails validate.
      { kind: "alsoRequires", path: "client_secret_version", siblings: ["previous_client_secret_expires_at"] },
      { kind: "alsoRequires", path: "previous_client_secret_expires_at", siblings: ["client_secret_version"] },
      {
        kind: "regex",
        path: "previous_client_secret_expires_at",
        pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
      },
      // Described as a Go duration in ns..h (the API parses it); days are not a unit.
      { kind: "regex", path: "duration", pattern: GO_DURATION },
      ...computed("id", "client_id", "client_secret", "expires_at"),
    ],
  },
  cloudflare_zero_trust_access_application: {
    source: `${schema("zero_trust_access_application")} and plan_modifiers.go`,
    rules: [
      {
        kind: "oneOf",
        path: "type",
        caseInsensitive: true,
        values: [
          "self_hosted",
          "saas",
          "ssh",
          "vnc",
          "app_launcher",
          "warp",
          "biso",
          "bookmark",
          "dash_sso",
          "infrastructure",
          "rdp",
          "mcp",
          "mcp_portal",
          "proxy_endpoint",
        ],
      },
      { kind: "conflictsWith", path: "destinations", siblings: ["self_hosted_domains"] },
      { kind: "conflictsWith", path: "self_hosted_domains", siblings: ["destinations"] },
      { kind: "requiresRoot", path: "destinations", root: "type", values: DESTINATION_TYPES },
      { kind: "oneOf", path: "destinations.type", values: ["public", "private", "via_mcp_server_portal"], caseInsensitive: true },
      // schema.go ~516-530: uri only on a public (or untyped) destination; cidr and hostname only on a private one.
      { kind: "requiresSibling", path: "destinations.uri", sibling: "type", values: ["public"], absentOk: true },
      { kind: "requiresSibling", path: "destinations.cidr", sibling: "type", values: ["private"], absentOk: false },
      { kind: "requiresSibling", path: "destinations.hostname", sibling: "type", values: ["private"], absentOk: false },
      { kind: "requiresRoot", path: "service_auth_401_redirect", root: "type", values: SELF_HOSTED },
      { kind: "requiresRoot", path: "app_launcher_visible", root: "type", values: LAUNCHER_VISIBLE },
      { kind: "requiresRoot", path: "session_duration", root: "type", values: SESSION_DURATION_TYPES },
      { kind: "regex", path: "session_duration", pattern: GO_DURATION },
      // A policy is referenced by id or defined inline (include), never both.
      { kind: "exactlyOneOf", parent: "policies", siblings: ["id", "include"] },
      { kind: "range", path: "policies.precedence", min: 1 },
      { kind: "alsoRequires", path: "policies.decision", siblings: ["include"] },
      ...computed("id", "aud"),
    ],
    described: [
      {
        rule: { kind: "regex", path: "destinations.uri", pattern: /^(?![a-z][a-z0-9+.-]*:\/\/)[^\s/]+(\/\S*)?$/ },
        where: `${schema("zero_trust_access_application")} ~513 (uri: "Public destinations' URIs can include a domain and path": no scheme)`,
      },
    ],
  },
  cloudflare_zero_trust_access_policy: {
    source: schema("zero_trust_access_policy"),
    rules: [
      ...required("account_id", "decision", "name"),
      { kind: "oneOf", path: "decision", values: DECISIONS, caseInsensitive: true },
      // Each include/require/exclude element is one selector (ObjectSizeAtMost(1)).
      { kind: "objectSizeAtMost", path: "include", max: 1 },
      { kind: "objectSizeAtMost", path: "require", max: 1 },
      { kind: "objectSizeAtMost", path: "exclude", max: 1 },
      ...required("include.email.email", "include.service_token.token_id", "require.login_method.id"),
      ...computed("id"),
    ],
  },
  cloudflare_zero_trust_access_identity_provider: {
    source: schema("zero_trust_access_identity_provider"),
    rules: [
      ...required("name", "type", "config"),
      {
        kind: "oneOf",
        path: "type",
        caseInsensitive: true,
        values: [
          "onetimepin",
          "azureAD",
          "saml",
          "centrify",
          "facebook",
          "github",
          "google-apps",
          "google",
          "linkedin",
          "oidc",
          "okta",
          "onelogin",
          "pingone",
          "yandex",
        ],
      },
      { kind: "requiresRoot", path: "config.apps_domain", root: "type", values: ["google-apps"] },
      { kind: "requiresRoot", path: "config.prompt", root: "type", values: ["azureAD"] },
      ...computed("id"),
    ],
  },
  cloudflare_zero_trust_tunnel_cloudflared: {
    source: schema("zero_trust_tunnel_cloudflared"),
    rules: [
      ...required("account_id", "name"),
      { kind: "oneOf", path: "config_src", values: ["local", "cloudflare"], caseInsensitive: true },
      ...computed(
        "id",
        "account_tag",
        "conns_active_at",
        "conns_inactive_at",
        "created_at",
        "deleted_at",
        "remote_config",
        "status",
        "tun_type",
        "connections",
        "metadata",
      ),
    ],
    described: [
      {
        rule: { kind: "custom", name: "tunnel_secret", test: tunnelSecretBytes },
        where: `${schema("zero_trust_tunnel_cloudflared")} ~50 (tunnel_secret: "Must be at least 32 bytes and encoded as a base64 string")`,
      },
    ],
  },
  cloudflare_zero_trust_tunnel_cloudflared_config: {
    source: schema("zero_trust_tunnel_cloudflared_config"),
    rules: [
      ...required("account_id", "tunnel_id", "config.ingress.service"),
      { kind: "oneOf", path: "source", values: ["local", "cloudflare"], caseInsensitive: true },
      ...computed("id", "created_at", "version"),
    ],
  },
};

/** A literal secret decodes to at least 32 bytes; a random_bytes reference has length >= 32 (its base64 is then valid). */
function tunnelSecretBytes(r: Record<string, unknown>, stack: StackJson): string[] {
  const secret = r.tunnel_secret;
  if (typeof secret !== "string") return [];
  const ref = /^\$\{random_bytes\.([A-Za-z0-9_-]+)\.base64\}$/.exec(secret);
  if (ref) {
    const length = (stack.resource?.random_bytes?.[ref[1] as string] as { length?: unknown } | undefined)?.length;
    return typeof length === "number" && length >= 32
      ? []
      : [`random_bytes.${ref[1]} has length ${JSON.stringify(length)}, below 32 bytes`];
  }
  if (secret.includes("${")) return [];
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(secret) ? Buffer.from(secret, "base64").length : 0;
  return bytes >= 32 ? [] : ["a literal that is not base64 of at least 32 bytes"];
}
