import { AccountToken } from "@cdktf/provider-cloudflare/lib/account-token";
import { DataCloudflareAccountApiTokenPermissionGroupsList } from "@cdktf/provider-cloudflare/lib/data-cloudflare-account-api-token-permission-groups-list";
import { R2Bucket } from "@cdktf/provider-cloudflare/lib/r2-bucket";
import { R2BucketLifecycle } from "@cdktf/provider-cloudflare/lib/r2-bucket-lifecycle";
import { R2BucketLock } from "@cdktf/provider-cloudflare/lib/r2-bucket-lock";
import { Fn, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { BackupBucketOptions } from "../config/options";
import { KOPIA_FORMAT_BLOB, KOPIA_LOCKED_PREFIXES } from "../runtime/kopia-repository";

/**
 * Permission groups of the bucket-scoped S3 credentials, looked up by name at plan time (ids
 * are Cloudflare's to change; names are documented). Read is listed besides Write because
 * Kopia reads its own packs during maintenance and restores. R2 has no group that writes
 * without deleting, so the key can delete: the bucket lock is what keeps the packs.
 */
export const R2_PERMISSION_GROUPS = ["Workers R2 Storage Bucket Item Read", "Workers R2 Storage Bucket Item Write"] as const;

export interface BackupBucketProps extends BackupBucketOptions {
  readonly accountId: string;
  /** Prefix of the token's name. */
  readonly namePrefix: string;
  /**
   * Prefix of the Terraform outputs (`<prefix>backup_s3_bucket`): "" for the first host.
   * @default ""
   */
  readonly outputPrefix?: string;
}

/**
 * The R2 bucket Kopia writes the host's backups to, with S3 credentials that reach this one
 * bucket only: an account token scoped to it (S3 access key id = token id, secret access key
 * = SHA-256 of the token value). No age-based deletion rule and no age-based lock: Kopia's packs
 * stay referenced by snapshots of any age, so the packs are kept and locked for good.
 */
export class BackupBucket extends Construct {
  readonly bucket: R2Bucket;
  readonly lock: R2BucketLock;
  readonly token: AccountToken;
  readonly bucketName: string;
  /** S3 endpoint URL of the account. */
  readonly endpoint: string;
  /** S3 access key id (sensitive Terraform value). */
  readonly accessKeyId: string;
  /** S3 secret access key (sensitive Terraform value). */
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const jurisdiction = props.jurisdiction ?? "default";
    this.bucketName = props.name;
    this.endpoint = `https://${props.accountId}.r2.cloudflarestorage.com`;
    this.bucket = new R2Bucket(this, "bucket", {
      accountId: props.accountId,
      name: props.name,
      jurisdiction,
      ...(props.location ? { location: props.location } : {}),
    });
    new R2BucketLifecycle(this, "lifecycle", {
      accountId: props.accountId,
      bucketName: this.bucket.name,
      jurisdiction,
      rules: [
        {
          id: "abort-incomplete-multipart-uploads",
          enabled: true,
          conditions: { prefix: "" },
          abortMultipartUploadsTransition: {
            condition: { type: "Age", maxAge: (props.abortMultipartUploadsAfterDays ?? 7) * 86400 },
          },
        },
      ],
    });

    // Schema: terraform-provider-cloudflare v5.14.0 internal/services/r2_bucket_lock/schema.go
    // (rules[].id/enabled/prefix, condition.type Age | Date | Indefinite; rules RequiresReplace).
    this.lock = new R2BucketLock(this, "lock", {
      accountId: props.accountId,
      bucketName: this.bucket.name,
      jurisdiction,
      rules: [
        ...KOPIA_LOCKED_PREFIXES.map((prefix) => ({
          id: `kopia-packs-${prefix}`,
          enabled: true,
          prefix,
          condition: { type: "Indefinite" },
        })),
        { id: "kopia-format-blob", enabled: true, prefix: KOPIA_FORMAT_BLOB, condition: { type: "Indefinite" } },
      ],
    });

    const groups = new DataCloudflareAccountApiTokenPermissionGroupsList(this, "permission-groups", {
      accountId: props.accountId,
    });
    // one(): plan fails loudly if Cloudflare renames a group instead of minting a weaker token.
    const groupId = (name: string) => `\${one([for g in ${groups.fqn}.result : g.id if g.name == "${name}"])}`;
    this.token = new AccountToken(this, "s3-token", {
      accountId: props.accountId,
      name: `${props.namePrefix} kopia r2 ${props.name}`,
      policies: [
        {
          effect: "allow",
          permissionGroups: R2_PERMISSION_GROUPS.map((name) => ({ id: groupId(name) })),
          resources: JSON.stringify({ [`com.cloudflare.edge.r2.bucket.${props.accountId}_${jurisdiction}_${props.name}`]: "*" }),
        },
      ],
    });
    this.accessKeyId = this.token.id;
    this.secretAccessKey = Fn.sha256(this.token.value);

    const output = (name: string, value: string, sensitive: boolean, description: string) =>
      new TerraformOutput(this, name, { value, sensitive, description }).overrideLogicalId(`${props.outputPrefix ?? ""}${name}`);
    output("backup_s3_access_key_id", this.accessKeyId, true, "S3 access key id of the Kopia bucket (R2 token id)");
    output(
      "backup_s3_secret_access_key",
      this.secretAccessKey,
      true,
      "S3 secret access key of the Kopia bucket (SHA-256 of the token value)",
    );
    output("backup_s3_endpoint", this.endpoint, false, "S3 endpoint of the account's R2 storage");
    output("backup_s3_bucket", this.bucketName, false, "R2 bucket Kopia writes to");
  }

  /** The endpoint as Kopia's `--endpoint` wants it: host name only, TLS implied. */
  get endpointHost(): string {
    return this.endpoint.replace(/^https:\/\//, "");
  }
}
