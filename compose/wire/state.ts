/**
 * What the wire job remembers between runs: a fingerprint (SHA-256) of each secret it wrote
 * into an app, because the arrs answer `********` for a secret field. Same fingerprint as the
 * key it would write: unchanged; otherwise the field is written again.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface State {
  fingerprint(id: string): string | undefined;
  remember(id: string, secret: string): void;
  save(): void;
}

export const fingerprintOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** A state in memory (tests, dry runs), or in `<dir>/state.json`, written atomically. */
export function openState(dir?: string): State {
  const file = dir ? join(dir, "state.json") : undefined;
  const prints: Record<string, string> = file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")).fingerprints ?? {}) : {};
  return {
    fingerprint: (id) => prints[id],
    remember: (id, secret) => {
      prints[id] = fingerprintOf(secret);
    },
    save: () => {
      if (!file) return;
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ fingerprints: prints }, null, 2)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
  };
}
