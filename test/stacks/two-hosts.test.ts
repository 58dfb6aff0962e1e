import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../compose/render/bundle";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { composeProject } from "../../compose/render/project/project";
import type { Host } from "../../constructs/host/host";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { lanBridge } from "../../constructs/model/cross-host";
import type { MoreHostConfig } from "../../stacks/config";
import { checkBootstrapInputs } from "../../stacks/setup/check";
import { envSources, loadModel } from "../../stacks/setup/steps";
import { synthesize } from "../../stacks/synth";
import { FIXTURES } from "../fixtures";
import { config } from "../fixtures/two-hosts";
import { resources, synth } from "../support";
import { compose2 } from "../tool";

/**
 * The two-host example (a media box and a NAS), synthesized as `npm run synth -- --config`
 * writes it: the account once, each host complete, the one cross-host relation exactly admitted.
 */
const out = mkdtempSync(path.join(tmpdir(), "servarr-two-hosts-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const result = synthesize(config, { outdir: path.join(out, "cdktf.out"), bundleRoot: path.join(out, "compose"), repoRoot: out });
const tf = result.stacks.get("servarr") ?? {};
const count = (type: string) => Object.keys(resources(tf, type)).length;
const read = (file: string) => readFileSync(path.join(out, file), "utf8");
const [box, nas] = result.hosts;
const nasAddress = config.hosts?.nas?.lanAddress as string;
const boxAddress = config.host.lanAddress as string;

describe("the account and zone exist once", () => {
  it("one IdP, one DNSSEC, one set of zone settings, one owners policy, the service tokens once", () => {
    const one =
      synthesize(FIXTURES.minimal as typeof config, {
        outdir: path.join(out, "one", "cdktf.out"),
        bundleRoot: path.join(out, "one", "compose"),
      }).stacks.get("servarr") ?? {};
    expect(count("cloudflare_zero_trust_access_identity_provider")).toBe(1);
    expect(count("cloudflare_zone_dnssec")).toBe(1);
    expect(count("cloudflare_zone_setting")).toBe(Object.keys(resources(one, "cloudflare_zone_setting")).length);
    const policies = Object.values(resources(tf, "cloudflare_zero_trust_access_policy"));
    expect(policies.filter((p) => String(p.name).endsWith(" owners"))).toHaveLength(1);
    expect(Object.values(resources(tf, "cloudflare_zero_trust_access_service_token")).map((t) => t.name)).toEqual(
      Object.keys(config.host.serviceTokens).map((n) => `${config.name} ${n}`),
    );
  });

  it("keeps the addresses the account resources had under the first host (no move for applied state)", () => {
    const anchor = config.name;
    expect(Object.keys(resources(tf, "cloudflare_zero_trust_access_identity_provider"))).toEqual([
      makeUniqueId([anchor, "google", "google"]),
    ]);
    expect(Object.keys(resources(tf, "cloudflare_zone_dnssec"))).toEqual([makeUniqueId([anchor, "zone", "dnssec"])]);
    expect(Object.keys(resources(tf, "cloudflare_zero_trust_access_policy"))).toContain(makeUniqueId([anchor, "access", "owners"]));
  });
});

describe("each host is complete", () => {
  it("two tunnels, each with its own config", () => {
    expect(count("cloudflare_zero_trust_tunnel_cloudflared")).toBe(2);
    expect(Object.values(resources(tf, "cloudflare_zero_trust_tunnel_cloudflared")).map((t) => t.name)).toEqual(["mediabox", "nas"]);
    expect(count("cloudflare_zero_trust_tunnel_cloudflared_config")).toBe(2);
  });

  it("two buckets with distinct names, each S3 token scoped to its own bucket only", () => {
    const buckets = Object.values(resources(tf, "cloudflare_r2_bucket")).map((b) => String(b.name));
    expect(buckets.sort()).toEqual(["homelab-mediabox-backups", "homelab-mediabox-backups-nas"]);
    const tokens = Object.values(resources(tf, "cloudflare_account_token"));
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      const [policy] = token.policies as Array<{ resources: string }>;
      const scoped = Object.keys(JSON.parse(policy?.resources ?? "{}"));
      expect(scoped).toHaveLength(1);
      expect(buckets.some((b) => scoped[0]?.endsWith(`_${b}`) && String(token.name).endsWith(` ${b}`))).toBe(true);
    }
  });

  it("two complete bundles: the same files for each host", () => {
    expect(readdirSync(path.join(out, "compose")).sort()).toEqual(["mediabox", "nas"]);
    // The wire job and its files only where there is something to wire: the NAS has no app with an API.
    const box = readdirSync(path.join(out, "compose", "mediabox")).sort();
    expect(box).toContain("wire");
    expect(readdirSync(path.join(out, "compose", "nas")).sort()).toEqual(box.filter((f) => f !== "wire"));
  });

  it("a deploy job per host, to its own SSH hostname (the first keeps ssh.<domain>)", () => {
    const deploy = parse(read(".github/workflows/deploy.yml")) as { jobs: Record<string, { steps: Array<{ name?: string }> }> };
    expect(Object.keys(deploy.jobs).filter((j) => j.startsWith("deploy_"))).toEqual(["deploy_mediabox", "deploy_nas"]);
    expect(box?.ssh.hostname).toBe(`ssh.${config.host.domain}`);
    expect(nas?.ssh.hostname).toBe(`ssh-nas.${config.host.domain}`);
    expect(JSON.stringify(deploy.jobs.deploy_nas)).toContain(`to ssh-nas.${config.host.domain}`);
  });

  it("uptime checks cover every host's hostnames", () => {
    const probed = Object.values(resources(tf, "google_monitoring_uptime_check_config")).map(
      (c) => (c.monitored_resource as { labels: { host: string } }).labels.host,
    );
    expect(probed).toContain(`watch.${config.host.domain}`);
    expect(probed).toContain(`requests.${config.host.domain}`);
  });
});

describe("GitHub secrets: every host's, no collision", () => {
  const names = Object.values(resources(tf, "github_actions_environment_secret")).map((s) => String(s.secret_name));

  it("each name once; the first host's unprefixed, the NAS's NAS_-prefixed, the account's once", () => {
    expect(new Set(names).size).toBe(names.length);
    for (const s of box?.secrets.all ?? []) expect(names).toContain(s.name);
    for (const s of nas?.secrets.all ?? []) expect(names).toContain(`NAS_${s.name}`);
    for (const n of ["CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET"]) expect(names.filter((x) => x.endsWith(n))).toEqual([n]);
  });

  it("the NAS's deploy job maps each NAS_ secret to the host's unprefixed .env name", () => {
    const deploy = read(".github/workflows/deploy.yml");
    expect(deploy).toContain("TUNNEL_TOKEN: ${{ secrets.NAS_TUNNEL_TOKEN }}");
    expect(deploy).toContain("DEPLOY_SSH_PRIVATE_KEY: ${{ secrets.NAS_SSH_PRIVATE_KEY }}");
    expect(deploy).toContain("TUNNEL_SERVICE_TOKEN_ID: ${{ secrets.CF_ACCESS_CLIENT_ID }}");
  });

  it("the NAS's typed secrets are Terraform variables of their own (nas_<name>)", () => {
    expect(Object.keys(tf.variable ?? {})).toEqual(
      expect.arrayContaining(["nas_ssh_private_key", "nas_kopia_password", "ssh_private_key"]),
    );
  });
});

describe("the cross-host relation mediabox/seerr -> nas/jellyfin", () => {
  const nasCompose = parse(read("compose/nas/compose.yaml")) as ComposeFile;
  const boxCompose = parse(read("compose/mediabox/compose.yaml")) as ComposeFile;

  it("jellyfin publishes its port on the NAS's LAN address only", () => {
    expect(nasCompose.services.jellyfin?.ports).toEqual([`${nasAddress}:8096:8096`]);
  });

  it("the NAS firewall admits that port from the media box's address only (input and forwarded DNAT)", () => {
    const nft = read("compose/nas/firewall.nft");
    const rules = nft.split("\n").filter((l) => /\b8096\b/.test(l));
    expect(rules).toEqual([
      `    ip saddr ${boxAddress} tcp dport 8096 accept comment "jellyfin for mediabox/seerr"`,
      `    ct status dnat ip saddr ${boxAddress} meta l4proto tcp ct original proto-dst 8096 accept comment "jellyfin for mediabox/seerr"`,
    ]);
    // Any other DNATed connection still ends in the drop.
    expect(nft.indexOf("ct status dnat drop")).toBeGreaterThan(nft.indexOf("proto-dst 8096"));
  });

  it("seerr leaves through its egress network, whose fixed bridge the media box lets reach nas:8096 and no other LAN address", () => {
    // Seerr has egress (metadata from the internet): its default route, so that network carries the relation.
    expect(boxCompose.services.seerr?.networks).toContain("seerr-egress");
    expect(boxCompose.services.seerr?.networks).not.toContain("seerr-lan");
    expect(boxCompose.networks?.["seerr-egress"]).toEqual({
      internal: false,
      driver_opts: { "com.docker.network.bridge.name": lanBridge("seerr") },
    });
    const lines = read("compose/mediabox/firewall.nft").split("\n");
    const accept = lines.indexOf(`    iifname "lan-seerr" ip daddr ${nasAddress} tcp dport 8096 accept comment "seerr to nas/jellyfin"`);
    expect(accept).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(`"${lanBridge("seerr")}"`))).toHaveLength(1);
    // After it, every container bridge's connections to the LAN end in a drop (DNS excepted).
    const lanDrop = lines.indexOf(
      `    iifname "lan-*" ip daddr 192.168.1.0/24 drop comment "containers reach the LAN only through declared cross-host relations"`,
    );
    expect(lanDrop).toBeGreaterThan(accept);
    for (const iface of ["docker0", "br-*", "servarr-tunnel"])
      expect(
        lines.indexOf(
          `    iifname "${iface}" ip daddr 192.168.1.0/24 drop comment "containers reach the LAN only through declared cross-host relations"`,
        ),
      ).toBeGreaterThan(accept);
  });

  it("the network diagrams draw the relation over the LAN, not as internet egress", () => {
    const box = read("compose/mediabox/host.md").split("\n");
    expect(box).toContain('  s_seerr ==>|LAN| h_nas_2f_jellyfin[/"nas/jellyfin"/]');
    expect(box.filter((l) => l.startsWith("  s_seerr -.-> internet"))).toHaveLength(1); // its own egress only
    expect(read("compose/nas/host.md").split("\n")).toContain('  h_mediabox_2f_seerr[/"mediabox/seerr"/] ==>|LAN| s_jellyfin');
  });

  it("nothing else crosses: no other app of either host publishes for the other or has a cross-host network", () => {
    const published = Object.entries(nasCompose.services).filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([n]) => n)).toEqual(["jellyfin"]);
    expect(Object.keys(boxCompose.networks ?? {}).filter((n) => n.endsWith("-lan"))).toEqual([]);
    expect(
      Object.entries(boxCompose.networks ?? {})
        .filter(([, n]) => (n.driver_opts as Record<string, string> | undefined)?.["com.docker.network.bridge.name"]?.startsWith("lan-"))
        .map(([k]) => k),
    ).toEqual(["seerr-egress"]);
    // The NAS opens nothing across: no cross-host bridge of its own (only the LAN rule for every "lan-*" bridge).
    expect(read("compose/nas/firewall.nft")).not.toMatch(/iifname "lan-[^*]/);
  });
});

describe("npm run setup -- env --host nas: the NAS's first .env", () => {
  it("reads the NAS's outputs and its prefixed TF_VAR_ inputs, under the host-side names", () => {
    const sources = envSources(loadModel(config, "nas"));
    expect(sources.get("TUNNEL_TOKEN")).toEqual({ output: "nas_tunnel_token" });
    expect(sources.get("KOPIA_S3_ACCESS_KEY_ID")).toEqual({ output: "nas_backup_s3_access_key_id" });
    expect(sources.get("KOPIA_PASSWORD")).toEqual({ variable: "nas_kopia_password" });
    expect(envSources(loadModel(config)).get("TUNNEL_TOKEN")).toEqual({ output: "tunnel_token" });
  });

  it("refuses a host the config does not declare", () => {
    expect(() => loadModel(config, "nsa")).toThrow(/--host nsa: one of mediabox, nas/);
  });
});

describe("a target without egress answers other hosts but opens nothing", () => {
  const withFiles: typeof config = {
    ...config,
    apps: (h) => {
      config.apps(h);
      new ServarrApp(h, "reader", { image: "nginx:1.27.3", port: 8081, uid: 13093, talksTo: ["nas/files"] });
    },
    hosts: {
      nas: {
        ...(config.hosts?.nas as MoreHostConfig),
        apps: (h) => {
          config.hosts?.nas?.apps(h);
          new ServarrApp(h, "files", { image: "nginx:1.27.3", port: 8080, uid: 13092 });
        },
      },
    },
  };
  const { stack } = synth(withFiles);
  const nasHost = stack.hosts[1] as Host;
  const files = composeProject(nasHost).services.files;
  const nft = [...renderBundle(nasHost)].find(([f]) => f === "firewall.nft")?.[1] ?? "";

  it("is published from a network of its own (no egress network), on the NAS's LAN address", () => {
    expect(files?.networks).toEqual(["files-lan"]);
    expect(files?.ports).toEqual([`${nasAddress}:8080:8080`]);
    expect(nasHost.networkPlan().hasEgress("files")).toBe(false);
  });

  it("its bridge opens no connection: replies pass as established, anything new is dropped", () => {
    const lines = nft.split("\n");
    const forward = lines.indexOf("  chain forward {");
    const established = lines.indexOf("    ct state established,related accept", forward);
    const drop = lines.indexOf(`    iifname "lan-files" drop comment "files's cross-host network: no other connection of its own"`);
    expect(forward).toBeGreaterThan(0);
    expect(drop).toBeGreaterThan(established);
    expect(lines.filter((l) => l.includes('iifname "lan-files"'))).toHaveLength(1);
    expect(nft).toContain(
      `ct status dnat ip saddr ${boxAddress} meta l4proto tcp ct original proto-dst 8080 accept comment "files for mediabox/reader"`,
    );
  });
});

describe("real tools accept both bundles", () => {
  it.skipIf(!compose2.present)(`docker compose config -q on each host's compose.yaml${compose2.missing}`, () => {
    for (const host of ["mediabox", "nas"]) {
      const dir = path.join(out, "compose", host);
      writeFileSync(path.join(dir, ".env"), read(`compose/${host}/.env.example`).replace(/^([A-Z0-9_]+)=$/gm, "$1=placeholder"));
      const res = spawnSync("docker", ["compose", "-f", path.join(dir, "compose.yaml"), "config", "-q"], { cwd: dir, encoding: "utf8" });
      expect(res.stderr, host).toBe("");
      expect(res.status, host).toBe(0);
    }
  });
});

describe("npm run setup -- check: a further host's inputs are checked against that host", () => {
  it("nas_ssh_known_hosts must name the NAS's SSH hostname, ssh_known_hosts the media box's", () => {
    const line = (host: string) => `${host} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa`;
    const results = checkBootstrapInputs(loadModel(config), {
      TF_VAR_ssh_known_hosts: line("ssh.example.net"),
      TF_VAR_nas_ssh_known_hosts: line("ssh.example.net"),
    });
    const byInput = new Map(results.map((r) => [r.input, r.problem]));
    expect(byInput.get("TF_VAR_ssh_known_hosts")).toBeUndefined();
    expect(byInput.get("TF_VAR_nas_ssh_known_hosts")).toMatch(/a known_hosts line for ssh-nas\.example\.net/);
  });
});
