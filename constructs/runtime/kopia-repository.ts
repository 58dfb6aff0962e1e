/** What the backup bucket's lock (constructs/backup-bucket.ts) and Kopia's jobs (constructs/backups.ts) agree on. */

/**
 * Kopia's blobs on the bucket (no prefix): data packs start with "p", metadata packs (snapshot
 * manifests, directory listings) with "q"; each is written once. Kopia deduplicates, so a pack
 * written a year ago may hold files today's snapshot still has: no age-based lock protects the
 * current snapshots. These prefixes and "kopia.repository" (the format blob, the encrypted keys:
 * without it no pack can be read) are therefore locked for good, whoever asks. Indexes ("x...")
 * and logs ("_log...") are not locked: Kopia rewrites them, and rebuilds the indexes from the
 * packs (`kopia index recover`). Kopia's full maintenance, the only task that deletes packs
 * (kopia/kopia@v0.22.3 repo/maintenance/maintenance_run.go runFullMaintenance; with the epoch
 * index every new repository uses, quick maintenance touches index blobs only), is switched off
 * by the backup app's `maintenance` job (constructs/backups.ts, KOPIA_MAINTENANCE_SET): the bucket keeps every pack
 * ever written.
 */
export const KOPIA_LOCKED_PREFIXES = ["p", "q"] as const;
export const KOPIA_FORMAT_BLOB = "kopia.repository";
/** What Kopia must never try: full maintenance deletes unreferenced packs, which the lock refuses. */
export const KOPIA_MAINTENANCE_SET = ["maintenance", "set", "--enable-full=false", "--enable-quick=true"] as const;
