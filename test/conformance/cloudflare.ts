import { computed, HEX32, required, schema, zeroTrustResources } from "./cloudflare-access";
import type { ProviderTable } from "./rules";
import { ZONE_SETTING_VALUES } from "./stability/cloudflare";

/** DNS, API tokens, rulesets, zone settings and the data sources; Zero Trust rules in cloudflare-access.ts. */
export const cloudflare: ProviderTable = {
  resources: {
    ...zeroTrustResources,
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
      described: [
        {
          // 1 is "automatic"; otherwise 60..86400 (30 on Enterprise zones, which servarr does not assume).
          rule: {
            kind: "custom",
            name: "ttl",
            test: (r) =>
              typeof r.ttl !== "number" || r.ttl === 1 || (r.ttl >= 60 && r.ttl <= 86400)
                ? []
                : [`${r.ttl} is neither 1 (automatic) nor within 60..86400`],
          },
          where: `${schema("dns_record")} ~334 (ttl: "Setting to 1 means 'automatic'. Value must be between 60 and 86400")`,
        },
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
      // value is a Dynamic with no validator (~36): each setting's values are the API's.
      rules: [...required("zone_id", "setting_id", "value"), ...computed("id", "editable", "modified_on", "time_remaining")],
      described: [
        {
          rule: { kind: "oneOfBy", path: "value", key: "setting_id", values: ZONE_SETTING_VALUES },
          where:
            "cloudflare/cloudflare-go@v6.4.0:zones/setting.go (the SDK version v5.14.0's go.mod pins: MinTLSVersionValue ~1852, SSLValue ~3276, TLS1_3Value ~3410, AlwaysUseHTTPS ~4432)",
        },
      ],
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
