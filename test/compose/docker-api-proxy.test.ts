import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderHaproxyConfig } from "../../compose/render/project/docker-api-proxy";
import { containerName, eventsQuery, unhealthyListQuery } from "../../constructs/runtime/restarter";
import { restarterApi } from "../../constructs/runtime/support";
import { FIXTURES } from "../fixtures";
import { synth } from "../support";
import { tool } from "../tool";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-proxy-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const haproxy = tool("haproxy", "haproxy", ["-v"]);

// What must hold for any config: the user's and every fixture.
describe.each(Object.entries(FIXTURES))("the restarter's Docker API proxy (%s)", (label, config) => {
  const { host } = synth(config);
  const api = restarterApi(host);
  const rendered = renderHaproxyConfig(api);

  it("allows the ping, the one listing and the one event stream of this project, and restarts of its labelled containers by name", () => {
    const restartable = host.apps.filter((a) => a.healthProbe !== undefined).map((a) => containerName(host.name, a.name));
    expect(api.calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ["GET", "/_ping", undefined],
      ["GET", "/containers/json", unhealthyListQuery(host.name)],
      ["GET", "/events", eventsQuery(host.name)],
      ...restartable.map((name) => ["POST", `/containers/${name}/restart`, "t=30"]),
    ]);
  });

  it("follows only this project's containers' events: die, start and health changes", () => {
    const filters = JSON.parse(decodeURIComponent(eventsQuery(host.name).replace(/^filters=/, "")));
    expect(filters).toEqual({
      event: ["die", "health_status", "start"],
      label: [`com.docker.compose.project=${host.name}`],
      type: ["container"],
    });
  });

  it("keeps only the event stream open past the default server timeout, in the backend (after the allow rules)", () => {
    const backend = rendered.slice(rendered.indexOf("backend engine"));
    const longer = rendered.split("\n").filter((l) => l.includes("set-timeout"));
    expect(longer).toEqual([
      `  http-request set-timeout server 1h if { method GET } { path -m str /events } { query -m str ${eventsQuery(host.name)} }`,
    ]);
    expect(backend).toContain(longer[0]);
    expect(api.calls.filter((c) => c.stream).map((c) => c.path)).toEqual(["/events"]);
  });

  it("renders one exact allow line per call and refuses everything else", () => {
    const allows = rendered.split("\n").filter((l) => l.includes("http-request allow"));
    expect(allows).toHaveLength(api.calls.length);
    for (const line of allows)
      expect(line).toMatch(
        /^ {2}http-request allow if \{ method (GET|POST) \} \{ path -m str \/\S+ \} (!\{ query -m found \}|\{ query -m str \S+ \})$/,
      );
    expect(rendered).toMatch(/http-request deny deny_status 403\n {2}default_backend engine\n/);
    expect(rendered).not.toMatch(/path_beg|path_reg|-m beg|-m reg|-m sub/);
  });

  it.skipIf(!haproxy.present)(`is a valid configuration for the real haproxy (haproxy -c)${haproxy.missing}`, () => {
    const file = path.join(scratch, `${label}.cfg`);
    writeFileSync(file, rendered);
    const check = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toContain("Configuration file is valid");
    expect(check.status).toBe(0);
  });
});

describe("rendering", () => {
  it("refuses a path or query that is not a literal word (no spaces, braces or quotes reach the config)", () => {
    const api = { client: "c", proxy: "p", calls: [{ method: "GET" as const, path: "/x } || { always_true", why: "evil" }] };
    expect(() => renderHaproxyConfig(api)).toThrow(/not a literal HAProxy word/);
  });
});
