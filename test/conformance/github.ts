import type { ProviderTable, Rule } from "./rules";

/** integrations/terraform-provider-github at the version @cdktf/provider-github 15.3.1 was generated from. */
const AT = "integrations/terraform-provider-github@v6.9.0:github";
const REPOSITORY_NAME = /^[-a-zA-Z0-9_.]{1,100}$/;
// github/util.go: secretNameRegexp, and validateSecretNameFunc refuses the GITHUB_ prefix.
const SECRET_NAME = /^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[a-zA-Z_][a-zA-Z0-9_]*$/;
const required = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "required", path }));
const computed = (...paths: string[]): Rule[] => paths.map((path) => ({ kind: "computedOnly", path }));

export const github: ProviderTable = {
  resources: {
    github_repository: {
      source: `${AT}/resource_github_repository.go`,
      rules: [
        ...required("name"),
        { kind: "regex", path: "name", pattern: REPOSITORY_NAME },
        { kind: "oneOf", path: "visibility", values: ["public", "private", "internal"] },
        { kind: "conflictsWith", path: "private", siblings: ["visibility"] },
        { kind: "regex", path: "topics", pattern: /^[a-z0-9][a-z0-9-]{0,49}$/ },
        ...computed(
          "full_name",
          "html_url",
          "ssh_clone_url",
          "http_clone_url",
          "git_clone_url",
          "svn_url",
          "node_id",
          "repo_id",
          "primary_language",
        ),
      ],
      described: [
        {
          rule: { kind: "oneOf", path: "squash_merge_commit_title", values: ["PR_TITLE", "COMMIT_OR_PR_TITLE"] },
          where: `${AT}/resource_github_repository.go ~252 (squash_merge_commit_title: "Can be 'PR_TITLE' or 'COMMIT_OR_PR_TITLE'")`,
        },
        {
          rule: { kind: "oneOf", path: "squash_merge_commit_message", values: ["PR_BODY", "COMMIT_MESSAGES", "BLANK"] },
          where: `${AT}/resource_github_repository.go ~259 (squash_merge_commit_message: "Can be 'PR_BODY', 'COMMIT_MESSAGES', or 'BLANK'")`,
        },
      ],
    },
    github_repository_ruleset: {
      source: `${AT}/resource_github_repository_ruleset.go`,
      rules: [
        ...required("name", "target", "repository", "enforcement", "rules"),
        { kind: "regex", path: "name", pattern: /^.{1,100}$/ },
        { kind: "oneOf", path: "target", values: ["branch", "push", "tag"] },
        { kind: "regex", path: "repository", pattern: REPOSITORY_NAME },
        { kind: "oneOf", path: "enforcement", values: ["disabled", "active", "evaluate"] },
        ...required("conditions.ref_name", "conditions.ref_name.include", "conditions.ref_name.exclude"),
        ...required("bypass_actors.actor_type", "bypass_actors.bypass_mode"),
        {
          kind: "oneOf",
          path: "bypass_actors.actor_type",
          values: ["RepositoryRole", "Team", "Integration", "OrganizationAdmin", "DeployKey"],
        },
        { kind: "oneOf", path: "bypass_actors.bypass_mode", values: ["always", "pull_request", "exempt"] },
        ...required("rules.required_status_checks.required_check", "rules.required_status_checks.required_check.context"),
        { kind: "minItems", path: "rules.required_status_checks.required_check", min: 1 },
        { kind: "alsoRequires", path: "rules.update_allows_fetch_and_merge", siblings: ["update"] },
        ...computed("node_id", "ruleset_id", "etag"),
      ],
    },
    github_branch_protection: {
      source: `${AT}/resource_github_branch_protection.go`,
      rules: [
        ...required("repository_id", "pattern"),
        { kind: "range", path: "required_pull_request_reviews.required_approving_review_count", min: 0, max: 6 },
      ],
    },
    github_repository_environment: {
      source: `${AT}/resource_github_repository_environment.go`,
      rules: [
        ...required("repository", "environment"),
        { kind: "range", path: "wait_timer", min: 0, max: 43200 },
        ...required("deployment_branch_policy.protected_branches", "deployment_branch_policy.custom_branch_policies"),
        // MaxItems 6 bounds the reviewers blocks (~58), not the people in them.
        { kind: "maxItems", path: "reviewers", max: 6 },
      ],
      described: [
        {
          rule: { kind: "maxItems", path: "reviewers.users", max: 6 },
          where: `${AT}/resource_github_repository_environment.go ~72 (users: "Up to 6 IDs for users")`,
        },
        {
          rule: { kind: "maxItems", path: "reviewers.teams", max: 6 },
          where: `${AT}/resource_github_repository_environment.go ~66 (teams: "Up to 6 IDs for teams")`,
        },
      ],
    },
    github_repository_environment_deployment_policy: {
      source: `${AT}/resource_github_repository_environment_deployment_policy.go`,
      rules: [
        ...required("repository", "environment"),
        { kind: "conflictsWith", path: "branch_pattern", siblings: ["tag_pattern"] },
        { kind: "conflictsWith", path: "tag_pattern", siblings: ["branch_pattern"] },
      ],
    },
    github_actions_secret: {
      source: `${AT}/resource_github_actions_secret.go and util.go`,
      rules: [
        ...required("repository", "secret_name"),
        { kind: "regex", path: "secret_name", pattern: SECRET_NAME },
        { kind: "conflictsWith", path: "plaintext_value", siblings: ["encrypted_value"] },
        { kind: "conflictsWith", path: "encrypted_value", siblings: ["plaintext_value"] },
        ...computed("created_at", "updated_at"),
      ],
    },
    github_actions_environment_secret: {
      source: `${AT}/resource_github_actions_environment_secret.go and util.go`,
      rules: [
        ...required("repository", "environment", "secret_name"),
        { kind: "regex", path: "secret_name", pattern: SECRET_NAME },
        { kind: "conflictsWith", path: "plaintext_value", siblings: ["encrypted_value"] },
        { kind: "conflictsWith", path: "encrypted_value", siblings: ["plaintext_value"] },
        ...computed("created_at", "updated_at"),
      ],
    },
    github_actions_variable: {
      source: `${AT}/resource_github_actions_variable.go and util.go`,
      rules: [
        ...required("repository", "variable_name", "value"),
        { kind: "regex", path: "variable_name", pattern: SECRET_NAME },
        ...computed("created_at", "updated_at"),
      ],
    },
  },
  dataSources: {
    github_user: {
      source: `${AT}/data_source_github_user.go`,
      rules: [...required("username"), ...computed("login", "id", "node_id", "name", "email", "gpg_keys", "ssh_keys")],
    },
    github_repository: {
      source: `${AT}/data_source_github_repository.go`,
      rules: [
        { kind: "conflictsWith", path: "full_name", siblings: ["name"] },
        { kind: "conflictsWith", path: "name", siblings: ["full_name"] },
        ...computed("node_id", "repo_id", "html_url", "visibility"),
      ],
    },
  },
};
