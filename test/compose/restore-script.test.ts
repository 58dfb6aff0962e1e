import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { RESTORE_EXIT, restoreTargets } from "../../compose/render/host/restore-script";
import { FIXTURES } from "../fixtures";
import { synth } from "../support";
import { tool } from "../tool";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-restore-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const shellcheck = tool("shellcheck", "shellcheck", ["--version"]);

// What must hold for any config: the user's and every fixture.
describe.each(Object.entries(FIXTURES))("restore.sh (%s)", (label, config) => {
  const { host } = synth(config);
  const files = renderBundle(host);
  const script = files.get("restore.sh");
  const kopia = host.appWithRole("backup");
  // The script with the data it sources next to it, as in the bundle.
  const dir = path.join(scratch, label);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "bundle.env"), files.get("bundle.env") ?? "");

  it("exists exactly when there is a backup app with sources, with its data in bundle.env", () => {
    expect(script !== undefined).toBe(kopia !== undefined && host.backupSources().length > 0);
    expect(files.get("bundle.env")?.includes("restore_apps=(")).toBe(script !== undefined);
  });

  it("restores exactly the backed-up config dirs, each to its app's owner and Kopia's source name", () => {
    const targets = restoreTargets(host);
    expect(targets.map((t) => t.dir)).toEqual(kopia ? host.backupSources().map((s) => s.hostDir) : []);
    for (const t of targets) {
      const app = host.app(t.app);
      const own = app?.props.uid !== undefined && (app.props.identity ?? "linuxserver") !== "image";
      expect(t.owner, t.app).toBe(`${own ? app?.props.uid : 0}:${host.gid}`);
      expect(t.source, t.app).toBe(`${kopia?.name}@${host.name}:/sources/${t.app}`);
      expect(t.waitSeconds > 0, t.app).toBe(app?.healthProbe !== undefined);
    }
  });

  it.skipIf(!script || !shellcheck.present)(`passes shellcheck${shellcheck.missing}`, () => {
    const file = path.join(dir, "restore.sh");
    writeFileSync(file, script ?? "");
    const check = spawnSync("shellcheck", ["-x", file], { encoding: "utf8" });
    expect(check.stdout).toBe("");
  });

  it.skipIf(!script)("refuses an unknown app and no app at all, and a dry-run lists each source's snapshots and changes nothing", () => {
    const file = path.join(dir, "restore-run.sh");
    writeFileSync(file, script ?? "", { mode: 0o755 });
    const state = path.join(scratch, `${label}-state`);
    mkdirSync(path.join(state, "current"), { recursive: true });
    writeFileSync(path.join(state, "current", "compose.yaml"), "name: x\n");
    const standIn = path.join(scratch, `${label}-kopia.sh`);
    const calls = path.join(scratch, `${label}-calls`);
    writeFileSync(standIn, `#!/bin/sh\necho "$@" >>${calls}\necho "2026-11-27 03:30:00 UTC k0002"\n`, { mode: 0o755 });
    const env = { ...process.env, SERVARR_DEPLOY_STATE_DIR: state, SERVARR_RESTORE_KOPIA: standIn };
    const unknown = spawnSync("bash", [file, "nope"], { encoding: "utf8", env });
    expect(unknown.status).toBe(RESTORE_EXIT.usage);
    expect(unknown.stderr).toMatch(/nope is not an app with a backed-up config dir \(one of: /);
    expect(spawnSync("bash", [file], { encoding: "utf8", env }).status).toBe(RESTORE_EXIT.usage);
    const dry = spawnSync("bash", [file, "--dry-run", "--all"], { encoding: "utf8", env });
    expect(dry.status, dry.stderr).toBe(0);
    const targets = restoreTargets(host);
    for (const t of targets) expect(dry.stdout).toContain(`${t.app}: would restore snapshot 'latest' of ${t.source} into ${t.dir}`);
    expect(spawnSync("cat", [calls], { encoding: "utf8" }).stdout.trim().split("\n")).toEqual(targets.map((t) => `list ${t.source}`));
  });
});
