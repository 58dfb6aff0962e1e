// biome-ignore-all lint/suspicious/noExplicitAny: the tests edit untyped synthesized JSON to break it on purpose
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Exposure } from "../../constructs/exposure";
import { ServarrApp } from "../../constructs/servarr-app";
import type { ServarrConfig } from "../../stacks/config";
import { synthesize, type TerraformJson } from "../../stacks/synth";
import { exampleConfig, plus } from "../support";
import {
  catchAllIsLastAndUnique,
  type Declared,
  everyHostnameHasOneProxiedTunnelCname,
  everyHostnameIsPublicOrGuarded,
  noSecretInClear,
  type SynthesizedModel,
  vpnAppsAreReachedThroughTheGateway,
} from "./edge-invariants";

const scratch = mkdtempSync(path.join(tmpdir(), "servarr-invariants-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Written {
  readonly model: SynthesizedModel;
  readonly files: ReadonlyMap<string, string>;
  readonly declared: Declared;
}

/** Runs the real synth into a scratch dir and reads back what it wrote. */
function written(config: ServarrConfig, name: string): Written {
  const dir = path.join(scratch, name);
  const result = synthesize(config, { outdir: path.join(dir, "cdktf.out"), bundleRoot: path.join(dir, "compose") });
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  const tf = JSON.parse(files.get("cdktf.out/stacks/servarr/cdk.tf.json") ?? "{}") as TerraformJson;
  const compose = parse(files.get(`compose/${config.name}/compose.yaml`) ?? "") as SynthesizedModel["compose"];
  // The declaration the output is held against: what the config says, not what synth made of it.
  const host = result.hosts[0];
  if (!host) throw new Error("no host");
  const routes = host.apps.flatMap((a) => a.routes);
  return {
    model: { tf, compose },
    files,
    declared: {
      publicHostnames: routes.filter((r) => r.exposure.kind === "public").map((r) => r.hostname),
      people: [...config.host.owners, ...routes.flatMap((r) => r.exposure.allowEmails)],
      tokens: Object.keys(config.host.serviceTokens),
      namePrefix: config.name,
    },
  };
}

const example = written(exampleConfig, "example");

/** A deep copy of the example's Terraform JSON, changed by `edit`. */
function broken(edit: (tf: any) => void): SynthesizedModel {
  const tf = structuredClone(example.model.tf);
  edit(tf);
  return { tf, compose: example.model.compose };
}
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
            image: "lscr.io/linuxserver/jellyfin:10.11.3",
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

describe("invariant: no secret value in clear in any synthesized file", () => {
  // What an owner would type or Terraform would compute: if any code path copied process
  // environment into the output, these would show up in the files.
  const markers = ["MARKER-wireguard-9f3c1", "MARKER-kopia-7a21e", "MARKER-google-secret-5d0b", "MARKER-tunnel-1e8a"];
  const withMarkers = <T>(run: () => T): T => {
    const names = {
      WIREGUARD_PRIVATE_KEY: markers[0],
      KOPIA_PASSWORD: markers[1],
      TF_VAR_google_oauth_client_secret: markers[2],
      TUNNEL_TOKEN: markers[3],
    } as Record<string, string>;
    const saved = Object.fromEntries(Object.keys(names).map((k) => [k, process.env[k]]));
    Object.assign(process.env, names);
    try {
      return run();
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  };

  it("holds for the example config, synthesized with secret values in the environment", () => {
    const w = withMarkers(() => written(exampleConfig, "markers"));
    expect(w.files.size).toBeGreaterThanOrEqual(3);
    expect(noSecretInClear(w.model, w.files, markers)).toEqual([]);
  });

  it("fails when an app copies a secret from the environment into the compose file", () => {
    const w = withMarkers(() =>
      written(
        plus(
          (host) =>
            new ServarrApp(host, "leaky", {
              image: "busybox:1.37.0",
              identity: "image",
              configPath: null,
              // An innocent-looking name: only the marker check can catch this.
              environment: { VPN_SETTINGS: process.env.WIREGUARD_PRIVATE_KEY ?? "" },
            }),
        ),
        "leaky",
      ),
    );
    expect(noSecretInClear(w.model, w.files, markers)).toEqual([
      "compose/servarr/compose.yaml: contains the secret value MARKER-wireguard-9f3c1",
    ]);
  });

  it.each([
    ["a secret output that is not sensitive", (tf: any) => (tf.output.service_token_ci_deploy_client_secret.sensitive = false)],
    ["the tunnel token output not sensitive", (tf: any) => delete tf.output.tunnel_token.sensitive],
    ["the S3 secret output not sensitive", (tf: any) => (tf.output.backup_s3_secret_access_key.sensitive = false)],
    ["a secret variable that is not sensitive", (tf: any) => (tf.variable.google_oauth_client_secret.sensitive = false)],
    [
      "a literal client secret on the identity provider",
      (tf: any) => {
        (Object.values(tf.resource.cloudflare_zero_trust_access_identity_provider)[0] as any).config.client_secret = "hunter2";
      },
    ],
  ])("fails on %s", (_, edit) => expect(noSecretInClear(broken(edit), new Map(), markers)).not.toEqual([]));

  it("fails when compose carries a secret literally instead of a ${VAR:?} reference", () => {
    const compose = structuredClone(example.model.compose);
    (compose.services.cloudflared as { environment: Record<string, string> }).environment.TUNNEL_TOKEN = "eyJhIjoi";
    const envExample = new Map([...example.files].filter(([file]) => file.endsWith(".env.example")));
    expect(noSecretInClear({ tf: example.model.tf, compose }, envExample, markers)).toEqual([
      "compose cloudflared.environment.TUNNEL_TOKEN: not a ${TUNNEL_TOKEN:?...} reference",
    ]);
  });

  it("fails when an API key reaches an app literally, or references a variable the host's .env does not have", () => {
    const compose = structuredClone(example.model.compose);
    const env = (name: string) => (compose.services[name] as { environment: Record<string, string> }).environment;
    env("sonarr").SONARR__AUTH__APIKEY = "0123456789abcdef";
    env("radarr").RADARR__AUTH__APIKEY = "${RADARR_KEY:?set it}";
    const envExample = new Map([...example.files].filter(([file]) => file.endsWith(".env.example")));
    expect(noSecretInClear({ tf: example.model.tf, compose }, envExample, markers).sort()).toEqual([
      "compose radarr.environment.RADARR__AUTH__APIKEY: not a ${RADARR__AUTH__APIKEY:?...} reference",
      "compose sonarr.environment.SONARR__AUTH__APIKEY: not a ${SONARR__AUTH__APIKEY:?...} reference",
    ]);
  });
});
