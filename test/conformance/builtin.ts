import type { ProviderTable } from "./rules";

/**
 * Terraform's built-in provider (terraform.io/builtin/terraform): nothing to download, the same
 * in Terraform Cloud. Read in hashicorp/terraform at the binary's version (1.11.4 here).
 */
export const TERRAFORM_DATA_SOURCE = "hashicorp/terraform@v1.11.4:internal/builtin/providers/terraform/resource_data.go";

export const builtin: ProviderTable = {
  resources: {
    terraform_data: {
      source: TERRAFORM_DATA_SOURCE,
      // input and triggers_replace are dynamic values; id and output are computed.
      rules: [
        { kind: "computedOnly", path: "id" },
        { kind: "computedOnly", path: "output" },
      ],
    },
  },
  dataSources: {},
};
