import { describe, expect, it } from "vitest";
import { synth } from "../support";
import { breakIngressPort } from "./breaks";
import { buildPlan } from "./plan";
import { standInProject } from "./standin";

// The parts of the e2e harness that need no engine: what it expects and what it runs.
const { host, json } = synth();
const generated = host.composeProject();
const plan = buildPlan(host, generated, json);
const options = {
  image: "standin:test",
  socketImage: "standin:test-docker",
  hostRoot: "/tmp/e2e/host",
  www: "/tmp/e2e/www",
  engineSocket: "/tmp/e2e/docker.sock",
};
const standIn = standInProject(generated, plan, options);

describe("e2e plan", () => {
  it("puts every VPN app in the gateway's namespace and every other app in its own", () => {
    for (const app of host.apps) expect(plan.positionOf.get(app.name)).toBe(app.vpn ? "gluetun" : app.name);
  });

  it("expects every talksTo edge to work, at the origin URL the model derives", () => {
    const seerr = host.app("seerr");
    for (const peer of seerr?.props.talksTo ?? []) {
      const target = host.app(peer);
      expect(plan.relations).toContainEqual({ from: "seerr", app: peer, to: plan.positionOf.get(peer), url: target?.originUrl });
    }
    expect(plan.relations.find((r) => r.from === "seerr" && r.app === "sonarr")?.url).toBe("http://gluetun:8989");
  });

  it("isolates exactly the pairs of namespaces with no declared edge either way", () => {
    const members = (p: string) => host.apps.filter((a) => plan.positionOf.get(a.name) === p);
    const declared = (p: string, q: string) =>
      members(p).some((a) => members(q).some((b) => a.props.talksTo?.includes(b.name) || b.props.talksTo?.includes(a.name)));
    for (const [p, q] of plan.isolatedPairs) expect(declared(p, q), `${p}/${q}`).toBe(false);
    expect(plan.isolatedPairs).toContainEqual(["kopia", "plex"]);
    expect(plan.isolatedPairs.some(([p, q]) => [p, q].includes("cloudflared") && [p, q].includes("gluetun"))).toBe(false);
  });

  it("reads the ingress origins of the synthesized tunnel config, catch-all excluded", () => {
    const routed = host.apps.filter((a) => a.routes.length > 0);
    expect(new Set(plan.ingress)).toEqual(new Set(routed.map((a) => a.originUrl)));
  });
});

describe("stand-in project", () => {
  it("keeps networking, dependencies, health, restart, user, ports, capabilities and devices as generated", () => {
    const kept = [
      "networks",
      "network_mode",
      "depends_on",
      "healthcheck",
      "restart",
      "user",
      "ports",
      "cap_add",
      "devices",
      "environment",
      "labels",
    ];
    for (const [name, service] of Object.entries(generated.services)) {
      for (const key of kept) expect(standIn.compose.services[name][key], `${name}.${key}`).toEqual(service[key]);
    }
    expect(standIn.compose.networks).toEqual(generated.networks);
  });

  it("replaces image and command, and serves each app's declared port from its own container", () => {
    for (const app of host.apps) {
      const service = standIn.compose.services[app.name];
      expect(service.image).toBe("standin:test");
      expect(service.command).toBeUndefined();
      if (app.port !== undefined) {
        expect(standIn.served.get(app.name)).toContain(app.port);
        expect((service.entrypoint as string[])[2]).toContain(`httpd -p ${app.port} -h /www`);
      }
    }
    // VPN apps each serve their own port inside the gateway's namespace, never one another's.
    const inGateway = host.apps.filter((a) => plan.positionOf.get(a.name) === "gluetun").flatMap((a) => standIn.served.get(a.name) ?? []);
    expect(new Set(inGateway).size).toBe(inGateway.length);
  });

  it("moves host paths under the temp root and fills every required variable with a dummy", () => {
    for (const service of Object.values(standIn.compose.services)) {
      for (const volume of service.volumes ?? []) expect(volume).toMatch(/^\/tmp\/e2e\//);
    }
    const required = Object.values(generated.services).flatMap((s) =>
      Object.values(s.environment ?? {}).flatMap((v) => [...v.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1])),
    );
    expect(Object.keys(standIn.env).sort()).toEqual([...new Set(required)].sort());
    for (const value of Object.values(standIn.env)) expect(value).toMatch(/^e2e-dummy-/);
  });
});

describe("planted breaks", () => {
  it("ingress-port changes one origin through the gateway to a port nobody serves there", () => {
    const { ingress, broken } = breakIngressPort(plan);
    const changed = ingress.filter((u, i) => u !== plan.ingress[i]);
    expect(changed).toEqual([broken]);
    const url = new URL(broken);
    expect(url.hostname).toBe("gluetun");
    expect(plan.positions.get("gluetun")?.ports.has(Number(url.port))).toBe(false);
  });
});
