import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ComposeFile } from "../../../compose/render/project/compose-spec";
import type { Host } from "../../../constructs/host/host";
import { RESTARTER } from "../../../constructs/runtime/support";
import { docker, type Project, waitFor } from "../docker";
import { type CheckResult, checkResult, restarterLog } from "./checks";
import { kopiaFailureReport, kopiaWebhookRequest } from "./kopia-report";

interface Notification {
  readonly method: string;
  readonly path: string;
  readonly title?: string;
  readonly body: string;
}

const readLog = (file: string): Notification[] =>
  (existsSync(file) ? readFileSync(file, "utf8") : "")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Notification);

/**
 * 11. A failed backup reaches the channel once. Kopia itself cannot run here (no registry), so
 * the Kopia stand-in sends, from Kopia's container and networks, the request Kopia's webhook
 * sender makes for a failed snapshot (test/e2e/kopia-report.ts) to the endpoint the generated
 * `<kopia>-notify` job configures; the restarter's relay must answer 200 (Kopia's test of
 * delivery) and post it on to the local receiver exactly once, as `backup: <subject>` with
 * Kopia's report as the message. The channel's URL is in no generated command and in no log.
 * Control: the same request from an app that shares no network with the restarter reaches nothing.
 */
export async function backupFailure(
  project: Project,
  compose: ComposeFile,
  host: Host,
  work: string,
  notifyLog: string,
  notifyUrl: string,
): Promise<CheckResult> {
  const name = "backup failure";
  const kopia = host.appWithRole("backup");
  const job = kopia ? compose.services[`${kopia.name}-notify`] : undefined;
  const endpoint = ((job?.command as string[] | undefined) ?? []).find((a) => a.startsWith("--endpoint="))?.slice("--endpoint=".length);
  if (!kopia || !endpoint)
    return {
      name,
      ok: false,
      failures: ["no Kopia notify job with an endpoint"],
      line: `FAIL ${name}: no <kopia>-notify job with --endpoint`,
    };
  const failures: string[] = [];
  const source = host.backupSources()[0]?.containerDir ?? "/sources/app";
  const report = kopiaFailureReport(source);
  // The request, as bytes, where every stand-in can read it (/www is mounted read-only in each).
  writeFileSync(path.join(work, "www", "kopia-report.http"), kopiaWebhookRequest(endpoint, report.subject, report.body));
  const url = new URL(endpoint);
  const send = (service: string) =>
    project.exec(service, `timeout 15 nc ${url.hostname} ${url.port} </www/kopia-report.http 2>&1 | head -n 1`, 30_000);
  const backups = () => readLog(notifyLog).filter((n) => n.title?.startsWith("backup: "));

  const before = backups().length;
  const sent = await send(kopia.name);
  const answer = sent.stdout.trim();
  if (!answer.startsWith("HTTP/1.1 200"))
    failures.push(`the relay answered "${answer || sent.stderr.trim()}", not 200 (Kopia would log a failed delivery)`);
  const took = await waitFor(async () => backups().length > before, 20_000, 250);
  // Exactly one: wait a little longer for a duplicate.
  await new Promise((r) => setTimeout(r, 3000));
  const arrived = backups().slice(before);
  const channelPath = new URL(notifyUrl).pathname;
  if (arrived.length !== 1) failures.push(`${arrived.length} notifications arrived for one failed snapshot, not 1`);
  const got = arrived[0];
  if (got && (got.method !== "POST" || got.path !== channelPath))
    failures.push(`posted as ${got.method} ${got.path}, not POST ${channelPath}`);
  if (got && got.title !== `backup: ${report.subject}`) failures.push(`title "${got.title}", not "backup: ${report.subject}"`);
  if (got && got.body !== report.body) failures.push("the message is not Kopia's report as sent");

  // The URL: in no command of the generated project, in neither container's log.
  const inCommands = Object.entries(compose.services).filter(([, s]) => JSON.stringify([s.command, s.entrypoint]).includes(notifyUrl));
  if (inCommands.length > 0) failures.push(`the channel's URL is in the command of ${inCommands.map(([n]) => n).join(", ")}`);
  const logs = await restarterLog(project);
  if (logs.some((l) => l.includes(notifyUrl))) failures.push("the restarter's log shows the channel's URL");
  if (!logs.some((l) => l.includes(`relaying a backup report: ${report.subject}`)))
    failures.push("the restarter did not log the relayed report");
  const kopiaLog = await docker("logs", project.container(kopia.name)).catch(() => "");
  if (kopiaLog.includes(notifyUrl)) failures.push("Kopia's log shows the channel's URL");

  // Control: an app with no network shared with the restarter cannot post to the relay.
  const plan = host.networkPlan();
  const outsider = host.apps.find((a) => !a.vpn && a.port !== undefined && !plan.related(a.name, RESTARTER) && a !== kopia);
  let control = "no unrelated app in the model";
  if (outsider) {
    const count = backups().length;
    const leak = await send(outsider.name);
    await new Promise((r) => setTimeout(r, 3000));
    const reached = leak.stdout.startsWith("HTTP/") || backups().length > count;
    if (reached) failures.push(`control: ${outsider.name} (no network shared with ${RESTARTER}) reached the relay`);
    control = `the same request from ${outsider.name} (no network shared with ${RESTARTER}) reached ${reached ? "the relay" : "nothing"}`;
  }
  return checkResult(
    name,
    failures,
    `Kopia's webhook request for a failed snapshot of ${source}, sent from ${kopia.name}'s container to ${endpoint} ` +
      `(the generated ${kopia.name}-notify endpoint): relay answered ${answer.split("\r")[0] || "nothing"}; ${arrived.length} notification at the receiver ` +
      `${took === undefined ? "" : `after ${took.toFixed(1)} s `}titled "${got?.title ?? "none"}"; the channel's URL in no command or log; ${control}`,
  );
}
