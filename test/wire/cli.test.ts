import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { transformSync } from "amaro";
import { afterEach, describe, expect, it } from "vitest";
import { renderWireFiles } from "../../compose/render/project/wire-service";
import { buildApp } from "../../stacks/synth";
// The example's shape (the full fixture): the user's own config is test/user-config/'s alone.
import { exampleConfig as example } from "../support";
import { type Fakes, startFakes } from "./world";

const run = promisify(execFile);

/**
 * The bundle's wire/ files as the container runs them: each stripped of its types by amaro (the
 * type stripper Node 24 runs on `node main.ts`), in strip-only mode, which refuses syntax that
 * needs more than erasing. Node 20 here does not strip types itself, so the files become .mjs
 * with their `./x.ts` and `../x.ts` imports renamed; nothing else changes.
 */
function strippedBundle(files: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wire-bundle-"));
  for (const [name, text] of files) {
    // wire/kuma/converge.ts -> <dir>/kuma/converge.mjs: the bundle's folders kept.
    const file = path.join(dir, path.relative("wire", name));
    mkdirSync(path.dirname(file), { recursive: true });
    if (file.endsWith(".json")) writeFileSync(file, text);
    else {
      const js = transformSync(text, { mode: "strip-only" }).code.replace(/from "(\.\.?\/[\w/-]+)\.ts"/g, 'from "$1.mjs"');
      writeFileSync(file.replace(/\.ts$/, ".mjs"), js);
    }
  }
  return dir;
}

let fakes: Fakes | undefined;
afterEach(async () => {
  await fakes?.stop();
  fakes = undefined;
});

describe("the bundled wire job, run as a process the way its container runs it", () => {
  it("converges the example's plan against the fakes, exits 0, and a second run changes nothing; a wrong key exits 1", async () => {
    const host = buildApp(example, mkdtempSync(path.join(tmpdir(), "wire-"))).hosts[0];
    if (!host) throw new Error("no host");
    const files = renderWireFiles(host);
    const dir = strippedBundle(files);
    fakes = await startFakes(host);
    (fakes.handlers.get("seerr") as unknown as { state: { initialized: boolean } }).state.initialized = true;
    // The bundle's plan, as synth wrote it, with each app's address pointed at its fake.
    const plan = JSON.parse(files.get("wire/plan.json") as string) as { apps: Array<{ name: string; url: string }> };
    for (const a of plan.apps) a.url = fakes.plan.apps.find((x) => x.name === a.name)?.url as string;
    writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
    const secrets = mkdtempSync(path.join(tmpdir(), "wire-secrets-"));
    for (const a of fakes.plan.apps) if (a.secret) writeFileSync(path.join(secrets, a.secret.toLowerCase()), `${fakes.keys[a.name]}\n`);
    const state = mkdtempSync(path.join(tmpdir(), "wire-state-"));
    const env = { ...process.env, WIRE_SECRETS: secrets, WIRE_STATE: state };

    const first = await run("node", [path.join(dir, "main.mjs"), path.join(dir, "plan.json")], { env });
    expect(first.stdout).toMatch(/^wire: \d+ created, \d+ updated, 0 unchanged$/m);
    expect(first.stdout).toContain("+ sonarr: download client qbittorrent (category tv)");
    // Uptime Kuma over Socket.IO long-polling on fetch alone: this Node has no WebSocket.
    expect(first.stdout).toMatch(/^\+ uptime-kuma: monitor sonarr \(http:\/\/gluetun:8989\/ping\)$/m);
    expect(JSON.parse(readFileSync(path.join(state, "state.json"), "utf8")).fingerprints).toHaveProperty(
      "sonarr/downloadclient/qbittorrent/password",
    );
    const second = await run("node", [path.join(dir, "main.mjs"), path.join(dir, "plan.json")], { env });
    expect(second.stdout).toMatch(/^wire: 0 created, 0 updated, \d+ unchanged$/m);
    for (const key of Object.values(fakes.keys)) expect(first.stdout + second.stdout).not.toContain(key);

    writeFileSync(path.join(secrets, "radarr_api_key"), "wrongwrongwrongwrong\n");
    const failed = await run("node", [path.join(dir, "main.mjs"), path.join(dir, "plan.json")], { env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stdout: string }).stdout).toContain(
      "! radarr root-folder: radarr: GET /api/v3/rootfolder: HTTP 401: the key was refused",
    );
  });

  it("the keys job writes the key and prints no secret", async () => {
    const host = buildApp(example, mkdtempSync(path.join(tmpdir(), "wire-"))).hosts[0];
    if (!host) throw new Error("no host");
    const dir = strippedBundle(renderWireFiles(host));
    const config = mkdtempSync(path.join(tmpdir(), "keys-config-"));
    mkdirSync(path.join(config, "qBittorrent"));
    const secret = path.join(config, "..", `secret-${path.basename(config)}`);
    writeFileSync(secret, "s3cr3ts3cr3ts3cr3t\n");
    const out = await run("node", [path.join(dir, "seed.mjs"), "qbittorrent", config, secret, "qbittorrent,gluetun"]);
    expect(out.stdout).toBe(`keys: qbittorrent key written in ${config}\n`);
    expect(readFileSync(path.join(config, "qBittorrent", "qBittorrent.conf"), "utf8")).toMatch(/^WebUI\\Password_PBKDF2="@ByteArray\(/m);
    const again = await run("node", [path.join(dir, "seed.mjs"), "qbittorrent", config, secret]);
    expect(again.stdout).toBe(`keys: qbittorrent key unchanged in ${config}\n`);
  });
});
