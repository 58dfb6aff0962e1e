import { TERRAFORM_DATA_SOURCE } from "../builtin";
import { CLOUDFLARE_STABILITY } from "./cloudflare";
import { GH, GO, ignored, isExpression, type Json, list, RND, type StabilityRule, TFE, triggers, when } from "./rule";

/** Every type servarr synthesizes: why its second plan is empty (see rule.ts). */
export const STABILITY: Readonly<Record<string, StabilityRule>> = {
  ...CLOUDFLARE_STABILITY,
  github_repository: {
    source: `${GH}/resource_github_repository.go`,
    rule: "Read sets every merge setting from the API (~779); archive_on_destroy is never read (provider-only); the squash title and message are set as a pair, since the API returns both",
    check: (r) => [
      ...["allow_merge_commit", "allow_rebase_merge", "allow_squash_merge"].flatMap((a) =>
        when(typeof r[a] === "boolean", `${a} is not set`),
      ),
      ...when(
        (r.squash_merge_commit_title === undefined) === (r.squash_merge_commit_message === undefined),
        "squash title without message (or the reverse)",
      ),
    ],
  },
  github_actions_environment_secret: {
    source: `${GH}/resource_github_actions_environment_secret.go`,
    rule: "Read keeps plaintext_value from the state (~155); it only recreates when the secret's updated_at moved (changed outside Terraform)",
    check: (r) => when(isExpression(r.plaintext_value) && r.encrypted_value === undefined, "plaintext_value is not a Terraform expression"),
  },
  github_actions_secret: {
    source: `${GH}/resource_github_actions_secret.go`,
    rule: "Read keeps plaintext_value from the state; only updated_at drift recreates it",
    check: (r) => when(isExpression(r.plaintext_value), "plaintext_value is not a Terraform expression"),
  },
  github_actions_variable: {
    source: `${GH}/resource_github_actions_variable.go`,
    rule: "Read sets value from the API (~95): jsonencode renders keys sorted, so the same inputs give the same bytes",
    check: (r) => when(typeof r.value === "string", "value is not a string"),
  },
  github_repository_environment: {
    source: `${GH}/resource_github_repository_environment.go`,
    rule: "Read sets can_admins_bypass, reviewers (users and teams are sets: order-free, ~176) and deployment_branch_policy (~190) from the API",
    check: (r) => [
      ...when(typeof r.can_admins_bypass === "boolean", "can_admins_bypass is not set (the API default would read back)"),
      ...list(r.reviewers).flatMap((b) => when(Array.isArray(b.users) || isExpression(b.users), "reviewers without users")),
    ],
  },
  github_repository_environment_deployment_policy: {
    source: `${GH}/resource_github_repository_environment_deployment_policy.go`,
    rule: "Read sets branch_pattern from the API policy's name (~90)",
    check: (r) => when(typeof r.branch_pattern === "string" && r.branch_pattern !== "", "branch_pattern is empty"),
  },
  github_repository_ruleset: {
    source: `${GH}/resource_github_repository_ruleset.go`,
    rule: "Read flattens the ruleset from the API (~627): every required check carries the integration id the API returns with it, and ref_name lists exclude explicitly",
    check: (r) => {
      const rules = (r.rules as Json | undefined) ?? {};
      const checks = list((rules.required_status_checks as Json | undefined)?.required_check);
      const refName = ((r.conditions as Json | undefined)?.ref_name as Json | undefined) ?? {};
      return [
        ...checks.flatMap((c, i) => when(typeof c.integration_id === "number", `required_check[${i}] has no integration_id`)),
        ...when(Array.isArray(refName.exclude), "conditions.ref_name.exclude is not set"),
      ];
    },
  },
  github_branch_protection: {
    source: `${GH}/resource_github_branch_protection.go`,
    rule: "Read sets the protection from the API (~273); required checks are a set (order-free)",
    check: (r) => when(typeof r.pattern === "string", "pattern is not set"),
  },
  google_monitoring_uptime_check_config: {
    source: `${GO}/monitoring/resource_monitoring_uptime_check_config.go`,
    rule: 'with mask_headers the headers flattener stores the API\'s "******" (~1148): ignore them; Update PATCHes the whole httpCheck when anything in it changed (~770, ~832): replace instead, triggered by the token and by a terraform_data holding every other http_check field; path starts with / (the DiffSuppress only forgives a missing leading slash, ~39)',
    check: (r, json) => {
      const http = (r.http_check as Json | undefined) ?? {};
      const problems = when(
        typeof http.path === "string" && http.path.startsWith("/"),
        `path ${JSON.stringify(http.path)} does not start with /`,
      );
      if (http.mask_headers !== true) return problems;
      const holders = triggers(r)
        .filter((t) => t.startsWith("terraform_data."))
        .map((t) => (json.resource?.terraform_data as Record<string, Json> | undefined)?.[t.slice("terraform_data.".length)]);
      const held = holders.map((h) => JSON.parse(String((h?.input as Json | undefined)?.http_check ?? "{}")) as Json);
      const fields = Object.keys(http).filter((k) => k !== "headers");
      return [
        ...problems,
        ...when(ignored(r).includes("http_check[0].headers"), "masked headers are not ignored"),
        ...when(
          triggers(r).some((t) => t.startsWith("cloudflare_zero_trust_access_service_token.")),
          "not replaced when its token changes",
        ),
        ...when(held.length === 1, "no terraform_data holds its http_check"),
        ...fields.flatMap((k) =>
          when(
            held.some((h) => camel(k) in h),
            `http_check.${k} is not held by the terraform_data: a change would PATCH the masks`,
          ),
        ),
      ];
    },
  },
  terraform_data: {
    source: TERRAFORM_DATA_SOURCE,
    rule: "built into Terraform: no API; input changes plan an update, which is what replace_triggered_by reacts to",
    check: (r) => when(r.input !== undefined, "input is not set"),
  },
  google_monitoring_alert_policy: {
    source: `${GO}/monitoring/resource_monitoring_alert_policy.go`,
    rule: 'Read flattens the policy as the API returns it: durations in whole seconds ("600s"), cross_series_reducer compared by its DiffSuppress (~39)',
    check: (r) => {
      const durations = list(r.conditions).flatMap((c) => {
        const t = (c.condition_threshold as Json | undefined) ?? {};
        return [t.duration, ...list(t.aggregations).map((a) => a.alignment_period)];
      });
      const auto = (r.alert_strategy as Json | undefined)?.auto_close;
      return [...durations, auto]
        .filter((d) => d !== undefined)
        .flatMap((d) => when(/^\d+s$/.test(String(d)), `duration ${JSON.stringify(d)} is not in whole seconds`));
    },
  },
  google_monitoring_notification_channel: {
    source: `${GO}/monitoring/resource_monitoring_notification_channel.go`,
    rule: "labels are read back as set; only sensitive_labels come back obscured (~107): the email is a plain label",
    check: (r) => [
      ...when(typeof (r.labels as Json | undefined)?.email_address === "string", "labels.email_address is not set"),
      ...when(r.sensitive_labels === undefined, "sensitive_labels read back obscured"),
    ],
  },
  google_project_service: {
    source: `${GO}/resourcemanager/resource_google_project_service.go`,
    rule: "Read checks the project through Resource Manager (~208) then lists enabled services; stable once cloudresourcemanager and serviceusage are on before the first apply (`npm run setup` checks it)",
    check: (r) => when(r.disable_on_destroy === false, "disable_on_destroy is not false"),
  },
  random_bytes: {
    source: `${RND}/resource_bytes.go`,
    rule: "Read does nothing (~82): only length or keepers (RequiresReplace) change it",
    check: (r) => when(r.keepers === undefined, "keepers would replace it whenever they change"),
  },
  random_password: {
    source: `${RND}/resource_password.go`,
    rule: "Read does nothing: only its arguments (all RequiresReplace) change it",
    check: (r) => when(r.keepers === undefined, "keepers would replace it whenever they change"),
  },
  tfe_workspace: {
    source: `${TFE}/resource_tfe_workspace.go`,
    rule: 'Read sets terraform_version and working_directory from the API (~614, ~617) and tag_names as a set (~674); working_directory defaults to ""',
    check: (r) => [
      ...when(r.working_directory === "", `working_directory ${JSON.stringify(r.working_directory)} is not ""`),
      ...when(Array.isArray(r.tag_names), "tag_names is not set"),
    ],
  },
  tfe_variable: {
    source: `${TFE}/resource_tfe_variable.go`,
    rule: "the API never returns a sensitive value; Read carries the last known one forward when sensitive (~69-71, ~101-103)",
    check: (r) => when(r.sensitive === true, "sensitive is not true (a non-sensitive value would be compared with the API's)"),
  },
  tfe_workspace_settings: {
    source: `${TFE}/resource_tfe_workspace_settings.go`,
    rule: "Read sets execution_mode from the API",
    check: (r) => when(r.execution_mode === "remote", `execution_mode ${JSON.stringify(r.execution_mode)}`),
  },
  tfe_team_access: {
    source: `${TFE}/resource_tfe_team_access.go`,
    rule: "Read sets access from the API; a fixed access level (not custom permissions) reads back as set",
    check: (r) => when(["read", "plan", "write", "admin"].includes(String(r.access)), `access ${JSON.stringify(r.access)}`),
  },
};

/** snake_case → camelCase, as the terraform_data input is written from the construct's props. */
function camel(k: string): string {
  return k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
