import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { PORT_HOOK_SCRIPT } from "../../compose/render/project/port-forward-hook";
import { QBITTORRENT_USER } from "../../compose/wire/plan";
import { busybox, tool } from "../tool";
import type { World } from "../wire/fake-arr";
import { fakeQbittorrent } from "../wire/fake-others";
import { FakeServer } from "../wire/fake-server";

/**
 * gluetun's port-forwarding hook (compose/scripts/qbittorrent-port.sh) run for real: busybox sh with
 * busybox's applets only (wget, timeout, sed …, as in the gluetun image's alpine base), and once more
 * with GNU wget ahead of them (the gluetun image installs GNU wget: its Dockerfile at v3.41.1),
 * against the fake qBittorrent, which answers as qbittorrent/qBittorrent release-5.2.3 does:
 * - src/webui/api/authcontroller.cpp loginAction: Ok (204, no body) or APIError Unauthorized (401);
 * - src/webui/webapplication.cpp: the session cookie QBT_SID_<web UI port>; every API but
 *   auth/login needs the session (403 without); the client's address banned after
 *   WebUI\MaxAuthenticationFailCount (5) failures; WebUI\LocalHostAuth defaults to true
 *   (src/base/preferences.cpp): a loopback client logs in like any other, and servarr never turns
 *   that off (no bypass);
 * - src/webui/api/appcontroller.cpp setPreferencesAction: `json` with listen_port → session->setPort.
 */
const PASSWORD = "Q7hw2mZk9TfL4pXrA8cV3nB6yD1sE5gJ";
const scriptPath = path.resolve(__dirname, "../../compose/scripts", PORT_HOOK_SCRIPT);
const dir = mkdtempSync(path.join(tmpdir(), "servarr-port-hook-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tools = busybox("sh", "wget", "timeout", "sed", "grep", "mktemp", "cat", "date", "sleep", "tail", "head");
const gnuWget = tool("GNU wget", "wget", ["--version"], (out) => out.startsWith("GNU Wget"));
// A PATH of busybox applets only: the host's own sed or wget behave differently.
const bin = path.join(dir, "bin");
mkdirSync(bin);
const busyboxPath = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();
for (const applet of spawnSync("busybox", ["--list"], { encoding: "utf8" }).stdout?.split("\n").filter(Boolean) ?? [])
  if (busyboxPath) symlinkSync(busyboxPath, path.join(bin, applet));
// GNU wget first, then busybox for the rest.
const gnuBin = path.join(dir, "gnu");
mkdirSync(gnuBin);
const wgetPath = spawnSync("sh", ["-c", "command -v wget"], { encoding: "utf8" }).stdout.trim();
if (wgetPath) symlinkSync(wgetPath, path.join(gnuBin, "wget"));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

let server: FakeServer;
let qbt: ReturnType<typeof fakeQbittorrent>;
let passwordFile: string;
let state: string;
let log: string;
let n = 0;
const world = (key: string): World => ({ keyOf: () => key, apiOf: () => "qbittorrent", reach: () => undefined, pathExists: () => true });

beforeEach(async () => {
  n += 1;
  qbt = fakeQbittorrent("qbittorrent", world(PASSWORD));
  server = new FakeServer(qbt);
  await server.start();
  passwordFile = path.join(dir, `password-${n}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o400 });
  state = path.join(dir, `state-${n}`);
  log = path.join(dir, `log-${n}`);
});
afterEach(() => server.stop());

/** The hook as gluetun runs it (the rendered up command's words), under busybox sh; async: the fake answers meanwhile. */
function hook(port: string | number, url = server.url, file = passwordFile, extraPath = "", wait = 30): Promise<Run> {
  const env = {
    PATH: `${extraPath ? `${extraPath}:` : ""}${bin}`,
    PORT_HOOK_STATE: state,
    PORT_HOOK_LOG: log,
    PORT_HOOK_WAIT: String(wait),
    TMPDIR: dir,
  };
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(bin, "sh"), [scriptPath, String(port), url, QBITTORRENT_USER, file], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr, ms: performance.now() - started }));
  });
}

const until = async (done: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end && !done(); ) await new Promise((r) => setTimeout(r, 50));
  return done();
};

describe.skipIf(!tools.present)(`gluetun's port hook under busybox sh${tools.missing}`, () => {
  for (const [label, extra] of [
    ["busybox wget", ""],
    ["GNU wget (as in the gluetun image)", gnuBin],
  ] as const)
    it.skipIf(extra !== "" && !gnuWget.present)(
      `sets qBittorrent's listening port to the new port within a second (${label})`,
      async () => {
        expect(qbt.prefs.listen_port).toBe(6881);
        const run = await hook(51413, server.url, passwordFile, extra);
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        expect(run.stdout).toBe("qbittorrent-port: qBittorrent listens on the forwarded port 51413\n");
        expect(qbt.prefs.listen_port).toBe(51413);
        // Hook start to port applied, read back: login, setPreferences, preferences, logout.
        console.log(`port hook (${label}): ${run.ms.toFixed(0)} ms from start to the port applied and read back`);
        expect(run.ms).toBeLessThan(1000);
        // A form body on the wire, the session cookie qBittorrent named; the password never in an argument of wget.
        const calls = server.log.map((r) => `${r.method} ${r.path}`);
        expect(calls).toEqual([
          "POST /api/v2/auth/login",
          "POST /api/v2/app/setPreferences",
          "GET /api/v2/app/preferences",
          "POST /api/v2/auth/logout",
        ]);
        expect(server.log[1]?.body).toEqual({ json: '{"listen_port":51413}' });
        expect(server.log[1]?.headers.cookie).toBe("QBT_SID_8080=ZmFrZS1zaWQrLz0=");
        // A second port (the provider moved it): the same, to the new port.
        expect((await hook(40123, server.url, passwordFile, extra)).status).toBe(0);
        expect(qbt.prefs.listen_port).toBe(40123);
      },
    );

  it("a wrong password fails at once and clearly, never printing the password, never retrying (qBittorrent bans after 5)", async () => {
    const wrong = path.join(dir, "wrong-password");
    writeFileSync(wrong, "NotThePassword123");
    const run = await hook(51413, server.url, wrong);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `qbittorrent-port: qBittorrent at ${server.url} refused the password in ${wrong} for user admin (HTTP 401): it must be the QBITTORRENT_WEBUI_PASSWORD the keys job seeded`,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain("NotThePassword123");
    expect(server.log.filter((r) => r.path === "/api/v2/auth/login")).toHaveLength(1);
    expect(qbt.prefs.listen_port).toBe(6881);
  });

  it("refuses bad input before any request: a port that is no port, a missing or odd password file", async () => {
    for (const [port, file, message] of [
      ["0", passwordFile, "the forwarded port '0' is not a number"],
      ["65536", passwordFile, "the forwarded port 65536 is not between 1 and 65535"],
      ["{{PORT}}", passwordFile, "the forwarded port '{{PORT}}' is not a number"],
      ["51413", path.join(dir, "absent"), `cannot read the password file ${path.join(dir, "absent")} (the Compose secret)`],
    ] as const) {
      const run = await hook(port, server.url, file);
      expect(run.status, port).toBe(1);
      expect(run.stderr).toContain(`qbittorrent-port: ${message}`);
    }
    const odd = path.join(dir, "odd-password");
    writeFileSync(odd, "a&b=c");
    expect((await hook(51413, server.url, odd)).stderr).toContain(`${odd} does not hold a password of letters, digits and . _ ~ -`);
    expect(server.log).toEqual([]);
  });

  it("qBittorrent not answering yet (after a VPN restart, until the restarter restarts it): returns at once, applies the port in the background when it answers", async () => {
    const port = server.url.split(":").pop() as string;
    await server.stop();
    const run = await hook(45678, server.url, passwordFile, "", 20);
    // gluetun waits for the command before it keeps the port alive: it must not wait for qBittorrent.
    expect(run.status).toBe(0);
    expect(run.ms).toBeLessThan(2000);
    expect(run.stdout).toContain("qBittorrent is not answering at");
    // qBittorrent is back (the same address in the namespace): the port follows within the retry's 1 s.
    const back = new FakeServer(qbt);
    const restarted = performance.now();
    await back.start(Number(port));
    expect(await until(() => qbt.prefs.listen_port === 45678, 8000)).toBe(true);
    console.log(`port hook: applied ${(performance.now() - restarted).toFixed(0)} ms after qBittorrent answered again`);
    expect(await until(() => existsSync(log) && readFileSync(log, "utf8").includes("listens on the forwarded port 45678"), 3000)).toBe(
      true,
    );
    await back.stop();
  });

  it("a newer port supersedes a retry still waiting for an older one", async () => {
    await server.stop();
    expect((await hook(41000, server.url, passwordFile, "", 20)).status).toBe(0);
    writeFileSync(path.join(state, "wanted"), "42000\n");
    expect(
      await until(() => existsSync(log) && readFileSync(log, "utf8").includes("port 41000 superseded by port 42000; stopping"), 5000),
    ).toBe(true);
  });
});
