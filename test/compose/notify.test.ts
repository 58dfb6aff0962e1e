import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { notifyFunction } from "../../compose/render/host/restarter-script";
import { localReceiver } from "../local-receiver";
import { type Captured, spawnCapture } from "../spawn-capture";
import { busybox, tool as probe } from "../tool";

// The generated `notify TITLE MESSAGE` for each kind and tool, run for real against a local receiver.
const receiver = localReceiver();
const { received } = receiver;

const tools = { wget: busybox("sh", "wget"), curl: probe("curl", "curl", ["--version"]) };
const shell = { wget: ["busybox", "sh"], curl: ["bash"] } as const;

/** Runs a script without blocking this process (the receiver runs in it). */
function sh(tool: "wget" | "curl", script: string, notifyUrl: string): Promise<Captured> {
  const [cmd, ...args] = shell[tool];
  return spawnCapture(cmd, [...args, "-c", script], { env: { ...process.env, NOTIFY_URL: notifyUrl } });
}

describe.each(["wget", "curl"] as const)("notify with %s", (tool) => {
  it.skipIf(!tools[tool].present)(
    `ntfy: the message as the body, the title in a Title header, to the topic URL${tools[tool].missing}`,
    async () => {
      received.length = 0;
      const script = `${notifyFunction("ntfy", tool)}\nnotify "restarted servarr-sonarr-1" "unhealthy (restart 1 of at most 5 within 60 min)"`;
      const run = await sh(tool, script, receiver.url());
      expect(run.status, run.stderr).toBe(0);
      expect(received).toEqual([
        expect.objectContaining({
          path: "/servarr-topic",
          title: "restarted servarr-sonarr-1",
          body: "unhealthy (restart 1 of at most 5 within 60 min)",
        }),
      ]);
    },
  );

  it.skipIf(!tools[tool].present)(`apprise: JSON title and body${tools[tool].missing}`, async () => {
    received.length = 0;
    const script = `${notifyFunction("apprise", tool)}\nnotify "VPN recovery" "servarr-gluetun-1 was restarted by the engine"`;
    const run = await sh(tool, script, receiver.url());
    expect(run.status, run.stderr).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0].type).toBe("application/json");
    expect(JSON.parse(received[0].body)).toEqual({ title: "VPN recovery", body: "servarr-gluetun-1 was restarted by the engine" });
  });

  it.skipIf(!tools[tool].present)(
    `the message is data, never a file to read: a body \`@<file>\` arrives as written${tools[tool].missing}`,
    async () => {
      received.length = 0;
      const dir = mkdtempSync(path.join(tmpdir(), "servarr-notify-"));
      const file = path.join(dir, "notify_url");
      writeFileSync(file, "https://ntfy.example/the-secret-topic");
      const script = `${notifyFunction("ntfy", tool)}\nnotify "t" "@${file}"`;
      const run = await sh(tool, script, receiver.url());
      expect(run.status, run.stderr).toBe(0);
      expect(received.map((r) => r.body)).toEqual([`@${file}`]);
    },
  );

  it.skipIf(!tools[tool].present)(`CR and LF in the title cannot end the Title header or add another${tools[tool].missing}`, async () => {
    received.length = 0;
    const script = `${notifyFunction("ntfy", tool)}\nnotify "$(printf 'ok\\rX-Injected: 1\\nPriority: 5')" "m"`;
    const run = await sh(tool, script, receiver.url());
    expect(run.status, run.stderr).toBe(0);
    expect(received).toEqual([expect.objectContaining({ title: "ok X-Injected: 1 Priority: 5", body: "m" })]);
  });

  it.skipIf(!tools[tool].present)(`a channel that does not answer is logged, never fatal${tools[tool].missing}`, async () => {
    const script = `${notifyFunction("ntfy", tool)}\nnotify "t" "m"; echo after`;
    const run = await sh(tool, script, "http://127.0.0.1:9/x");
    expect(run.stdout).toContain("after");
    expect(run.stderr).toContain("notification failed: t");
  });
});

describe.skipIf(!tools.curl.present)(`the channel's URL on no command line${tools.curl.missing}`, () => {
  /** A curl that records its arguments, then runs the real one. */
  async function urlNotOnCommandLine(tool: "wget" | "curl"): Promise<void> {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), "servarr-notify-"));
    const real = spawnSync("sh", ["-c", "command -v curl"], { encoding: "utf8" }).stdout.trim();
    writeFileSync(path.join(dir, "curl"), `#!/bin/sh\nprintf '%s\\n' "$*" >>"${dir}/argv"\nexec ${real} "$@"\n`, { mode: 0o755 });
    const script = `PATH=${dir}:$PATH\n${notifyFunction("ntfy", tool)}\nnotify "deployed" "abc is deployed"`;
    const run = await sh(tool, script, receiver.url());
    expect(run.status, run.stderr).toBe(0);
    expect(received.map((r) => r.title)).toEqual(["deployed"]);
    const argv = readFileSync(path.join(dir, "argv"), "utf8");
    expect(argv).toContain("-K -");
    expect(argv).not.toContain(new URL(receiver.url()).pathname);
  }
  it("curl variant: curl reads the URL from its stdin (-K -), never from its arguments", () => urlNotOnCommandLine("curl"));
  // The wget variant's script runs in busybox sh.
  it.skipIf(!tools.wget.present)(
    `wget variant: curl reads the URL from its stdin (-K -), never from its arguments${tools.wget.missing}`,
    () => urlNotOnCommandLine("wget"),
  );
  it.skipIf(!tools.wget.present)(`the busybox variant falls back to wget where the image has no curl${tools.wget.missing}`, async () => {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), "servarr-notify-"));
    const busyboxBin = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();
    for (const applet of ["wget", "sh"]) symlinkSync(busyboxBin, path.join(dir, applet));
    const run = await sh("wget", `PATH=${dir}\n${notifyFunction("ntfy", "wget")}\nnotify "restarted x" "unhealthy"`, receiver.url());
    expect(run.status, run.stderr).toBe(0);
    expect(received.map((r) => r.title)).toEqual(["restarted x"]);
  });
});

it("without a channel, notify does nothing", () => {
  expect(notifyFunction(undefined, "wget")).toBe("notify() { :; }");
});
