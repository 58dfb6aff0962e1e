import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RESTORE_EXIT, restoreTargets } from "../../../compose/render/host/restore-script";
import type { Host } from "../../../constructs/host/host";
import { type Project, run, waitFor } from "../docker";
import { type CheckResult, checkResult } from "./checks";

const SNAPSHOTS = ["2026-11-26T033000Z-k0001", "2026-11-27T033000Z-k0002"];

/**
 * A stand-in for Kopia's data path, with restore.sh's two verbs: snapshots are directories
 * `<repo>/<source>/<time>-<id>`; `list` prints them, `restore` copies one (the latest by default)
 * into the staging dir as Kopia's user would write it (owned by Kopia's uid).
 */
function kopiaStandIn(repo: string, kopiaUid: string): string {
  return `#!/usr/bin/env bash
set -euo pipefail
key=$(printf '%s' "$2" | tr '/:@' '___')
case $1 in
list) ls -1 "${repo}/$key" ;;
restore)
  snap=$3
  if [[ $snap == latest ]]; then snap=$(ls -1 "${repo}/$key" | tail -n 1); fi
  cp -a "${repo}/$key/$snap/." "$4/"
  chown -R ${kopiaUid} "$4"
  ;;
esac
`;
}

const startedAt = (project: Project, service: string) => project.inspect<string>(service, ".State.StartedAt");

/**
 * 9. restore.sh, generated, on the real engine with a stand-in for Kopia's data path: a dry-run
 * lists the snapshots and changes nothing; while a deploy holds the lock it refuses and changes
 * nothing; a restore stops the app, puts the latest snapshot in place with the app's owner,
 * starts it and returns once it is healthy (the previous dir kept next to it).
 */
export async function restore(project: Project, host: Host, work: string, hostRoot: string, app: string): Promise<CheckResult> {
  const name = "restore";
  const target = restoreTargets(host).find((t) => t.app === app);
  const kopia = host.appWithRole("backup");
  if (!target || !kopia)
    return { name, ok: false, failures: ["no restorable app"], line: `FAIL ${name}: ${app} has no backed-up config dir` };
  const failures: string[] = [];
  // The generated script as it is, next to its data (bundle.env) with the host's config root
  // moved where the stand-ins' volumes are.
  const script = path.join(work, "restore.sh");
  copyFileSync(path.resolve("compose", host.name, "restore.sh"), script);
  chmodSync(script, 0o755);
  const data = readFileSync(path.resolve("compose", host.name, "bundle.env"), "utf8");
  writeFileSync(path.join(work, "bundle.env"), data.replaceAll(`'${host.configRoot}/`, `'${hostRoot}${host.configRoot}/`));
  const state = path.join(work, "deploy-state");
  mkdirSync(path.join(state, "current"), { recursive: true });
  copyFileSync(path.join(work, "compose.yaml"), path.join(state, "current", "compose.yaml"));
  copyFileSync(path.join(work, ".env"), path.join(state, "current", ".env"));
  const repo = path.join(work, "kopia-repo");
  const key = target.source.replace(/[/:@]/g, "_");
  for (const [i, snap] of SNAPSHOTS.entries()) {
    mkdirSync(path.join(repo, key, snap, "db"), { recursive: true });
    writeFileSync(path.join(repo, key, snap, "settings.xml"), `snapshot ${i + 1}\n`);
    writeFileSync(path.join(repo, key, snap, "db", "app.db"), `rows of snapshot ${i + 1}\n`);
  }
  const standIn = path.join(work, "kopia-standin.sh");
  writeFileSync(standIn, kopiaStandIn(repo, String(kopia.props.uid ?? 0)), { mode: 0o755 });
  const live = `${hostRoot}${target.dir}`;
  writeFileSync(path.join(live, "live.txt"), "live config\n");
  const env = { ...process.env, SERVARR_DEPLOY_STATE_DIR: state, SERVARR_RESTORE_KOPIA: standIn };
  const runRestore = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn("bash", [script, ...args], { env });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
      child.on("close", (code) => resolve({ code: code ?? 1, out }));
    });
  const unchanged = async (what: string, before: string) => {
    if ((await startedAt(project, app)) !== before) failures.push(`${what}: ${app} was restarted`);
    if (!readdirSync(live).includes("live.txt")) failures.push(`${what}: the live config changed`);
  };

  // Dry-run: the snapshots, nothing changed.
  const before = await startedAt(project, app);
  const dry = await runRestore("--dry-run", app);
  if (dry.code !== 0 || !SNAPSHOTS.every((s) => dry.out.includes(s))) failures.push(`dry-run: exit ${dry.code}, output ${dry.out.trim()}`);
  await unchanged("dry-run", before);

  // A deploy holds the lock: refused at once, nothing changed.
  const holder = spawn("flock", [path.join(state, "lock"), "sleep", "120"]);
  const released = new Promise((r) => holder.on("close", r));
  await waitFor(async () => (await run("flock", ["--nonblock", path.join(state, "lock"), "true"])).code !== 0, 10_000, 100);
  const locked = await runRestore(app);
  holder.kill();
  if (locked.code !== RESTORE_EXIT.locked || !locked.out.includes("a deploy holds"))
    failures.push(`while locked: exit ${locked.code} (expected ${RESTORE_EXIT.locked}): ${locked.out.trim()}`);
  await unchanged("while locked", before);
  await released;

  // The restore.
  const began = Date.now();
  const done = await runRestore(app);
  const seconds = (Date.now() - began) / 1000;
  if (done.code !== 0) failures.push(`restore: exit ${done.code}: ${done.out.trim().split("\n").slice(-3).join(" / ")}`);
  if ((await startedAt(project, app)) === before) failures.push(`restore: ${app} was not stopped and started`);
  const restored = readFileSync(path.join(live, "settings.xml"), "utf8").trim();
  if (restored !== `snapshot ${SNAPSHOTS.length}`) failures.push(`restore: settings.xml says "${restored}", not the latest snapshot`);
  if (readdirSync(live).includes("live.txt")) failures.push("restore: the live config's own file is still in place");
  const st = statSync(path.join(live, "db", "app.db"));
  const dirMode = (statSync(live).mode & 0o777).toString(8);
  if (`${st.uid}:${st.gid}` !== target.owner) failures.push(`restore: files owned by ${st.uid}:${st.gid}, not ${target.owner}`);
  if (dirMode !== "750") failures.push(`restore: the config dir has mode ${dirMode}, not 750`);
  const kept = readdirSync(path.dirname(live)).find((d) => d.startsWith(`${path.basename(live)}.before-restore-`));
  if (!kept || !readdirSync(path.join(path.dirname(live), kept)).includes("live.txt"))
    failures.push("restore: the previous config dir was not kept");
  const health = await project.inspect<string>(app, ".State.Health.Status").catch(() => "none");
  if (target.waitSeconds > 0 && health !== "healthy") failures.push(`restore: ${app} is ${health} when restore.sh returned`);
  chmodSync(live, 0o777);
  return checkResult(
    name,
    failures,
    `generated restore.sh with a stand-in for Kopia's data path: dry-run listed ${SNAPSHOTS.length} snapshots of ${target.source}, changed nothing; ` +
      `with the deploy lock held it refused (exit ${locked.code}), changed nothing; restore of ${app}: stopped, latest snapshot in place owned by ${target.owner} (mode 750), ` +
      `started and ${health} in ${seconds.toFixed(1)} s (previous dir kept)`,
  );
}
