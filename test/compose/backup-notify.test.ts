import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, createConnection, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { relayHandler, relayStart } from "../../compose/render/host/backup-relay";
import { composeProject } from "../../compose/render/project/project";
import { type BackupRelay, kopiaNotifyCommand, RELAY_PATH } from "../../constructs/runtime/backup-notify";
import { RESTARTER } from "../../constructs/runtime/support";
import type { ServarrConfig } from "../../stacks/config";
import { kopiaFailureReport, kopiaWebhookRequest } from "../e2e/checks/kopia-report";
import { FIXTURES } from "../fixtures";
import { localReceiver } from "../local-receiver";
import { type Captured, spawnCapture } from "../spawn-capture";
import { synth } from "../support";
import { busybox as busyboxTool } from "../tool";

// The restarter's relay for Kopia's webhook, run for real with busybox against a local receiver,
// fed Kopia's request for a failed snapshot (test/e2e/kopia-report.ts cites Kopia's source).
const { subject: SUBJECT, body: BODY } = kopiaFailureReport("/sources/sonarr");

const receiver = localReceiver();
const { received } = receiver;
const dir = mkdtempSync(path.join(tmpdir(), "servarr-relay-"));
const secretFile = path.join(dir, "notify_url");
beforeAll(() => writeFileSync(secretFile, receiver.url()));

const busybox = spawnSync("busybox", ["--list"], { encoding: "utf8" }).stdout?.split("\n").filter(Boolean) ?? [];
const tools = busyboxTool("sh", "nc", "wget", "sed", "cat");
// A PATH of busybox applets only, as in the restarter's image (and the e2e stand-in): the host's
// own sh, head or sed behave differently.
const bin = path.join(dir, "bin");
mkdirSync(bin);
const busyboxPath = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();
for (const applet of busybox) if (busyboxPath) symlinkSync(busyboxPath, path.join(bin, applet));
const env = { PATH: bin };

const kopiaRequest = (subject: string, body: string) => kopiaWebhookRequest(`http://restarter:8099${RELAY_PATH}`, subject, body);

/** The handler with `input` on stdin; resolves once the notification arrived (or 10 s passed). */
function handle(kind: "ntfy" | "apprise", input: string, withCurl = false): Promise<Captured> {
  return spawnCapture("sh", ["-c", relayHandler(kind, secretFile)], { env: withCurl ? envWithCurl : env, input });
}
// The same with curl after the applets, as in a restarter image that has curl (notify() prefers it).
const curlPath = spawnSync("sh", ["-c", "command -v curl"], { encoding: "utf8" }).stdout.trim();
const envWithCurl = { PATH: `${bin}:${path.dirname(curlPath || "/nonexistent/curl")}` };

describe.skipIf(!tools.present)(`the relay handler (busybox sh)${tools.missing}`, () => {
  it("ntfy: answers Kopia 200, then posts `backup: <subject>` with the report as the message", async () => {
    received.length = 0;
    const run = await handle("ntfy", kopiaRequest(SUBJECT, BODY));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toEqual([{ path: "/servarr-topic", title: `backup: ${SUBJECT}`, type: expect.anything(), body: BODY }]);
    expect(run.stderr).toContain(`restarter: relaying a backup report: ${SUBJECT}`);
    // The channel's URL (the secret) is never printed.
    expect(run.stderr).not.toContain("servarr-topic");
  });

  it("apprise: the report escaped into the JSON body (newlines, quotes)", async () => {
    received.length = 0;
    const run = await handle("apprise", kopiaRequest(SUBJECT, BODY));
    expect(run.status, run.stderr).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0].type).toBe("application/json");
    expect(JSON.parse(received[0].body)).toEqual({ title: `backup: ${SUBJECT}`, body: BODY });
  });

  it.each([false, true])("a report is data: a body `@<the secret file>` is sent as written (curl: %s)", async (withCurl) => {
    if (withCurl) expect(curlPath, "curl is needed for this case").not.toBe("");
    received.length = 0;
    const run = await handle("ntfy", kopiaRequest(SUBJECT, `@${secretFile}`), withCurl);
    expect(run.status, run.stderr).toBe(0);
    expect(received.map((r) => r.body)).toEqual([`@${secretFile}`]);
    expect(JSON.stringify(received)).not.toContain(receiver.url());
  });

  it.each(["ntfy", "apprise"] as const)("%s: a CR in the subject stays inside the title (no header added)", async (kind) => {
    received.length = 0;
    const run = await handle(kind, kopiaRequest("failed\rX-Injected: 1", "report\r\nline"), true);
    expect(run.status, run.stderr).toBe(0);
    expect(received).toHaveLength(1);
    const title = kind === "ntfy" ? received[0].title : JSON.parse(received[0].body).title;
    expect(title).toBe("backup: failed X-Injected: 1");
  });

  it("reads no more than Content-Length, and a request without a body still gets its answer", async () => {
    received.length = 0;
    const run = await handle("ntfy", `${kopiaRequest(SUBJECT, "short")}trailing bytes`);
    expect(received.map((r) => r.body)).toEqual(["short"]);
    const empty = await handle("ntfy", "POST /kopia HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(empty.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(run.status).toBe(0);
  });
});

/** A free TCP port on this machine. */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!tools.present)(`the relay server (busybox nc -ll -e, as the restarter starts it)${tools.missing}`, () => {
  it("serves one HTTP client after another, each report reaching the channel once", async () => {
    received.length = 0;
    const port = await freePort();
    const relay: BackupRelay = { service: "127.0.0.1", port, endpoint: `http://127.0.0.1:${port}${RELAY_PATH}`, kind: "ntfy" };
    // The restarter's own lines for the relay (compose/scripts/restarter.sh), with the relay's data as restarterScript writes it.
    const start = relayStart(relay, secretFile);
    const restarter = readFileSync(path.resolve(__dirname, "../../compose/scripts/restarter.sh"), "utf8");
    const relayLines = restarter.slice(restarter.indexOf('if [ -n "${relay:-}" ]; then'), restarter.indexOf("follow &"));
    const script = `log() { echo "restarter: $*"; }\nrelay_port=${start.port}\nrelay=$(cat <<'RELAY'\n${start.handler}\nRELAY\n)\n${relayLines}\nwait`;
    const server = spawn("sh", ["-c", script], { env, detached: true });
    try {
      const post = (subject: string) =>
        new Promise<number>((resolve, reject) => {
          // Go's client sends a bytes body with its Content-Length (never chunked), as here.
          const headers = { Subject: subject, "Content-Length": Buffer.byteLength(BODY) };
          const req = request(relay.endpoint, { method: "POST", headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end(BODY);
        });
      // nc listens once the script reached it: until then the connection is refused.
      const listening = () =>
        new Promise<boolean>((resolve) => {
          const c = createConnection(port, "127.0.0.1", () => {
            c.destroy();
            resolve(true);
          }).on("error", () => setTimeout(() => resolve(false), 100));
        });
      for (let i = 0; i < 50 && !(await listening()); i++);
      const first = await post(SUBJECT);
      const second = await post("Kopia has encountered an error during Maintenance on kopia");
      for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect([first, second]).toEqual([200, 200]);
      expect(received.map((r) => r.title).sort()).toEqual([
        `backup: ${SUBJECT}`,
        "backup: Kopia has encountered an error during Maintenance on kopia",
      ]);
    } finally {
      if (server.pid) process.kill(-server.pid, "SIGTERM");
    }
  });
});

describe("the Kopia notify job's command", () => {
  const relay: BackupRelay = { service: "restarter", port: 8099, endpoint: "http://restarter:8099/kopia", kind: "ntfy" };
  it("configures a webhook profile to the relay for errors only (a failed snapshot, a failed maintenance)", () => {
    const command = kopiaNotifyCommand(relay);
    expect(command.slice(0, 4)).toEqual(["notification", "profile", "configure", "webhook"]);
    expect(command).toContain("--endpoint=http://restarter:8099/kopia");
    expect(command).toContain("--min-severity=error");
    expect(command).toContain("--method=POST");
    expect(command).toContain("--format=txt");
  });
  it("without a channel removes the profile (idempotent in Kopia)", () => {
    expect(kopiaNotifyCommand(undefined)).toEqual(["notification", "profile", "delete", "--profile-name=servarr"]);
  });
});

// Every fixture, with and without a channel: the wiring holds for any config.
describe.each(Object.entries(FIXTURES))("fixture %s: backup failures' path", (_name, base) => {
  it.each([undefined, "ntfy", "apprise"] as const)("channel %s", (kind) => {
    const config: ServarrConfig = {
      ...base,
      host: { ...base.host, recovery: { ...base.host.recovery, notify: kind ? { kind } : undefined } },
    };
    const { host } = synth(config);
    const compose = composeProject(host);
    const kopia = host.appWithRole("backup");
    const restarter = compose.services[RESTARTER];
    const script = JSON.stringify(restarter?.entrypoint);
    if (!kopia) {
      expect(script).not.toContain("relay_port=");
      return;
    }
    const job = compose.services[`${kopia.name}-notify`];
    // Kopia's command line holds no value from .env, whatever the channel.
    expect(JSON.stringify(job?.command)).not.toContain("${");
    expect(compose.services[kopia.name]?.depends_on?.[`${kopia.name}-notify`]).toEqual({ condition: "service_completed_successfully" });
    const plan = host.networkPlan();
    if (kind) {
      expect(job?.command).toContain(`--endpoint=http://${RESTARTER}:8099${RELAY_PATH}`);
      expect(plan.canReach(kopia.name, RESTARTER)).toBe(true);
      expect(script).toContain("relay_port='8099'");
      expect(script).toContain('nc -ll -p \\"$$relay_port\\" -e sh -c \\"$$relay\\"');
    } else {
      expect(job?.command).toEqual(kopiaNotifyCommand(undefined));
      expect(plan.canReach(kopia.name, RESTARTER)).toBe(false);
      expect(script).not.toContain("relay_port=");
    }
  });
});
