// biome-ignore-all lint/suspicious/noExplicitAny: the tests edit untyped synthesized JSON to break it on purpose
import { describe, expect, it } from "vitest";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { Exposure } from "../../constructs/model/exposure";
import { plus } from "../support";
import {
  catchAllIsLastAndUnique,
  everyHostnameHasOneProxiedTunnelCname,
  everyHostnameIsPublicOrGuarded,
  type SynthesizedModel,
  vpnAppsAreReachedThroughTheGateway,
} from "./edge-invariants";
import { broken, example, written } from "./written";

const rules = (tf: any) => (Object.values(tf.resource.cloudflare_zero_trust_tunnel_cloudflared_config)[0] as any).config.ingress;
const find = (tf: any, type: string, pred: (r: any) => boolean) => Object.values(tf.resource[type]).find(pred) as any;
const dns = (tf: any, hostname: string) => find(tf, "cloudflare_dns_record", (r) => r.name === hostname);
const accessApp = (tf: any, hostname: string) =>
  find(tf, "cloudflare_zero_trust_access_application", (a) => a.destinations.some((d: any) => d.uri === hostname));
const ownersPolicy = (tf: any) => find(tf, "cloudflare_zero_trust_access_policy", (p) => p.name === "servarr owners");

describe("invariant: every ingress hostname has exactly one proxied CNAME to the tunnel", () => {
  const check = (m: SynthesizedModel) => everyHostnameHasOneProxiedTunnelCname(m);

  it("holds for the example config (14 hostnames, SSH included)", () => {
    expect(new Set(rules(example.model.tf).flatMap((r: any) => r.hostname ?? [])).size).toBe(14);
    expect(check(example.model)).toEqual([]);
  });

  it.each([
    [
      "a record missing",
      (tf: any) => delete tf.resource.cloudflare_dns_record[Object.keys(tf.resource.cloudflare_dns_record)[0] as string],
    ],
    ["a record not proxied", (tf: any) => (dns(tf, "sonarr.example.com").proxied = false)],
    ["a record pointing elsewhere", (tf: any) => (dns(tf, "plex.example.com").content = "203.0.113.7")],
    ["a record of another type", (tf: any) => (dns(tf, "ssh.example.com").type = "A")],
    ["a duplicate record", (tf: any) => (tf.resource.cloudflare_dns_record.dup = { ...dns(tf, "plex.example.com") })],
    [
      "a dangling CNAME to the tunnel",
      (tf: any) => (tf.resource.cloudflare_dns_record.old = { ...dns(tf, "plex.example.com"), name: "old.example.com" }),
    ],
  ])("fails on %s", (_, edit) => {
    const problems = check(broken(edit));
    if (process.env.SHOW_VIOLATIONS) console.log(problems);
    expect(problems).not.toEqual([]);
  });
});

describe("invariant: every hostname is declared public or guarded by Access admitting only listed people and tokens", () => {
  const check = (m: SynthesizedModel) => everyHostnameIsPublicOrGuarded(m, example.declared);

  it("holds for the example config; the public ones are exactly the declared four", () => {
    expect([...example.declared.publicHostnames].sort()).toEqual([
      "join.example.com",
      "plex.example.com",
      "requests.example.com",
      "status.example.com",
    ]);
    expect(check(example.model)).toEqual([]);
  });

  it("holds with per-app people and tokens, which cost one policy of the app's own only for the people", () => {
    const w = written(
      plus(
        (host) =>
          new ServarrApp(host, "jellyfin", {
            image: "jellyfin/jellyfin:10.11.3",
            port: 8096,
            uid: 13100,
            exposure: Exposure.private({ allowEmails: ["friend@example.org"], serviceTokens: ["ci-deploy"] }),
          }),
      ),
      "extras",
    );
    expect(everyHostnameIsPublicOrGuarded(w.model, w.declared)).toEqual([]);
    const tf = w.model.tf as any;
    const names = accessApp(tf, "jellyfin.example.com").policies.map(
      (p: any) => tf.resource.cloudflare_zero_trust_access_policy[/policy\.([^.]+)\.id/.exec(p.id)?.[1] as string].name,
    );
    // The uptime monitor is not admitted here: jellyfin declares no health route.
    expect(names).toEqual(["servarr machine ci-deploy", "servarr owners", "servarr jellyfin.example.com people"]);
    // The same people on the example config are not admitted: they are listed for jellyfin only.
    expect(everyHostnameIsPublicOrGuarded(w.model, example.declared)).toEqual([
      "jellyfin.example.com: admits friend@example.org, who is not listed",
    ]);
  });

  it.each([
    [
      "a private hostname without its Access application",
      (tf: any) => {
        const [name] = Object.entries(tf.resource.cloudflare_zero_trust_access_application).find(
          ([, a]: any) => a.destinations[0].uri === "sonarr.example.com",
        ) as [string, unknown];
        delete tf.resource.cloudflare_zero_trust_access_application[name];
      },
    ],
    ["a policy that includes everyone", (tf: any) => ownersPolicy(tf).include.push({ everyone: {} })],
    ["a policy that admits any valid service token", (tf: any) => ownersPolicy(tf).include.push({ any_valid_service_token: {} })],
    ["a whole email domain", (tf: any) => ownersPolicy(tf).include.push({ email_domain: { domain: "gmail.com" } })],
    ["an unlisted person", (tf: any) => ownersPolicy(tf).include.push({ email: { email: "stranger@example.net" } })],
    ["a bypass policy", (tf: any) => (ownersPolicy(tf).decision = "bypass")],
    ["owners without the Google login requirement", (tf: any) => delete ownersPolicy(tf).require],
    ["an app that allows another IdP", (tf: any) => accessApp(tf, "radarr.example.com").allowed_idps.push("one-time-pin")],
    [
      "a policy that is not in the stack",
      (tf: any) =>
        accessApp(tf, "radarr.example.com").policies.push({ id: "${cloudflare_zero_trust_access_policy.elsewhere.id}", precedence: 3 }),
    ],
    ["precedence as a string", (tf: any) => (accessApp(tf, "tautulli.example.com").policies[0].precedence = "1")],
    ["duplicate precedence", (tf: any) => (accessApp(tf, "ssh.example.com").policies[1].precedence = 1)],
    [
      "a service token that is not declared",
      (tf: any) => {
        tf.resource.cloudflare_zero_trust_access_service_token.rogue = { name: "servarr rogue" };
        find(tf, "cloudflare_zero_trust_access_policy", (p) => p.name === "servarr machine ci-deploy").include[0].service_token.token_id =
          "${cloudflare_zero_trust_access_service_token.rogue.id}";
      },
    ],
    [
      "an Access application guarding a misspelt hostname",
      (tf: any) => (accessApp(tf, "prowlarr.example.com").destinations[0].uri = "prowlar.example.com"),
    ],
  ])("fails on %s", (_, edit) => {
    const problems = check(broken(edit as (tf: any) => void));
    if (process.env.SHOW_VIOLATIONS) console.log(problems);
    expect(problems).not.toEqual([]);
  });

  it("admits only the owners and the CI deploy token to SSH", () => {
    const tf = example.model.tf as any;
    const policies = accessApp(tf, "ssh.example.com").policies.map((p: any) => {
      const name = /policy\.([^.]+)\.id/.exec(p.id)?.[1] as string;
      return [p.precedence, tf.resource.cloudflare_zero_trust_access_policy[name].name];
    });
    expect(policies).toEqual([
      [1, "servarr machine ci-deploy"],
      [2, "servarr owners"],
    ]);
    expect(rules(tf).find((r: any) => r.hostname === "ssh.example.com")).toEqual({
      hostname: "ssh.example.com",
      service: "ssh://host.docker.internal:22",
    });
  });
});

describe("invariant: the catch-all is last and unique", () => {
  it("holds for the example config", () => expect(catchAllIsLastAndUnique(example.model)).toEqual([]));
  it.each([
    ["the catch-all moved first", (tf: any) => rules(tf).unshift(rules(tf).pop())],
    ["a second catch-all", (tf: any) => rules(tf).splice(2, 0, { service: "http_status:404" })],
    ["no catch-all", (tf: any) => rules(tf).pop()],
    ["a catch-all that serves an app", (tf: any) => (rules(tf).at(-1).service = "http://plex:32400")],
  ])("fails on %s", (_, edit) => expect(catchAllIsLastAndUnique(broken(edit))).not.toEqual([]));
});

describe("invariant: VPN apps are reached through gluetun", () => {
  it("holds for the example config, which has five VPN apps at the edge", () => {
    const vpnAtEdge = rules(example.model.tf).filter((r: any) => /^http:\/\/gluetun:/.test(r.service));
    expect(vpnAtEdge).toHaveLength(5);
    expect(vpnAppsAreReachedThroughTheGateway(example.model)).toEqual([]);
  });
  it("fails when a VPN app is routed to its own service name", () => {
    const m = broken((tf) => (rules(tf).find((r: any) => r.hostname === "sonarr.example.com").service = "http://sonarr:8989"));
    expect(vpnAppsAreReachedThroughTheGateway(m)).toEqual([
      "sonarr.example.com: routes to http://sonarr:8989, inside gluetun's namespace",
      "sonarr.example.com (VPN app sonarr): routes to http://sonarr:8989, expected http://gluetun:<port>",
    ]);
  });
  it("fails when compose takes an app out of the gateway's namespace but the tunnel still goes through gluetun", () => {
    const compose = structuredClone(example.model.compose);
    (compose.services.radarr as Record<string, unknown>).network_mode = "service:other-vpn";
    expect(vpnAppsAreReachedThroughTheGateway({ tf: example.model.tf, compose })).not.toEqual([]);
  });
});
