import { describe, expect, it } from "vitest";
import { KOPIA_FORMAT_BLOB, KOPIA_LOCKED_PREFIXES } from "../../../constructs/cloudflare/backup-bucket";
import type { ServarrConfig } from "../../../stacks/config";
import { FIXTURES } from "../../fixtures";
import { resources, synth } from "../../support";

/**
 * Backups a stolen R2 key cannot erase: the bucket lock (terraform-provider-cloudflare v5.14.0
 * internal/services/r2_bucket_lock/schema.go: rules[].id, enabled, prefix, condition.type
 * Age | Date | Indefinite, condition.max_age_seconds) refuses deletes and overwrites of
 * Kopia's packs for lockDays and of its format blob for good, whoever holds the key.
 */

type Lock = {
  bucket_name: string;
  rules: Array<{ id: string; enabled: boolean; prefix: string; condition: { type: string; max_age_seconds?: number } }>;
};
const withLockDays = (base: ServarrConfig, lockDays: number): ServarrConfig => ({
  ...base,
  host: { ...base.host, cloudflare: { ...base.host.cloudflare, backupBucket: { ...base.host.cloudflare.backupBucket, lockDays } } },
});

describe.each(Object.entries(FIXTURES))("fixture %s: the backup bucket is locked", (_, fixture) => {
  const { json } = synth(fixture);
  const locks = Object.values(resources(json, "cloudflare_r2_bucket_lock")) as unknown as Lock[];

  it("locks Kopia's packs for 30 days by default and its format blob for good, on each host's backup bucket", () => {
    const buckets = Object.keys(resources(json, "cloudflare_r2_bucket"));
    expect(locks).toHaveLength(1 + Object.keys(fixture.hosts ?? {}).length);
    expect(locks.map((l) => l.bucket_name).sort()).toEqual(buckets.map((b) => `\${cloudflare_r2_bucket.${b}.name}`).sort());
    for (const lock of locks)
      expect(lock.rules).toEqual([
        { id: "kopia-packs-p", enabled: true, prefix: "p", condition: { type: "Age", max_age_seconds: 30 * 86400 } },
        { id: "kopia-packs-q", enabled: true, prefix: "q", condition: { type: "Age", max_age_seconds: 30 * 86400 } },
        { id: "kopia-format-blob", enabled: true, prefix: "kopia.repository", condition: { type: "Indefinite" } },
      ]);
  });

  it("takes the lock period from the config and refuses a bad one", () => {
    const locked = Object.values(resources(synth(withLockDays(fixture, 90)).json, "cloudflare_r2_bucket_lock")) as unknown as Lock[];
    expect(locked[0]?.rules[0]?.condition.max_age_seconds).toBe(90 * 86400);
    expect(() => synth(withLockDays(fixture, 0))).toThrow(
      new RegExp(
        `\\[servarr/${fixture.name}/backup\\] cloudflare.backupBucket.lockDays: 0 is not allowed; allowed: an integer from 1 to 3650`,
      ),
    );
  });
});

describe("the locked prefixes match only blobs Kopia writes once", () => {
  // Blobs Kopia rewrites or deletes in normal operation (maintenance, index compaction, logs).
  const rewritten = ["kopia.maintenance", "kopia.blobcfg", "xn0_0123abcd", "x0123abcd", "_log_20261127_abcd", "kopia.lock"];
  it("locks no blob that maintenance rewrites", () => {
    for (const blob of rewritten)
      for (const prefix of [...KOPIA_LOCKED_PREFIXES, KOPIA_FORMAT_BLOB]) expect(blob.startsWith(prefix), blob).toBe(false);
  });
});
