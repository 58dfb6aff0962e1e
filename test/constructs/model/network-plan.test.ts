import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { Exposure } from "../../../constructs/model/exposure";
import { NetworkPlan } from "../../../constructs/model/network-plan";
import { exampleConfig, plus, synth, withApps } from "../../support";

const { host } = synth();
const compose = composeProject(host);
const services = Object.keys(compose.services).sort();

// The meaning, written by hand: who opens connections to whom in the example config.
const VPN = ["gluetun", "sonarr", "radarr", "bazarr", "prowlarr", "qbittorrent", "flaresolverr"];
const APPS = host.apps.map((a) => a.name);
const TALKS: Record<string, readonly string[]> = {
  seerr: ["plex", ...VPN],
  maintainerr: ["plex", "seerr", "tautulli", ...VPN],
  tautulli: ["plex"],
  wizarr: ["plex"],
  cloudflared: ["plex", "seerr", "wizarr", "tautulli", "maintainerr", "kopia", "uptime-kuma", ...VPN],
  "uptime-kuma": APPS.filter((a) => a !== "uptime-kuma"),
  // With a channel, Kopia posts its error reports to the restarter's relay (constructs/runtime/backup-notify.ts).
  restarter: ["socket-proxy", ...(host.recovery.notify ? ["kopia"] : [])],
  // Kopia's jobs are Kopia: they share its egress network with it and with each other.
  ...Object.fromEntries(
    ["kopia-connect", "kopia-create", "kopia-maintenance", "kopia-notify", "kopia-policy", "kopia-restore"].map((j) => [
      j,
      ["kopia", "kopia-connect", "kopia-create", "kopia-maintenance", "kopia-notify", "kopia-policy", "kopia-restore"],
    ]),
  ),
  ...Object.fromEntries(VPN.map((v) => [v, VPN])),
  // The wire job configures every app with a keyed api: Seerr, the VPN apps (through gluetun), Uptime Kuma.
  wire: ["seerr", "uptime-kuma", ...VPN],
};
const expected = (a: string, b: string) => a === b || (TALKS[a]?.includes(b) ?? false) || (TALKS[b]?.includes(a) ?? false);

/** Reachability read from the rendered compose file alone: same namespace or a shared network. */
function reachInCompose(a: string, b: string): boolean {
  // `none` is no shared namespace: each such service (the keys jobs) is alone.
  const ns = (s: string) =>
    compose.services[s]?.network_mode === "none" ? s : (compose.services[s]?.network_mode?.replace(/^service:/, "") ?? s);
  const nets = (s: string) => {
    const n = compose.services[ns(s)]?.networks;
    return new Set(Array.isArray(n) ? n : Object.keys(n ?? {}));
  };
  if (ns(a) === ns(b)) return true;
  return [...nets(a)].some((n) => nets(b).has(n));
}

describe("network segmentation derived from talksTo", () => {
  const pairs = services.flatMap((a, i) => services.slice(i + 1).map((b) => [a, b] as const));

  it.each(pairs)("%s and %s share a network only when one talks to the other", (a, b) => {
    expect(reachInCompose(a, b)).toBe(expected(a, b));
    expect(host.networkPlan().canReach(a, b)).toBe(expected(a, b));
  });

  it("the plan's canReach (from networks) agrees with related (from talksTo) for every pair", () => {
    const plan = host.networkPlan();
    for (const [a, b] of pairs) expect(plan.canReach(a, b), `${a} ${b}`).toBe(plan.related(a, b));
  });

  it("cloudflared joins only networks whose every member it exposes (or the monitor)", () => {
    const exposed = new Set(host.apps.filter((a) => a.routes.length > 0).map((a) => (a.vpn ? "gluetun" : a.name)));
    for (const n of host.networkPlan().networks.filter((n) => n.members.includes("cloudflared")))
      for (const m of n.members) if (m !== "cloudflared") expect(exposed.has(m), `${n.name}: ${m}`).toBe(true);
  });

  it("every peer network is internal; only apps that need the internet have a routed network, alone", () => {
    const plan = host.networkPlan();
    for (const n of plan.networks.filter((n) => n.purpose === "peers")) expect(n.internal, n.name).toBe(true);
    const egress = plan.networks.filter((n) => !n.internal);
    expect(egress.map((n) => n.name)).toEqual(egress.map((n) => `${n.members.filter((m) => !m.startsWith("kopia-"))[0]}-egress`));
    expect(services.filter((s) => plan.hasEgress(s) && compose.services[s]?.network_mode === undefined)).toEqual([
      "cloudflared",
      "gluetun",
      "kopia",
      "kopia-connect",
      "kopia-create",
      "kopia-maintenance",
      "kopia-notify",
      "kopia-policy",
      "kopia-restore",
      "maintainerr",
      "plex",
      ...(host.recovery.notify ? ["restarter"] : []),
      "seerr",
      "tautulli",
      "uptime-kuma",
      "wizarr",
    ]);
    // The restarter goes out only to post notifications (the example names a channel); its proxy never.
    expect(plan.hasEgress("socket-proxy")).toBe(false);
    expect(plan.hasEgress("restarter")).toBe(host.recovery.notify !== undefined);
    for (const [name, net] of Object.entries(compose.networks ?? {}))
      expect(net.internal, name).toBe(plan.networks.find((n) => n.name === name)?.internal);
  });

  it("VPN apps have no networks and no ports: they live in gluetun's namespace", () => {
    for (const app of host.apps.filter((a) => a.vpn)) {
      expect(compose.services[app.name]).toMatchObject({ network_mode: "service:gluetun" });
      expect(compose.services[app.name]?.networks).toBeUndefined();
      expect(compose.services[app.name]?.ports).toBeUndefined();
    }
  });

  it("an app with no relation and no egress gets no network at all (not the shared default)", () => {
    // Without a monitor (which talks to every app) nothing relates to it.
    const { host: h } = synth(
      withApps((host) => new ServarrApp(host, "loner", { image: "busybox:1.37.0", identity: "image", configPath: null })),
    );
    expect(composeProject(h).services.loner).toMatchObject({ network_mode: "none" });
    expect(h.networkPlan().networksOf("loner")).toEqual([]);
  });

  it("a relation to an app behind the VPN is a relation to the gateway", () => {
    const { host: h } = synth(
      plus(
        (host) => new ServarrApp(host, "notifiarr", { image: "golift/notifiarr:0.8.3", port: 5454, uid: 13200, talksTo: ["sonarr"] }),
        exampleConfig,
      ),
    );
    const plan = h.networkPlan();
    expect(plan.canReach("notifiarr", "sonarr")).toBe(true);
    expect(plan.canReach("notifiarr", "plex")).toBe(false);
    expect(composeProject(h).services.notifiarr?.networks).toEqual(
      plan.networks.filter((n) => n.members.includes("notifiarr")).map((n) => n.name),
    );
  });
});

describe("NetworkPlan (unit)", () => {
  it("builds one network per maximal clique of related services", () => {
    const plan = new NetworkPlan([
      { name: "a", talksTo: ["b", "c"], outside: false },
      { name: "b", talksTo: ["c"], outside: false },
      { name: "c", talksTo: [], outside: true },
      { name: "d", talksTo: ["c"], outside: false },
    ]);
    expect(plan.networks.map((n) => [n.name, n.internal])).toEqual([
      ["a_b_c", true],
      ["c_d", true],
      ["c-egress", false],
    ]);
    expect(plan.canReach("a", "d")).toBe(false);
    expect(plan.networksOf("c")).toEqual(["a_b_c", "c_d", "c-egress"]);
  });

  it("ignores talksTo naming nothing it knows (the host reports those as config errors)", () => {
    const plan = new NetworkPlan([{ name: "a", talksTo: ["ghost"], outside: false }]);
    expect(plan.networks).toEqual([]);
  });

  it("a private app without egress still gets the tunnel connector and the monitor, nothing else", () => {
    const { host: h } = synth(
      plus((host) => new ServarrApp(host, "jellyfin", { image: "x/jellyfin:1.0.0", port: 8096, uid: 13100, exposure: Exposure.private() })),
    );
    const plan = h.networkPlan();
    expect(services.filter(() => true).filter((s) => plan.canReach("jellyfin", s))).toEqual(["cloudflared", "uptime-kuma"]);
    expect(plan.hasEgress("jellyfin")).toBe(false);
  });
});
