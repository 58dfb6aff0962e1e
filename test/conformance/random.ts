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
    random_password: {
      source: `${AT}/resource_password.go`,
      rules: [
        { kind: "required", path: "length" },
        // AtLeast(1) and AtLeastSumOf(min_upper, min_lower, min_numeric, min_special): servarr sets no minimums.
        { kind: "range", path: "length", min: 1 },
        ...["min_upper", "min_lower", "min_numeric", "min_special"].map((path) => ({ kind: "range" as const, path, min: 0 })),
        { kind: "computedOnly", path: "result" },
        { kind: "computedOnly", path: "bcrypt_hash" },
        { kind: "computedOnly", path: "id" },
      ],
    },
  },
  dataSources: {},
};
