import type { ProviderTable } from "./rules";

/** hashicorp/terraform-provider-random at the version @cdktf/provider-random 12.0.1 was generated from. */
const AT = "hashicorp/terraform-provider-random@v3.7.2:internal/provider";

export const random: ProviderTable = {
  resources: {
    random_bytes: {
      source: `${AT}/resource_bytes.go`,
      rules: [
        { kind: "required", path: "length" },
        { kind: "range", path: "length", min: 1 },
        { kind: "computedOnly", path: "base64" },
        { kind: "computedOnly", path: "hex" },
        { kind: "computedOnly", path: "id" },
      ],
    },
  },
  dataSources: {},
};
