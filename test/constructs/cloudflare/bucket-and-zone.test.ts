import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import { only, resources, synth, withCloudflare } from "../../support";

describe("R2 backup bucket with scoped S3 credentials", () => {
  const { host, json } = synth();

  it("creates the bucket where the config says, and aborts unfinished uploads after 7 days", () => {
    expect(only(resources(json, "cloudflare_r2_bucket"))).toMatchObject({
      name: "servarr-backups",
      location: "weur",
      jurisdiction: "default",
    });
    const lifecycle = only(resources(json, "cloudflare_r2_bucket_lifecycle")) as { rules: unknown[] };
    expect(lifecycle.rules).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        enabled: true,
        conditions: { prefix: "" },
        abort_multipart_uploads_transition: { condition: { type: "Age", max_age: 604800 } },
      },
    ]);
    expect(JSON.stringify(lifecycle)).not.toMatch(/delete_objects_transition/);
  });

  it("scopes the token to that one bucket, with the R2 object read and write groups looked up by name", () => {
    const token = only(resources(json, "cloudflare_account_token")) as {
      policies: Array<{ effect: string; resources: string; permission_groups: Array<{ id: string }> }>;
    };
    expect(token.policies).toHaveLength(1);
    const [policy] = token.policies;
    expect(JSON.parse(policy?.resources ?? "")).toEqual({
      "com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_servarr-backups": "*",
    });
    expect(policy?.permission_groups.map((g) => /g\.name == "([^"]+)"/.exec(g.id)?.[1])).toEqual([
      "Workers R2 Storage Bucket Item Read",
      "Workers R2 Storage Bucket Item Write",
    ]);
    expect(Object.keys(json.data?.cloudflare_account_api_token_permission_groups_list ?? {})).toHaveLength(1);
  });

  it("derives the S3 credentials (id = token id, secret = sha256 of the value) as sensitive outputs and host secrets", () => {
    const tokenName = Object.keys(resources(json, "cloudflare_account_token"))[0];
    expect(json.output).toMatchObject({
      backup_s3_access_key_id: { sensitive: true, value: `\${cloudflare_account_token.${tokenName}.id}` },
      backup_s3_secret_access_key: { sensitive: true, value: `\${sha256(cloudflare_account_token.${tokenName}.value)}` },
      backup_s3_endpoint: { value: "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com" },
      backup_s3_bucket: { value: "servarr-backups" },
    });
    expect(composeProject(host).services.kopia?.environment).toMatchObject({
      KOPIA_S3_BUCKET: "servarr-backups",
      KOPIA_S3_ENDPOINT: "0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
      KOPIA_S3_ACCESS_KEY_ID: "${KOPIA_S3_ACCESS_KEY_ID:?KOPIA_S3_ACCESS_KEY_ID must be set in .env}",
      KOPIA_S3_SECRET_ACCESS_KEY: "${KOPIA_S3_SECRET_ACCESS_KEY:?KOPIA_S3_SECRET_ACCESS_KEY must be set in .env}",
    });
    expect(host.secrets.get("KOPIA_S3_SECRET_ACCESS_KEY")).toMatchObject({ source: "terraform", audience: "host" });
  });
});

describe("zone hardening", () => {
  const { json } = synth();

  it("turns on DNSSEC, HTTPS only, TLS 1.2 minimum, TLS 1.3 and strict SSL", () => {
    expect(only(resources(json, "cloudflare_zone_dnssec"))).toMatchObject({ status: "active" });
    const settings = Object.fromEntries(Object.values(resources(json, "cloudflare_zone_setting")).map((s) => [s.setting_id, s.value]));
    expect(settings).toEqual({ always_use_https: "on", min_tls_version: "1.2", tls_1_3: "on", ssl: "strict" });
  });

  it("leaves Bot Fight Mode off unless configured", () => {
    expect(resources(json, "cloudflare_bot_management")).toEqual({});
    const { json: on } = synth(withCloudflare({ botFightMode: true }));
    expect(only(resources(on, "cloudflare_bot_management"))).toMatchObject({ fight_mode: true });
  });

  it("bypasses the CDN cache for Plex's hostname only", () => {
    expect(only(resources(json, "cloudflare_ruleset"))).toMatchObject({
      kind: "zone",
      phase: "http_request_cache_settings",
      rules: [{ action: "set_cache_settings", action_parameters: { cache: false }, expression: '(http.host in {"plex.example.com"})' }],
    });
  });
});
