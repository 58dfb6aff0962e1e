// The restarter's loop, run for real (split from host-bundle.test.ts by concern).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { restarterScript } from "../../compose/render/host/restarter-script";
import { eventsQuery } from "../../constructs/runtime/restarter";
import { busybox } from "../tool";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-restarter-loop-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("restarter loop (real busybox sh and wget against a fake Docker API)", () => {
  const available = busybox("sh", "wget");
  const c = (app: string) => `servarr-${app}-1`;
  const event = (action: string, name: string, id: string) =>
    `${JSON.stringify({ Type: "container", Action: action, Actor: { ID: id, Attributes: { "com.docker.compose.project": "servarr", name } } })}\n`;

  it.skipIf(!available.present)(
    `restarts on the engine's events (unhealthy; the gateway restarted by the engine) and on its sweep, by name, with a back-off${available.missing}`,
    async () => {
      const seen: string[] = [];
      let listQuery = "";
      let eventQuery = "";
      let lists = 0;
      const server = createServer((req, res) => {
        const url = req.url ?? "";
        seen.push(`${req.method} ${url.split("?")[0]}`);
        if (req.method === "GET" && url.startsWith("/proxy/containers/json")) {
          listQuery = decodeURIComponent(url.split("filters=")[1] ?? "");
          // The sweep finds plex unhealthy once.
          res.end(JSON.stringify(lists++ === 0 ? [{ Id: "ppp", Names: [`/${c("plex")}`], State: "running" }] : []));
        } else if (req.method === "GET" && url.startsWith("/proxy/events")) {
          eventQuery = decodeURIComponent(url.split("filters=")[1] ?? "");
          const at = (ms: number, line: string) => setTimeout(() => res.write(line), ms);
          // The engine restarts gluetun (same id), then a deploy recreates it (a new id: Compose's job).
          res.write(event("die", c("gluetun"), "aaa"));
          at(100, event("start", c("gluetun"), "aaa"));
          at(200, event("start", c("gluetun"), "bbb"));
          // sonarr turns unhealthy twice: one restart, then the back-off (2 within the window).
          at(2500, event("health_status: unhealthy", c("sonarr"), "sss"));
          at(3000, event("health_status: unhealthy", c("sonarr"), "sss"));
          at(3500, event("health_status: healthy", c("sonarr"), "sss"));
          // Not restartable (no healthcheck, not in the model's list): ignored.
          at(3600, event("health_status: unhealthy", c("kopia"), "kkk"));
        } else if (req.method === "POST" && url.startsWith("/proxy/containers/")) {
          res.statusCode = 204;
          res.end();
        } else {
          res.statusCode = 403;
          res.end();
        }
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const plan = {
        project: "servarr",
        restartable: ["gluetun", "plex", "radarr", "sonarr"].map(c),
        gateway: c("gluetun"),
        namespace: [c("radarr"), c("sonarr")],
        backOff: { restarts: 2, withinMinutes: 1 },
      };
      const state = mkdtempSync(path.join(scratch, "restarter-"));
      const script = restarterScript(plan, { proxy: `${base}/proxy`, interval: 1, debounce: 1, state });
      const child = spawn("busybox", ["sh", "-c", script], { stdio: "pipe", detached: true });
      let output = "";
      child.stdout.on("data", (d) => {
        output += d;
      });
      try {
        await new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (output.includes("back-off is lifted")) {
              clearInterval(check);
              resolve();
            }
          }, 50);
        });
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        if (child.pid) process.kill(-child.pid);
        server.close();
      }
      const posts = seen.filter((s) => s.startsWith("POST")).sort();
      // By name, never by id: the proxy admits restarts of this project's container names only.
      expect(posts).toEqual(
        [
          `POST /proxy/containers/${c("plex")}/restart`,
          `POST /proxy/containers/${c("radarr")}/restart`,
          `POST /proxy/containers/${c("sonarr")}/restart`,
          `POST /proxy/containers/${c("sonarr")}/restart`,
        ].sort(),
      );
      expect(JSON.parse(listQuery)).toEqual({
        health: ["unhealthy"],
        label: ["servarr.autoheal=true", "com.docker.compose.project=servarr"],
      });
      expect(`filters=${encodeURIComponent(eventQuery)}`).toBe(eventsQuery("servarr"));
      expect(output).toContain(`restarter: restarting ${c("plex")}: unhealthy (sweep)`);
      expect(output).toContain(`restarter: restarting ${c("sonarr")}: ${c("gluetun")} restarted (restart 1 of at most 2 within 1 min)`);
      expect(output).toContain(`restarter: restarting ${c("sonarr")}: unhealthy (restart 2 of at most 2 within 1 min)`);
      expect(output).toContain(`restarter: BACK-OFF ${c("sonarr")}: restarted 2 times within 1 min`);
      expect(output.match(/VPN recovery/g)?.length).toBe(1);
    },
    20_000,
  );
  if (!available) it("is skipped: busybox is not installed (apt-get install busybox-static; .ci/run installs it)", () => {});
});
