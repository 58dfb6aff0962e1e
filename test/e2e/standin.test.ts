import { describe, expect, it } from "vitest";
import { composeProject } from "../../compose/render/project/project";
import { SUPPORT_IMAGES } from "../../constructs/model/images";
import { eventsQuery, unhealthyListQuery } from "../../constructs/runtime/restarter";
import { restarterApi } from "../../constructs/runtime/support";
import { wiringPlan } from "../../constructs/wiring/plan";
import { synth } from "../support";
import { breakIngressPort } from "./breaks";
import { proxyCalls } from "./checks/proxy";
import { fakedApps, fakeWorld } from "./fake-world";
import { buildPlan } from "./plan";
import { standInProject } from "./standin";

// The parts of the e2e harness that need no engine: what it expects and what it runs.
const { host, json } = synth();
const generated = composeProject(host);
const plan = buildPlan(host, generated, json);
const options = {
  image: "standin:test",
  socketImage: "standin:test-haproxy",
  hostRoot: "/tmp/e2e/host",
  www: "/tmp/e2e/www",
  engineSocket: "/tmp/e2e/docker.sock",
};
const standIn = standInProject(generated, plan, options);

describe("e2e plan", () => {
  it("puts every VPN app in the gateway's namespace and every other service in its own", () => {
    for (const app of host.apps) expect(plan.positionOf.get(app.name)).toBe(app.vpn ? "gluetun" : app.name);
  });

  it("expects every talksTo edge to work, at the origin URL the model derives", () => {
    const seerr = host.app("seerr");
    expect(seerr?.peers.length).toBeGreaterThan(2);
    for (const peer of seerr?.peers ?? []) {
      const target = host.app(peer);
      expect(plan.relations).toContainEqual({ from: "seerr", app: peer, to: plan.positionOf.get(peer), url: target?.originUrl });
    }
    expect(plan.relations.find((r) => r.from === "seerr" && r.app === "sonarr")?.url).toBe("http://gluetun:8989");
  });

  it("leaves out a device the engine's host does not have (e.g. /dev/dri without a GPU), and says so", () => {
    const withGpu = structuredClone(generated);
    (withGpu.services.plex as { devices?: string[] }).devices = ["/dev/dri:/dev/dri"];
    const run = (exists: boolean) => standInProject(withGpu, plan, { ...options, deviceExists: () => exists });
    expect(run(false).compose.services.plex?.devices).toBeUndefined();
    expect(run(false).substitutions.find((l) => l.startsWith("plex:"))).toMatch(
      /\/dev\/dri:\/dev\/dri absent on this engine's host: left out/,
    );
    expect(run(true).compose.services.plex?.devices).toEqual(["/dev/dri:/dev/dri"]);
  });

  it("isolates the pairs of namespaces with no talksTo edge (explicit or implicit) either way", () => {
    const members = (p: string) => host.apps.filter((a) => plan.positionOf.get(a.name) === p);
    const declared = (p: string, q: string) =>
      members(p).some((a) => members(q).some((b) => a.peers.includes(b.name) || b.peers.includes(a.name)));
    for (const [p, q] of plan.isolatedPairs) expect(declared(p, q), `${p}/${q}`).toBe(false);
    expect(plan.isolatedPairs).toContainEqual(["kopia", "plex"]);
    expect(plan.isolatedPairs).toContainEqual(["plex", "socket-proxy"]);
    // Implicit edges: the connector reaches what it exposes, the monitor everything, the restarter its proxies.
    const pairs = new Set(plan.isolatedPairs.map((p) => p.join("|")));
    for (const pair of ["cloudflared|gluetun", "gluetun|uptime-kuma", "restarter|socket-proxy"]) expect(pairs.has(pair), pair).toBe(false);
  });

  it("reads the ingress origins of the synthesized tunnel config, catch-all excluded", () => {
    const routed = host.apps.filter((a) => a.routes.length > 0);
    expect(new Set(plan.ingress)).toEqual(new Set(routed.map((a) => a.originUrl)));
  });
});

describe("stand-in project", () => {
  it("keeps networking, dependencies, restart, user, ports, capabilities, devices and labels as generated", () => {
    const kept = [
      "networks",
      "network_mode",
      "depends_on",
      "restart",
      "user",
      "ports",
      "cap_add",
      "devices",
      "environment",
      "labels",
      "read_only",
      "tmpfs",
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

  it("moves host paths under the temp root, keeps bundle files relative, fills every required variable with a dummy", () => {
    for (const service of Object.values(standIn.compose.services)) {
      for (const volume of service.volumes ?? []) expect(volume).toMatch(/^(\/tmp\/e2e\/|\.\/[\w.-]+:)/);
    }
    const required = [
      ...Object.values(generated.services).flatMap((s) =>
        Object.values(s.environment ?? {}).flatMap((v) => [...v.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1])),
      ),
      // The sources of the secrets read as files.
      ...Object.values(generated.secrets ?? {}).map((s) => s.environment),
    ];
    expect(Object.keys(standIn.env).sort()).toEqual([...new Set(required)].sort());
    // Letters and digits, 16 or more: the keys jobs refuse anything else as a key (compose/wire/seed.ts).
    for (const value of Object.values(standIn.env)) expect(value).toMatch(/^e2edummy[a-z0-9]{8,}$/);
    expect(new Set(Object.values(standIn.env)).size).toBe(Object.keys(standIn.env).length);
  });
});

describe("the Node stand-in", () => {
  const wiring = wiringPlan(host);
  const node = { image: "standin:test-node", repo: "/repo-src", world: "/tmp/e2e/world.json", fakes: fakedApps(wiring) };
  const withNode = standInProject(generated, plan, { ...options, node });
  const nodeJobs = Object.keys(generated.services).filter((n) => generated.services[n].image === SUPPORT_IMAGES.node);

  it("runs the generated wire job and keys jobs as generated, limits included, on the Node stand-in", () => {
    expect(nodeJobs).toContain("wire");
    expect(nodeJobs.filter((n) => n.endsWith("-keys")).length).toBeGreaterThan(0);
    for (const job of nodeJobs) {
      const [was, is] = [generated.services[job], withNode.compose.services[job]];
      expect(is.image, job).toBe("standin:test-node");
      expect(is.entrypoint, job).toBeUndefined();
      for (const key of ["command", "pids_limit", "mem_limit", "profiles", "secrets", "networks", "network_mode", "cap_add", "cap_drop"])
        expect(is[key], `${job}.${key}`).toEqual(was[key]);
    }
    // Without the Node stand-in they only succeed.
    expect(standIn.compose.services.wire.entrypoint).toEqual(["/bin/sh", "-c", "exit 0"]);
  });

  it("runs a spec-validating fake on the API port of every app the wire job configures, the generated healthcheck kept", () => {
    expect(node.fakes.size).toBe(wiring.apps.length);
    for (const [app, port] of node.fakes) {
      const service = withNode.compose.services[app];
      expect(service.image).toBe("standin:test-node");
      expect((service.entrypoint as string[])[2]).toContain(`node /repo/dist/test/e2e/fake-app.js ${app} ${port} /fakes/world.json &`);
      expect(service.volumes).toEqual(expect.arrayContaining(["/repo-src:/repo:ro", "/tmp/e2e/world.json:/fakes/world.json:ro"]));
      expect(service.healthcheck).toEqual(standIn.compose.services[app].healthcheck);
    }
    for (const app of host.apps.filter((a) => !node.fakes.has(a.name)))
      expect(withNode.compose.services[app.name].image).toBe("standin:test");
  });

  it("tells each fake the keys the .env holds and who listens where: every plan URL leads to its app", () => {
    const world = fakeWorld(host, wiring, generated, plan, withNode.env, withNode.paths);
    for (const app of wiring.apps) {
      const url = new URL(app.url);
      expect(world.listening[world.namespaces[url.hostname] as string]?.[url.port], app.url).toBe(app.name);
      expect(world.keys[app.name]).toBe(withNode.env[generated.secrets?.[app.secret?.toLowerCase() ?? ""]?.environment ?? ""]);
    }
    expect(world.apis.flaresolverr).toBe("flaresolverr");
  });
});

describe("stand-in healthchecks", () => {
  it("keeps every shell-form healthcheck and the timing of all", () => {
    for (const [name, service] of Object.entries(generated.services)) {
      const hc = standIn.compose.services[name].healthcheck;
      if (service.healthcheck?.test[0] === "CMD-SHELL") expect(hc, name).toEqual(service.healthcheck);
      else if (service.healthcheck) expect({ ...hc, test: [] }, name).toEqual({ ...service.healthcheck, test: [] });
    }
  });

  it("probes the same URLs with wget when the generated check needs python3", () => {
    const flaresolverr = generated.services.flaresolverr.healthcheck?.test ?? [];
    expect(flaresolverr[1]).toBe("python3");
    expect(standIn.compose.services.flaresolverr.healthcheck?.test).toEqual([
      "CMD-SHELL",
      "wget -q -O /dev/null http://127.0.0.1:8191/health && wget -q -O /dev/null http://127.0.0.1:9999",
    ]);
  });

  it("has the gateway serve the namespace probe every VPN app runs, so a dead namespace fails it", () => {
    const probe = new URL(host.appWithRole("vpn-gateway")?.role.namespaceProbe ?? "");
    expect(standIn.served.get("gluetun")).toContain(Number(probe.port));
    for (const app of plan.vpnApps) expect(standIn.served.get(app)).not.toContain(Number(probe.port));
  });

  it("runs the real haproxy with the generated config as the proxy, keeps the restarter's script, lets one-shot jobs succeed", () => {
    const proxy = standIn.compose.services["socket-proxy"];
    expect(proxy.image).toBe("standin:test-haproxy");
    expect(proxy.entrypoint).toEqual(["haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]);
    expect(proxy.volumes).toContain("/tmp/e2e/docker.sock:/var/run/docker.sock:ro");
    expect(proxy.volumes).toContain("./socket-proxy.haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    // The proxy's config, and the wire/ folder the keys jobs and the wire job mount.
    expect([...standIn.bundleFiles].sort()).toEqual(["socket-proxy.haproxy.cfg", "wire"]);
    expect(standIn.compose.services.restarter.entrypoint).toEqual(generated.services.restarter.entrypoint);
    for (const job of ["kopia-connect", "kopia-policy"])
      expect(standIn.compose.services[job].entrypoint).toEqual(["/bin/sh", "-c", "exit 0"]);
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

describe("the proxy check's table", () => {
  const api = restarterApi(host);
  const own = { name: "servarr-sonarr-1", id: "a".repeat(64) };
  const calls = proxyCalls(api, own, "other-sonarr-1");
  const key = (c: { method: string; target: string }) => `${c.method} ${c.target}`;

  it("sends the model's calls as allowed, except the restarts of other apps (one restart is enough)", () => {
    const allowed = calls.filter((c) => c.allowed).map(key);
    expect(allowed).toEqual([
      "GET /_ping",
      `GET /containers/json?${unhealthyListQuery(host.name)}`,
      `GET /events?${eventsQuery(host.name)}`,
      "POST /containers/servarr-sonarr-1/restart?t=30",
    ]);
  });

  it("expects a refusal for calls the rules do not list, and for none they do", () => {
    const rules = new Set(api.calls.map((c) => `${c.method} ${c.query === undefined ? c.path : `${c.path}?${c.query}`}`));
    const refused = calls.filter((c) => !c.allowed);
    expect(refused.length).toBeGreaterThanOrEqual(40);
    for (const c of refused) expect(rules.has(key(c)), key(c)).toBe(false);
  });
});
