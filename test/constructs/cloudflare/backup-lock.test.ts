import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import { KOPIA_FORMAT_BLOB, KOPIA_LOCKED_PREFIXES, KOPIA_MAINTENANCE_SET } from "../../../constructs/runtime/kopia-repository";
import { FIXTURES } from "../../fixtures";
import { resources, synth } from "../../support";

/**
 * Backups a stolen R2 key cannot erase. Kopia deduplicates: a pack written a year ago may hold
 * files today's snapshot still has, so an age-based lock (the 30 days before) let a stolen key
 * delete every older pack and break every snapshot. The bucket lock
 * (terraform-provider-cloudflare v5.14.0 internal/services/r2_bucket_lock/schema.go: rules[].id,
 * enabled, prefix, condition.type Age | Date | Indefinite) now keeps Kopia's packs and format
 * blob for good, whoever asks; Kopia's full maintenance, the only task that deletes packs
 * (kopia/kopia@v0.22.3 repo/maintenance/maintenance_run.go runFullMaintenance), is switched off
 * by a job that runs at every `up`, before the server (`maintenance set --enable-full=false`: the
 * flag form Kopia's own tests/endurance_test/endurance_test.go uses at v0.22.3; setting a cycle
 * needs no ownership and is idempotent, cli/command_maintenance_set.go).
 */

type Lock = {
  bucket_name: string;
  rules: Array<{ id: string; enabled: boolean; prefix: string; condition: { type: string; max_age_seconds?: number; date?: string } }>;
};

describe.each(Object.entries(FIXTURES))("fixture %s: the backup bucket keeps what a restore needs", (_, fixture) => {
  const { json, host } = synth(fixture);
  const locks = Object.values(resources(json, "cloudflare_r2_bucket_lock")) as unknown as Lock[];

  it("locks every Kopia pack (p, q) and the format blob for good, on each host's backup bucket", () => {
    const buckets = Object.keys(resources(json, "cloudflare_r2_bucket"));
    expect(locks).toHaveLength(1 + Object.keys(fixture.hosts ?? {}).length);
    expect(locks.map((l) => l.bucket_name).sort()).toEqual(buckets.map((b) => `\${cloudflare_r2_bucket.${b}.name}`).sort());
    for (const lock of locks) {
      // Every blob a restore reads (any pack of any age, the format blob) falls under an enabled rule with no end.
      for (const blob of ["p0123abcd-s5f0c", "q4567ef01-s5f0c", KOPIA_FORMAT_BLOB])
        expect(
          lock.rules.some((r) => r.enabled && blob.startsWith(r.prefix) && r.condition.type === "Indefinite"),
          blob,
        ).toBe(true);
      for (const rule of lock.rules) expect(rule.condition, rule.id).toEqual({ type: "Indefinite" });
    }
  });

  it("Kopia's full maintenance (pack deletes) is off before the server starts", () => {
    const kopia = host.appWithRole("backup");
    if (!kopia) return;
    const services = composeProject(host).services;
    const job = services[`${kopia.name}-maintenance`];
    expect(job?.command).toEqual([...KOPIA_MAINTENANCE_SET]);
    expect(KOPIA_MAINTENANCE_SET).toContain("--enable-full=false");
    expect(job?.profiles).toBeUndefined();
    expect(JSON.stringify(services[kopia.name]?.depends_on)).toContain(`${kopia.name}-maintenance`);
  });
});

describe("the locked prefixes match only blobs Kopia writes once", () => {
  // Blobs Kopia rewrites or deletes in normal operation (epoch index maintenance, logs, its own settings).
  const rewritten = ["kopia.maintenance", "kopia.blobcfg", "xn0_0123abcd", "x0123abcd", "_log_20261127_abcd", "kopia.lock"];
  it("locks no blob that maintenance rewrites", () => {
    for (const blob of rewritten)
      for (const prefix of [...KOPIA_LOCKED_PREFIXES, KOPIA_FORMAT_BLOB]) expect(blob.startsWith(prefix), blob).toBe(false);
  });
});
