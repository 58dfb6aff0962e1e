import { DNSSEC_READ_OVERWRITES } from "../../../constructs/cloudflare/zone-hardening";
import { CF, ignored, isExpression, type Json, list, type StabilityRule, when } from "./rule";

/** The values the API returns for each zone setting servarr sets (cloudflare/cloudflare-go@v6.4.0, the SDK v5.14.0's go.mod pins). */
export const ZONE_SETTING_VALUES: Readonly<Record<string, readonly string[]>> = {
  always_use_https: ["on", "off"],
  min_tls_version: ["1.0", "1.1", "1.2", "1.3"],
  tls_1_3: ["on", "off", "zrt"],
  ssl: ["off", "flexible", "full", "strict", "origin_pull"],
};

/** Cloudflare v5 types: each keeps what we set under the shared Read shape (stability-rule.ts). */
export const CLOUDFLARE_STABILITY: Readonly<Record<string, StabilityRule>> = {
  cloudflare_zone_dnssec: {
    source: `${CF}/zone_dnssec/resource.go`,
    rule: "Read unmarshals the whole object (~177) over dnssec_multi_signer/presigned/use_nsec3, plain Optional (model.go ~18-20), and status reads `pending` until the DS record is published; the provider's own status-only test expects a non-empty plan (resource_test.go ~69, ~106): set them and ignore them after creation",
    check: (r) => [
      ...DNSSEC_READ_OVERWRITES.filter((a) => !ignored(r).includes(a)).map((a) => `${a} is not in ignore_changes`),
      ...["dnssec_multi_signer", "dnssec_presigned", "dnssec_use_nsec3"].flatMap((a) => when(r[a] === false, `${a} is not set to false`)),
    ],
  },
  cloudflare_zone_setting: {
    source: `${CF}/zone_setting/resource.go`,
    rule: "Read unmarshals `value` from the API (~180); value is a NormalizedDynamic (schema.go ~36), so the value must be the API's own string for that setting, not a number or boolean",
    check: (r) => {
      const allowed = ZONE_SETTING_VALUES[String(r.setting_id)];
      if (!allowed) return [`setting ${String(r.setting_id)} has no known API values: add them to ZONE_SETTING_VALUES`];
      return when(
        typeof r.value === "string" && allowed.includes(r.value),
        `value ${JSON.stringify(r.value)} is not one of ${allowed.join(", ")}`,
      );
    },
  },
  cloudflare_dns_record: {
    source: `${CF}/dns_record/resource.go`,
    rule: "Read unmarshals name, content, ttl and comment from the API; the API returns the full name, a CNAME target without the trailing dot, and ttl 1 for a proxied record",
    check: (r) => [
      ...when(
        typeof r.name === "string" && r.name.includes(".") && !r.name.endsWith("."),
        `name ${JSON.stringify(r.name)} is not a full name without a trailing dot`,
      ),
      ...when(typeof r.content !== "string" || !r.content.endsWith("."), `content ${JSON.stringify(r.content)} ends with a dot`),
      ...when(r.proxied !== true || r.ttl === 1, `a proxied record with ttl ${JSON.stringify(r.ttl)} (the API reports 1)`),
    ],
  },
  cloudflare_ruleset: {
    source: `${CF}/ruleset/resource.go`,
    rule: "Read decodes with apijsoncustom (~192); a rule's description and enabled are computed_optional with decode_null_to_zero (model.go): set both explicitly so an API null is not compared with an unset value",
    check: (r) =>
      list(r.rules).flatMap((rule, i) => [
        ...when(typeof rule.description === "string", `rules[${i}].description is not set`),
        ...when(typeof rule.enabled === "boolean", `rules[${i}].enabled is not set`),
      ]),
  },
  cloudflare_zero_trust_tunnel_cloudflared: {
    source: `${CF}/zero_trust_tunnel_cloudflared/model.go`,
    rule: "tunnel_secret is tagged no_refresh (the API never returns it; Read keeps the state's), config_src is echoed",
    check: (r) => [
      ...when(
        isExpression(r.tunnel_secret) && String(r.tunnel_secret).includes("random_bytes."),
        "tunnel_secret is not a random_bytes value (a value that changes would replace the tunnel)",
      ),
      ...when(r.config_src === "cloudflare", `config_src ${JSON.stringify(r.config_src)} is not "cloudflare"`),
    ],
  },
  cloudflare_zero_trust_tunnel_cloudflared_config: {
    source: `${CF}/zero_trust_tunnel_cloudflared_config/resource_test.go`,
    rule: "Read unmarshals config (computed_optional); the provider's import tests verify an ingress of hostname/path/service with nothing ignored (ImportStateVerifyIgnore: [] ~159)",
    check: (r) =>
      list((r.config as Json | undefined)?.ingress).flatMap((rule, i) =>
        Object.keys(rule)
          .filter((k) => !["hostname", "path", "service"].includes(k))
          .map((k) => `ingress[${i}].${k}: only hostname, path and service round-trip as set`),
      ),
  },
  cloudflare_zero_trust_access_application: {
    source: `${CF}/zero_trust_access_application/normalizations.go`,
    rule: "Read maps false/null and empty/null back to the state's form (normalizeReadZeroTrustApplicationAPIData ~118-163); destinations are computed_optional and the API returns a public uri as host[/path], no scheme",
    check: (r) =>
      list(r.destinations).flatMap((d, i) =>
        when(
          typeof d.uri === "string" && !/^[a-z]+:\/\//.test(d.uri) && d.uri === d.uri.toLowerCase(),
          `destinations[${i}].uri ${JSON.stringify(d.uri)} is not a lowercase host[/path]`,
        ),
      ),
  },
  cloudflare_zero_trust_access_policy: {
    source: `${CF}/zero_trust_access_policy/model.go`,
    rule: "include/require are computed_optional lists the API returns element by element, one selector each: an element with two selectors would come back split",
    check: (r) =>
      [...list(r.include), ...list(r.require)].flatMap((e, i) =>
        when(Object.keys(e).length === 1, `selector ${i} sets ${Object.keys(e).join(", ")}`),
      ),
  },
  cloudflare_zero_trust_access_identity_provider: {
    source: `${CF}/zero_trust_access_identity_provider/normalizations.go`,
    rule: "Read restores config.client_secret from the state when the API returns none (normalizeReadZeroTrustIDPConfigData), and its own OAuth test plans again with no diff (resource_test.go ~308)",
    check: (r) =>
      Object.keys((r.config as Json) ?? {}).flatMap((k) =>
        when(["client_id", "client_secret"].includes(k), `config.${k} is not covered by the normalization`),
      ),
  },
  cloudflare_zero_trust_access_service_token: {
    source: `${CF}/zero_trust_access_service_token/model.go`,
    rule: "client_secret is computed,no_refresh (kept from the state); duration is computed_optional and echoed in the form set (Go duration, hours)",
    check: (r) =>
      when(typeof r.duration === "string" && /^\d+h$/.test(r.duration), `duration ${JSON.stringify(r.duration)} is not in hours`),
  },
  cloudflare_account_token: {
    source: `${CF}/account_token/custom.go`,
    rule: "Read keeps value from the state (resource.go ~157, ~185) and stores each policy's resources as the API's raw JSON bytes (UnmarshalCustom ~68): the string must be compact JSON",
    check: (r) =>
      list(r.policies).flatMap((p, i) => {
        try {
          return when(JSON.stringify(JSON.parse(String(p.resources))) === p.resources, `policies[${i}].resources is not compact JSON`);
        } catch {
          return [`policies[${i}].resources is not JSON`];
        }
      }),
  },
  cloudflare_bot_management: {
    source: `${CF}/bot_management/resource_test.go`,
    rule: "Read decodes the API object with encoding/json into its own model and updates only the fields the API returns (model.go UpdateFromAPIModel ~155: it preserves existing values for missing fields); the provider's tests plan again with plancheck.ExpectEmptyPlan (~247)",
    check: (r) => when(r.fight_mode === true, "fight_mode is not true (the only field servarr sets)"),
  },
  cloudflare_r2_bucket: {
    source: `${CF}/r2_bucket/schema.go`,
    rule: "jurisdiction is no_refresh (model.go); location is compared case-insensitively by its plan modifier (~88; resource_test.go LocationCaseInsensitive expects an empty plan)",
    check: (r) => when(typeof r.jurisdiction === "string", "jurisdiction is not set (it is never read back)"),
  },
  cloudflare_r2_bucket_lifecycle: {
    source: `${CF}/r2_bucket_lifecycle/model.go`,
    rule: 'Read unmarshals the rules list in the API\'s order (jurisdiction no_refresh): rules keep stable ids, conditions.prefix explicitly ""',
    check: (r) =>
      list(r.rules).flatMap((rule, i) =>
        when(
          typeof rule.id === "string" && typeof (rule.conditions as Json | undefined)?.prefix === "string",
          `rules[${i}] has no id or prefix`,
        ),
      ),
  },
  cloudflare_r2_bucket_lock: {
    source: `${CF}/r2_bucket_lock/model.go`,
    rule: "Read unmarshals the rules list (jurisdiction no_refresh): each rule's id, prefix and condition are required fields the API echoes",
    check: (r) =>
      list(r.rules).flatMap((rule, i) =>
        when(typeof rule.id === "string" && rule.condition !== undefined, `rules[${i}] has no id or condition`),
      ),
  },
};
