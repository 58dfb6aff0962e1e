import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../compose/render/bundle";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import * as catalog from "../../constructs/catalog";
import { DEFAULT_BACKUP_POLICY } from "../../constructs/config/backup-policy";
import { synth, withApps } from "../support";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-backup-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const { host } = synth();
const bundle = renderBundle(host);
const composeText = bundle.get("compose.yaml") as string;
const compose = parse(composeText) as ComposeFile;
const service = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

describe("backups", () => {
  const kopia = service("kopia");
  const appsWithState = host.apps.filter((a) => a.name !== "kopia" && a.configDir);

  it("mounts every app's config dir read-only, and nothing else of theirs", () => {
    const sources = (kopia.volumes ?? []).filter((v) => v.includes("/sources/"));
    expect(sources.sort()).toEqual(appsWithState.map((a) => `/opt/servarr/config/${a.name}:/sources/${a.name}:ro`).sort());
    expect(appsWithState.map((a) => a.name)).toContain("plex");
    expect(appsWithState.map((a) => a.name)).not.toContain("flaresolverr"); // stateless
  });

  it("declares the schedule and retention from the config for exactly those dirs", () => {
    const command = service("kopia-policy").command as string[];
    expect(command.filter((c) => c.startsWith("/sources/")).sort()).toEqual(appsWithState.map((a) => `/sources/${a.name}`).sort());
    const r = DEFAULT_BACKUP_POLICY.retention;
    expect(command).toEqual(
      expect.arrayContaining([
        "--snapshot-time=03:30",
        `--keep-daily=${r.daily}`,
        `--keep-weekly=${r.weekly}`,
        `--keep-monthly=${r.monthly}`,
        `--keep-annual=${r.annual}`,
      ]),
    );
  });

  it("connects to the host's R2 bucket (keys from .env) before the server starts; creating it is a one-off profile", () => {
    expect(service("kopia-connect").command).toEqual(
      expect.arrayContaining([
        "connect",
        "s3",
        `--bucket=${host.backup.bucketName}`,
        `--endpoint=${host.backup.endpointHost}`,
        "--override-hostname=servarr",
      ]),
    );
    expect(service("kopia-connect").environment?.AWS_SECRET_ACCESS_KEY).toBe(
      "${KOPIA_S3_SECRET_ACCESS_KEY:?KOPIA_S3_SECRET_ACCESS_KEY must be set in .env}",
    );
    expect(kopia.depends_on).toEqual({
      "kopia-maintenance": { condition: "service_completed_successfully" },
      "kopia-notify": { condition: "service_completed_successfully" },
      "kopia-policy": { condition: "service_completed_successfully" },
    });
    expect(service("kopia-notify").depends_on).toEqual({ "kopia-connect": { condition: "service_completed_successfully" } });
    expect(service("kopia-policy").depends_on).toEqual({ "kopia-connect": { condition: "service_completed_successfully" } });
    expect(service("kopia-create").profiles).toEqual(["init"]);
  });

  it("keeps its UI behind Access", () => {
    const route = host.app("kopia")?.routes[0];
    expect(route?.exposure.kind).toBe("private");
  });

  it("rejects a bad schedule or retention with the path and what is allowed", () => {
    const bad = withApps((h) => {
      catalog.kopia(h, { backupPolicy: { snapshotTimes: ["3am"], retention: { ...DEFAULT_BACKUP_POLICY.retention, daily: -1 } } });
    });
    expect(() => synth(bad)).toThrow(
      /\[servarr\/servarr\/kopia\] backupPolicy\.snapshotTimes\[0\]: "3am" is not allowed; allowed: a 24-hour time HH:MM[\s\S]*backupPolicy\.retention\.daily: -1/,
    );
  });
});
