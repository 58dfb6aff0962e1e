import type { ProviderTable, Rule } from "./rules";

/** hashicorp/terraform-provider-google at the version @cdktf/provider-google 16.12.1 was generated from. */
const AT = "hashicorp/terraform-provider-google@v6.50.0:google/services";
const required = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "required", path }));
const computed = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "computedOnly", path }));
const HTTP_CHECK_ANY = ["auth_info", "port", "headers", "path", "use_ssl", "mask_headers"];
const ALIGNERS = [
  "ALIGN_NONE",
  "ALIGN_DELTA",
  "ALIGN_RATE",
  "ALIGN_INTERPOLATE",
  "ALIGN_NEXT_OLDER",
  "ALIGN_MIN",
  "ALIGN_MAX",
  "ALIGN_MEAN",
  "ALIGN_COUNT",
  "ALIGN_SUM",
  "ALIGN_STDDEV",
  "ALIGN_COUNT_TRUE",
  "ALIGN_COUNT_FALSE",
  "ALIGN_FRACTION_TRUE",
  "ALIGN_PERCENTILE_99",
  "ALIGN_PERCENTILE_95",
  "ALIGN_PERCENTILE_50",
  "ALIGN_PERCENTILE_05",
  "ALIGN_PERCENT_CHANGE",
  "",
];
const REDUCERS = [
  "REDUCE_NONE",
  "REDUCE_MEAN",
  "REDUCE_MIN",
  "REDUCE_MAX",
  "REDUCE_SUM",
  "REDUCE_STDDEV",
  "REDUCE_COUNT",
  "REDUCE_COUNT_TRUE",
  "REDUCE_COUNT_FALSE",
  "REDUCE_FRACTION_TRUE",
  "REDUCE_PERCENTILE_99",
  "REDUCE_PERCENTILE_95",
  "REDUCE_PERCENTILE_50",
  "REDUCE_PERCENTILE_05",
  "",
];
const COMPARISONS = ["COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ", "COMPARISON_NE"];

export const google: ProviderTable = {
  resources: {
    google_monitoring_uptime_check_config: {
      source: `${AT}/monitoring/resource_monitoring_uptime_check_config.go`,
      rules: [
        ...required("display_name", "timeout", "monitored_resource.type", "monitored_resource.labels"),
        { kind: "exactlyOneOf", parent: "", siblings: ["monitored_resource", "resource_group", "synthetic_monitor"] },
        { kind: "atLeastOneOf", parent: "http_check", siblings: HTTP_CHECK_ANY },
        { kind: "oneOf", path: "checker_type", values: ["STATIC_IP_CHECKERS", "VPC_CHECKERS", ""] },
        { kind: "oneOf", path: "http_check.request_method", values: ["METHOD_UNSPECIFIED", "GET", "POST", ""] },
        { kind: "oneOf", path: "http_check.content_type", values: ["TYPE_UNSPECIFIED", "URL_ENCODED", "USER_PROVIDED", ""] },
        {
          kind: "oneOf",
          path: "http_check.accepted_response_status_codes.status_class",
          values: [
            "STATUS_CLASS_1XX",
            "STATUS_CLASS_2XX",
            "STATUS_CLASS_3XX",
            "STATUS_CLASS_4XX",
            "STATUS_CLASS_5XX",
            "STATUS_CLASS_ANY",
            "",
          ],
        },
        // password and password_wo carry an empty ExactlyOneOf (~179, ~186): no rule between them.
        { kind: "alsoRequires", path: "http_check.auth_info.password_wo", siblings: ["password_wo_version"] },
        { kind: "alsoRequires", path: "http_check.auth_info.password_wo_version", siblings: ["password_wo"] },
        ...computed("name", "uptime_check_id", "id"),
      ],
      described: [
        {
          rule: { kind: "oneOf", path: "period", values: ["60s", "300s", "600s", "900s"] },
          where: `${AT}/monitoring/resource_monitoring_uptime_check_config.go ~342 (period: "the only supported values are")`,
        },
        {
          rule: { kind: "regex", path: "timeout", pattern: /^([1-9]|[1-5]\d|60)s$/ },
          where: `${AT}/monitoring/resource_monitoring_uptime_check_config.go ~82 (timeout: "must be between 1 and 60 seconds")`,
        },
      ],
    },
    google_monitoring_alert_policy: {
      source: `${AT}/monitoring/resource_monitoring_alert_policy.go`,
      rules: [
        ...required("display_name", "combiner", "conditions", "conditions.display_name"),
        { kind: "oneOf", path: "combiner", values: ["AND", "OR", "AND_WITH_MATCHING_RESOURCE"] },
        ...required("conditions.condition_threshold.comparison", "conditions.condition_threshold.duration"),
        { kind: "oneOf", path: "conditions.condition_threshold.comparison", values: COMPARISONS },
        { kind: "oneOf", path: "conditions.condition_threshold.aggregations.per_series_aligner", values: ALIGNERS },
        { kind: "oneOf", path: "conditions.condition_threshold.aggregations.cross_series_reducer", values: REDUCERS },
        {
          kind: "oneOf",
          path: "conditions.condition_threshold.evaluation_missing_data",
          values: ["EVALUATION_MISSING_DATA_INACTIVE", "EVALUATION_MISSING_DATA_ACTIVE", "EVALUATION_MISSING_DATA_NO_OP", ""],
        },
        { kind: "atLeastOneOf", parent: "documentation", siblings: ["content", "mime_type", "subject", "links"] },
        ...computed("name", "creation_record", "id"),
      ],
    },
    google_monitoring_notification_channel: {
      source: `${AT}/monitoring/resource_monitoring_notification_channel.go`,
      rules: [
        ...required("type"),
        { kind: "exactlyOneOf", parent: "sensitive_labels", siblings: ["auth_token", "password", "service_key"] },
        ...computed("name", "verification_status", "id"),
      ],
    },
    google_project_service: {
      source: `${AT}/resourcemanager/resource_google_project_service.go`,
      rules: [
        ...required("service"),
        // validateProjectServiceService: a domain, and not the banned bigquery-json alias.
        { kind: "regex", path: "service", pattern: /^(?!bigquery-json\.googleapis\.com$)[^.]+\..+$/ },
        ...computed("id"),
      ],
    },
  },
  dataSources: {},
};
