import type { ProviderTable, Rule } from "./rules";

/** hashicorp/terraform-provider-tfe at the version @cdktf/provider-tfe 12.5.1 was generated from. */
const AT = "hashicorp/terraform-provider-tfe@v0.71.0:internal/provider";
const required = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "required", path }));
const computed = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "computedOnly", path }));

export const tfe: ProviderTable = {
  resources: {
    tfe_workspace: {
      source: `${AT}/resource_tfe_workspace.go`,
      rules: [
        ...required("name"),
        { kind: "conflictsWith", path: "execution_mode", siblings: ["operations"] },
        { kind: "conflictsWith", path: "agent_pool_id", siblings: ["operations"] },
        { kind: "conflictsWith", path: "auto_destroy_activity_duration", siblings: ["auto_destroy_at"] },
        { kind: "regex", path: "auto_destroy_activity_duration", pattern: /^\d{1,4}[dh]$/ },
        { kind: "alsoRequires", path: "source_name", siblings: ["source_url"] },
        { kind: "alsoRequires", path: "source_url", siblings: ["source_name"] },
        { kind: "conflictsWith", path: "trigger_prefixes", siblings: ["trigger_patterns"] },
        { kind: "conflictsWith", path: "trigger_patterns", siblings: ["trigger_prefixes"] },
        // CustomizeDiff validateTagNames / validTagName (~1113-1140): lowercase, digits, "_", ":", "-".
        { kind: "regex", path: "tag_names", pattern: /^[a-z0-9](?:[a-z0-9_:-]*[a-z0-9])?$/ },
        ...computed("id", "resource_count", "html_url", "effective_tags"),
      ],
    },
    tfe_workspace_settings: {
      source: `${AT}/resource_tfe_workspace_settings.go`,
      rules: [
        ...required("workspace_id"),
        { kind: "oneOf", path: "execution_mode", values: ["agent", "local", "remote"] },
        ...computed("id", "overwrites", "effective_tags"),
      ],
    },
    tfe_team_access: {
      source: `${AT}/resource_tfe_team_access.go`,
      rules: [
        ...required("team_id", "workspace_id"),
        { kind: "exactlyOneOf", parent: "", siblings: ["access", "permissions"] },
        { kind: "oneOf", path: "access", values: ["admin", "read", "plan", "write"] },
        ...computed("id"),
      ],
    },
    tfe_variable: {
      source: `${AT}/resource_tfe_variable.go`,
      rules: [
        ...required("key", "category"),
        { kind: "oneOf", path: "category", values: ["env", "terraform"] },
        { kind: "exactlyOneOf", parent: "", siblings: ["workspace_id", "variable_set_id"] },
        { kind: "regex", path: "workspace_id", pattern: /^ws-[a-zA-Z0-9]{16}$/ },
        { kind: "conflictsWith", path: "value", siblings: ["value_wo"] },
        { kind: "conflictsWith", path: "value_wo", siblings: ["value"] },
        ...computed("id", "readable_value"),
      ],
    },
  },
  dataSources: {
    tfe_team: {
      source: `${AT}/data_source_team.go`,
      rules: [...required("name"), ...computed("id", "sso_team_id")],
    },
  },
};
