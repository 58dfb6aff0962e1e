import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { buildApp } from "../../stacks/synth";
import { readCompose } from "../e2e/plan";
import { FIXTURES } from "../fixtures";
import { lanPlanFromModel } from "./from-model";
import { type LanPlan, planProblems, strangerAddress, topology } from "./plan";
import { projectCompose, publishedPorts, standInProjection } from "./projection";

// The parts of the LAN harness that need no engine: the plan's rules and the projection.
const plan: LanPlan = {
  source: "test",
  lanCidr: "192.168.1.0/24",
  hosts: [
    { name: "media", lanAddress: "192.168.1.10", bundle: "compose/media" },
    { name: "nas", lanAddress: "192.168.1.254", bundle: "compose/nas" },
  ],
  relations: [
    {
      from: { host: "media", service: "sonarr" },
      to: { host: "nas", service: "sabnzbd", address: "192.168.1.254", port: 8080, path: "/api" },
    },
  ],
  confined: [{ host: "media", service: "sonarr" }],
  undeclared: [],
};

const generated: ComposeFile = {
  name: "nas",
  services: {
    gluetun: { image: "gluetun", networks: ["gluetun-egress"], ports: ["192.168.1.254:8080:8080"] },
    sabnzbd: {
      image: "sab",
      network_mode: "service:gluetun",
      depends_on: { gluetun: { condition: "service_healthy" }, kopia: { condition: "service_started" } },
      healthcheck: { test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/api?mode=version"] },
      secrets: ["sab_key"],
    },
    kopia: { image: "kopia", networks: ["kopia-egress"], secrets: ["kopia_password"] },
    plex: { image: "plex", networks: { "plex-lan": null }, ports: ["192.168.1.254:32400:32400"] },
  },
  networks: {
    "gluetun-egress": { internal: false, driver_opts: { "com.docker.network.bridge.name": "servarr-vpn" } },
    "kopia-egress": { internal: false },
    "plex-lan": { internal: false },
  },
  secrets: { sab_key: { environment: "SAB_KEY" }, kopia_password: { environment: "KOPIA_PASSWORD" } },
};

describe("LAN plan", () => {
  it("accepts a two-host plan with a cross-host relation", () => {
    expect(planProblems(plan)).toEqual([]);
  });

  it("gives the stranger a LAN address no host has", () => {
    const address = strangerAddress(plan);
    expect(address).toBe("192.168.1.253"); // .254 is the NAS's
    expect(plan.hosts.map((h) => h.lanAddress)).not.toContain(address);
    expect(topology(plan, "x").stranger).toMatchObject({ address, prefix: 24 });
  });

  it("refuses a plan that proves nothing or cannot be laid out", () => {
    const problems = planProblems({
      ...plan,
      hosts: [plan.hosts[0] as LanPlan["hosts"][number], { name: "nas", lanAddress: "10.0.0.1", bundle: "x" }],
      relations: [
        { from: { host: "media", service: "a" }, to: { host: "media", service: "b", address: "192.168.1.11", port: 0, path: "x" } },
      ],
      confined: [{ host: "nas", service: "a" }],
    });
    expect(problems).toEqual([
      "hosts.nas.lanAddress: 10.0.0.1 is not inside 192.168.1.0/24",
      "relation media/a -> media/b: the client is handed 192.168.1.11, not media's lanAddress 192.168.1.10",
      "relation media/a -> media/b: not cross-host",
      "relation media/a -> media/b: port 0",
      "relation media/a -> media/b: path x does not start with /",
      "confined nas/a: no relation starts there",
    ]);
    expect(planProblems({ ...plan, relations: [], confined: [] })).toContain("relations: no cross-host relation to prove");
  });

  it("names one namespace and one engine per host, from the run id", () => {
    const t = topology(plan, "lan7");
    expect(t.hosts.map((h) => [h.netns, h.socket])).toEqual([
      ["servarr-lan7-media", "/tmp/dockerd-lan7-media/docker.sock"],
      ["servarr-lan7-nas", "/tmp/dockerd-lan7-nas/docker.sock"],
    ]);
  });
});

const options = {
  image: "standin:test",
  socketImage: "standin:test",
  hostRoot: "/tmp/lan/host",
  www: "/tmp/lan/www",
  engineSocket: "/tmp/lan/docker.sock",
};

describe("LAN projection", () => {
  const projected = projectCompose(generated, ["sabnzbd"]);

  it("keeps the service, the namespace it joins, their networks (bridge names included) and secrets, as generated", () => {
    expect(Object.keys(projected.services)).toEqual(["gluetun", "sabnzbd"]);
    expect(projected.services.gluetun).toEqual(generated.services.gluetun);
    expect(projected.networks).toEqual({ "gluetun-egress": generated.networks?.["gluetun-egress"] });
    expect(projected.secrets).toEqual({ sab_key: { environment: "SAB_KEY" } });
  });

  it("trims depends_on to what it keeps", () => {
    expect(projected.services.sabnzbd?.depends_on).toEqual({ gluetun: { condition: "service_healthy" } });
  });

  it("refuses a service the generated file does not have", () => {
    expect(() => projectCompose(generated, ["sonarr"])).toThrow("nas: no service sonarr in the generated compose file");
  });

  it("reads published ports with their LAN address", () => {
    expect(publishedPorts(generated)).toEqual([
      { service: "gluetun", address: "192.168.1.254", hostPort: 8080, containerPort: 8080 },
      { service: "plex", address: "192.168.1.254", hostPort: 32400, containerPort: 32400 },
    ]);
    expect(publishedPorts({ name: "x", services: { a: { image: "a", ports: ["8080:80"] } } })).toEqual([
      { service: "a", address: undefined, hostPort: 8080, containerPort: 80 },
    ]);
  });

  it("serves a published port where the app probes it (in the gateway's namespace), keeping the ports as generated", () => {
    const standIn = standInProjection(projected, options);
    expect(standIn.served.get("sabnzbd")).toEqual([8080]);
    expect(standIn.served.get("gluetun")).toEqual([]);
    const alone = standInProjection(projectCompose(generated, ["plex"]), { ...options });
    expect(alone.served.get("plex")).toEqual([32400]);
    expect(standIn.compose.services.gluetun?.ports).toEqual(["192.168.1.254:8080:8080"]);
    expect(standIn.compose.services.sabnzbd?.network_mode).toBe("service:gluetun");
    expect(standIn.env).toEqual({ SAB_KEY: "e2edummysabkey" });
  });
});

describe("LAN plan from the model", () => {
  // Every fixture with more than one host: its bundles rendered as synth writes them.
  const multi = Object.entries(FIXTURES).filter(([, c]) => Object.keys(c.hosts ?? {}).length > 0);

  it("has a multi-host fixture to run on", () => {
    expect(multi.length).toBeGreaterThan(0);
  });

  for (const [name, config] of multi)
    it(`${name}: every relation's target publishes the URL the client is handed, on its own lanAddress`, () => {
      const root = mkdtempSync(path.join(tmpdir(), "lan-plan-"));
      try {
        const { hosts } = buildApp(config, path.join(root, "out"));
        for (const host of hosts) {
          for (const [file, text] of renderBundle(host)) {
            mkdirSync(path.dirname(path.join(root, host.name, file)), { recursive: true });
            writeFileSync(path.join(root, host.name, file), text);
          }
        }
        const plan = lanPlanFromModel(hosts, root, name);
        expect(planProblems(plan)).toEqual([]);
        for (const r of plan.relations) {
          const target = plan.hosts.find((h) => h.name === r.to.host);
          const published = publishedPorts(readCompose(path.join(root, r.to.host, "compose.yaml")));
          expect(published).toContainEqual(
            expect.objectContaining({ service: r.to.service, address: target?.lanAddress, hostPort: r.to.port }),
          );
          // The client's host publishes nothing for it: the port is the target's.
          const client = publishedPorts(readCompose(path.join(root, r.from.host, "compose.yaml")));
          expect(client.filter((p) => p.address === target?.lanAddress)).toEqual([]);
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
});
