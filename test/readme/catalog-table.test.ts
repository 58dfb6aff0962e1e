import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as catalog from "../../constructs/catalog";
import type { Host } from "../../constructs/host/host";
import type { ServarrApp } from "../../constructs/host/servarr-app";
import { synth, withApps } from "../support";

const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const start = readme.indexOf("## The catalog");
const table = readme
  .slice(start, readme.indexOf("\n## ", start + 1))
  .split("\n")
  .filter((l) => /^\| `[a-z-]+` \|/.test(l))
  .map((l) => l.split("|").map((c) => c.trim()));
const row = (preset: string) => table.find((cells) => cells[1] === `\`${preset}\``);

// Every preset declared once (gluetun needs its provider), as the README's table describes it;
// the apps that work with one media server name Plex (Jellyfin is declared too).
const apps: ServarrApp[] = [];
const oneMediaServer = new Set(["seerr", "tautulli", "maintainerr"]);
synth(
  withApps((host: Host) => {
    for (const [name, declare] of Object.entries(catalog)) {
      if (typeof declare !== "function") continue;
      if (name === "gluetun") apps.push(catalog.gluetun(host, { provider: "mullvad" }));
      else apps.push((declare as catalog.Preset)(host, oneMediaServer.has(name) ? { talksTo: ["plex"] } : {}));
    }
  }),
);

describe("README 'The catalog': the table says what the presets are", () => {
  it("has one row per preset, and none for a preset that does not exist", () => {
    expect(table.map((cells) => cells[1]?.replaceAll("`", "")).sort()).toEqual(apps.map((a) => a.name).sort());
  });

  it.each(apps.map((a) => [a.name, a] as const))("%s: port, health route and uid as the preset declares them", (name, app) => {
    const cells = row(name) ?? [];
    expect(cells[3], "port").toBe(app.port === undefined ? "" : String(app.port));
    if (app.props.healthPath) expect(cells[4], "health route").toBe(`\`${app.props.healthPath}\``);
    expect(cells[5], "uid").toBe(app.props.uid === undefined ? "image" : String(app.props.uid));
  });
});
