import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../stacks/synth";
// The example's shape (the full fixture): the user's own config is test/user-config/'s alone.
import { exampleConfig as example } from "../support";
import { loadSpec } from "./spec-validator";
import { type Fakes, startFakes } from "./world";

let fakes: Fakes | undefined;
afterEach(async () => {
  await fakes?.stop();
  fakes = undefined;
});

async function exampleFakes(): Promise<Fakes> {
  const host = buildApp(example, mkdtempSync(path.join(tmpdir(), "wire-"))).hosts[0];
  if (!host) throw new Error("no host");
  fakes = await startFakes(host);
  return fakes;
}

const seerrOf = (f: Fakes) => f.handlers.get("seerr") as unknown as { state: { initialized: boolean }; servers: Record<string, unknown[]> };
const writes = (f: Fakes) => [...f.servers.values()].reduce((n, s) => n + s.writes.length, 0);

async function sonarr(f: Fakes, pathname: string, init: RequestInit = {}): Promise<Response> {
  const url = f.plan.apps.find((a) => a.name === "sonarr")?.url;
  return fetch(`${url}/api/v3/${pathname}`, {
    ...init,
    headers: { "X-Api-Key": f.keys.sonarr as string, "Content-Type": "application/json" },
  });
}

describe("the wire job converges, never clobbers (example config, fakes)", () => {
  it("waits for Seerr's first sign-in without failing, and wires it on the next run", async () => {
    const f = await exampleFakes();
    const first = await f.run();
    expect(first.failures).toEqual([]);
    expect(f.lines).toContain("… seerr: waiting for the first sign-in (the next deploy wires it)");
    expect(seerrOf(f).servers.sonarr).toEqual([]);
    seerrOf(f).state.initialized = true;
    f.lines.length = 0;
    const next = await f.run();
    expect(next.failures).toEqual([]);
    expect(f.lines.filter((l) => l.startsWith("+ seerr:"))).toHaveLength(2);
    expect(next.counts["+"]).toBe(2);
  });

  it("puts back a managed field changed by hand and leaves what the user added alone", async () => {
    const f = await exampleFakes();
    seerrOf(f).state.initialized = true;
    await f.run();
    // By hand, in Sonarr's UI: another category for qBittorrent, a non-managed option, a second root folder.
    const client = ((await (await sonarr(f, "downloadclient")).json()) as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const fields = (client.fields as Array<{ name: string; value: unknown }>).map((x) =>
      x.name === "tvCategory" ? { ...x, value: "by-hand" } : x.name === "initialState" ? { ...x, value: 1 } : x,
    );
    expect((await sonarr(f, `downloadclient/${client.id}`, { method: "PUT", body: JSON.stringify({ ...client, fields }) })).status).toBe(
      202,
    );
    expect((await sonarr(f, "rootfolder", { method: "POST", body: JSON.stringify({ path: "/data/media/movies" }) })).status).toBe(201);

    f.lines.length = 0;
    const out = await f.run();
    expect(out.failures).toEqual([]);
    expect(f.lines).toContain("~ sonarr: download client qbittorrent (category tv) (tvCategory)");
    expect(out.counts["~"]).toBe(1);
    const after = ((await (await sonarr(f, "downloadclient")).json()) as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const value = (n: string) => (after.fields as Array<{ name: string; value: unknown }>).find((x) => x.name === n)?.value;
    expect(value("tvCategory")).toBe("tv");
    expect(value("initialState")).toBe(1);
    expect(value("password")).toBe("********");
    const roots = (await (await sonarr(f, "rootfolder")).json()) as Array<{ path: string }>;
    expect(roots.map((r) => r.path).sort()).toEqual(["/data/media/movies", "/data/media/tv"]);
  });

  it("leaves a field the model hands to the user (leaveAlone) as the user set it, and still manages the rest", async () => {
    const f = await exampleFakes();
    seerrOf(f).state.initialized = true;
    const plan = f.plan as unknown as { apps: Array<{ name: string; leaveAlone?: readonly string[] }> };
    const entry = plan.apps.find((a) => a.name === "sonarr") as { leaveAlone?: readonly string[] };
    entry.leaveAlone = ["download-client.tvCategory"];
    await f.run();
    const client = ((await (await sonarr(f, "downloadclient")).json()) as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const fields = (client.fields as Array<{ name: string; value: unknown }>).map((x) =>
      x.name === "tvCategory" ? { ...x, value: "mine" } : x.name === "port" ? { ...x, value: 8080 } : x,
    );
    await sonarr(f, `downloadclient/${client.id}`, { method: "PUT", body: JSON.stringify({ ...client, fields }) });
    f.lines.length = 0;
    await f.run();
    expect(f.lines).toContain("= sonarr: download client qbittorrent (category tv)");
    const after = ((await (await sonarr(f, "downloadclient")).json()) as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    expect((after.fields as Array<{ name: string; value: unknown }>).find((x) => x.name === "tvCategory")?.value).toBe("mine");
  });

  it("writes a rotated secret again: the arrs mask it, the fingerprint of what was written differs", async () => {
    const f = await exampleFakes();
    seerrOf(f).state.initialized = true;
    await f.run();
    f.keys.qbittorrent = "rotated0rotated0rotated0rotated0";
    f.lines.length = 0;
    const out = await f.run();
    expect(out.failures).toEqual([]);
    expect(f.lines).toContain("~ sonarr: download client qbittorrent (category tv) (password)");
    expect(f.lines).toContain("~ radarr: download client qbittorrent (category movies) (password)");
  });

  it("a dry run prints the plan and writes nothing", async () => {
    const f = await exampleFakes();
    seerrOf(f).state.initialized = true;
    const out = await f.run({ dryRun: true });
    expect(out.failures).toEqual([]);
    expect(writes(f)).toBe(0);
    expect(out.counts["+"]).toBeGreaterThan(5);
    expect(f.lines.at(-1)).toMatch(/dry run: nothing written/);
  });

  it("a wrong key fails clearly, naming the app and the call, and fails the run", async () => {
    const f = await exampleFakes();
    seerrOf(f).state.initialized = true;
    const out = await f.run({ keys: { ...f.keys, sonarr: "wrongwrongwrongwrong" } });
    expect(out.failures.length).toBeGreaterThan(0);
    expect(out.failures).toContain("sonarr: GET /api/v3/rootfolder: HTTP 401: the key was refused (wrong API key or password?)");
    // Prowlarr, handed the same wrong key for Sonarr, fails its own connection test with Sonarr's refusal.
    expect(
      out.failures.some((m) => m.startsWith("prowlarr: POST /api/v1/applications: HTTP 400") && m.includes("Unauthorized by sonarr")),
    ).toBe(true);
    // The other relations still converge; the key never appears in the output.
    expect(f.lines.some((l) => l.startsWith("+ radarr: root folder"))).toBe(true);
    expect(f.lines.join("\n")).not.toContain("wrongwrongwrongwrong");
  });

  it("the fakes refuse what the spec refuses: an unknown path, a body of the wrong shape", () => {
    const spec = loadSpec("sonarr.json");
    expect(spec.check("GET", "/api/v3/downloadclient", undefined)).toBeUndefined();
    expect(spec.check("POST", "/api/v3/downloadclients", {})).toMatch(/not in the spec/);
    expect(spec.check("POST", "/api/v3/downloadclient", { name: "x", enable: "yes" })).toMatch(/enable.*must be boolean/);
    const seerr = loadSpec("seerr.yml", "/api/v1");
    expect(seerr.check("POST", "/api/v1/settings/sonarr", { name: "sonarr" })).toMatch(/must have required property 'hostname'/);
  });
});
