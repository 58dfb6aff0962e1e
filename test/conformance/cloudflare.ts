import type { ProviderTable, Rule } from "./rules";

/** cloudflare/terraform-provider-cloudflare at the version @cdktf/provider-cloudflare 13.9.1 was generated from. */
const AT = "cloudflare/terraform-provider-cloudflare@v5.14.0:internal/services";
const schema = (service: string, file = "schema.go") => `${AT}/${service}/${file}`;
const HEX32 = /^[0-9a-f]{32}$/;
const computed = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "computedOnly", path }));
const required = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "required", path }));

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

export const cloudflare: ProviderTable = {
  resources: {
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
    },
    cloudflare_zero_trust_tunnel_cloudflared_config: {
      source: schema("zero_trust_tunnel_cloudflared_config"),
      rules: [
        ...required("account_id", "tunnel_id", "config.ingress.service"),
        { kind: "oneOf", path: "source", values: ["local", "cloudflare"], caseInsensitive: true },
        ...computed("id", "created_at", "version"),
      ],
    },
    cloudflare_dns_record: {
      source: schema("dns_record"),
      rules: [
        ...required("zone_id", "name", "type", "ttl"),
        {
          kind: "oneOf",
          path: "type",
          caseInsensitive: true,
          values: [
            "A",
            "AAAA",
            "CNAME",
            "MX",
            "NS",
            "OPENPGPKEY",
            "PTR",
            "TXT",
            "CAA",
            "CERT",
            "DNSKEY",
            "DS",
            "HTTPS",
            "LOC",
            "NAPTR",
            "SMIMEA",
            "SRV",
            "SSHFP",
            "SVCB",
            "TLSA",
            "URI",
          ],
        },
        { kind: "conflictsWith", path: "content", siblings: ["data"] },
        { kind: "conflictsWith", path: "data", siblings: ["content"] },
        { kind: "range", path: "priority", min: 0, max: 65535 },
        ...computed("id", "comment_modified_on", "created_on", "modified_on", "proxiable", "tags_modified_on", "meta"),
      ],
    },
    cloudflare_r2_bucket: {
      source: schema("r2_bucket"),
      rules: [
        ...required("account_id", "name"),
        { kind: "oneOf", path: "location", values: ["apac", "eeur", "enam", "weur", "wnam", "oc"], caseInsensitive: true },
        { kind: "oneOf", path: "jurisdiction", values: ["default", "eu", "fedramp"], caseInsensitive: true },
        { kind: "oneOf", path: "storage_class", values: ["Standard", "InfrequentAccess"], caseInsensitive: true },
        ...computed("id", "creation_date"),
      ],
    },
    cloudflare_r2_bucket_lifecycle: {
      source: schema("r2_bucket_lifecycle"),
      rules: [
        ...required("account_id", "bucket_name", "rules.id", "rules.conditions", "rules.conditions.prefix", "rules.enabled"),
        { kind: "oneOf", path: "jurisdiction", values: ["default", "eu", "fedramp"], caseInsensitive: true },
        ...required("rules.abort_multipart_uploads_transition.condition.type", "rules.delete_objects_transition.condition.type"),
        { kind: "oneOf", path: "rules.abort_multipart_uploads_transition.condition.type", values: ["Age"], caseInsensitive: true },
        { kind: "oneOf", path: "rules.delete_objects_transition.condition.type", values: ["Age", "Date"], caseInsensitive: true },
      ],
    },
    cloudflare_r2_bucket_lock: {
      source: schema("r2_bucket_lock"),
      rules: [
        ...required("account_id", "bucket_name", "rules.id", "rules.condition", "rules.condition.type", "rules.enabled"),
        { kind: "oneOf", path: "jurisdiction", values: ["default", "eu", "fedramp"], caseInsensitive: true },
        { kind: "oneOf", path: "rules.condition.type", values: ["Age", "Date", "Indefinite"], caseInsensitive: true },
      ],
    },
    cloudflare_account_token: {
      source: schema("account_token"),
      rules: [
        ...required(
          "account_id",
          "name",
          "policies",
          "policies.effect",
          "policies.permission_groups",
          "policies.permission_groups.id",
          "policies.resources",
        ),
        { kind: "oneOf", path: "policies.effect", values: ["allow", "deny"], caseInsensitive: true },
        { kind: "oneOf", path: "status", values: ["active", "disabled", "expired"], caseInsensitive: true },
        ...computed("id", "issued_on", "last_used_on", "modified_on", "value"),
      ],
    },
    cloudflare_ruleset: {
      source: schema("ruleset"),
      rules: [
        ...required("kind", "name", "phase", "rules.action", "rules.expression"),
        { kind: "exactlyOneOf", parent: "", siblings: ["account_id", "zone_id"] },
        { kind: "regex", path: "zone_id", pattern: HEX32 },
        { kind: "regex", path: "account_id", pattern: HEX32 },
        { kind: "oneOf", path: "kind", values: ["managed", "custom", "root", "zone"], caseInsensitive: true },
        {
          kind: "oneOf",
          path: "phase",
          caseInsensitive: true,
          values: [
            "ddos_l4",
            "ddos_l7",
            "http_config_settings",
            "http_custom_errors",
            "http_log_custom_fields",
            "http_ratelimit",
            "http_request_cache_settings",
            "http_request_dynamic_redirect",
            "http_request_firewall_custom",
            "http_request_firewall_managed",
            "http_request_late_transform",
            "http_request_origin",
            "http_request_redirect",
            "http_request_sanitize",
            "http_request_sbfm",
            "http_request_transform",
            "http_response_compression",
            "http_response_firewall_managed",
            "http_response_headers_transform",
            "magic_transit",
            "magic_transit_ids_managed",
            "magic_transit_managed",
            "magic_transit_ratelimit",
          ],
        },
        { kind: "regex", path: "rules.action", pattern: /^[a-z_]+$/ },
        // LengthAtLeast(1) on both.
        { kind: "regex", path: "rules.expression", pattern: /^[\s\S]+$/ },
        { kind: "regex", path: "name", pattern: /^[\s\S]+$/ },
        ...computed("id", "last_updated", "version", "rules.id"),
      ],
    },
    cloudflare_zone_dnssec: {
      source: schema("zone_dnssec"),
      rules: [
        ...required("zone_id"),
        { kind: "oneOf", path: "status", values: ["active", "disabled"], caseInsensitive: true },
        ...computed(
          "id",
          "algorithm",
          "digest",
          "digest_algorithm",
          "digest_type",
          "ds",
          "flags",
          "key_tag",
          "key_type",
          "modified_on",
          "public_key",
        ),
      ],
    },
    cloudflare_zone_setting: {
      source: schema("zone_setting"),
      rules: [...required("zone_id", "setting_id", "value"), ...computed("id", "editable", "modified_on", "time_remaining")],
    },
    cloudflare_bot_management: {
      source: schema("bot_management"),
      rules: [
        ...required("zone_id"),
        { kind: "oneOf", path: "ai_bots_protection", values: ["block", "disabled", "only_on_ad_pages"], caseInsensitive: true },
        { kind: "oneOf", path: "crawler_protection", values: ["enabled", "disabled"], caseInsensitive: true },
        ...computed("id", "using_latest_model", "stale_zone_configuration"),
      ],
    },
  },
  dataSources: {
    cloudflare_zero_trust_tunnel_cloudflared_token: {
      source: schema("zero_trust_tunnel_cloudflared_token", "data_source_schema.go"),
      rules: [...required("account_id", "tunnel_id"), ...computed("token")],
    },
    cloudflare_account_api_token_permission_groups_list: {
      source: schema("account_api_token_permission_groups", "list_data_source_schema.go"),
      rules: [...required("account_id"), { kind: "range", path: "max_items", min: 0 }, ...computed("result")],
    },
  },
};
