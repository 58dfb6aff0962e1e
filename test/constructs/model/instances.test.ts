import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../../compose/render/bundle";
import { appUsers, hostDirs } from "../../../compose/render/host/host-scripts";
import type { ComposeFile } from "../../../compose/render/project/compose-spec";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { IMAGES } from "../../../constructs/model/images";
import { INSTANCE_UIDS, instanceUid } from "../../../constructs/model/instances";
import type { TerraformJson } from "../../../delivery/stacks";
import { FIXTURES } from "../../fixtures";
import { ingressRules, synth, withApps } from "../../support";

/** Declares each in turn. */
const each =
  (...declare: Array<(h: Host) => unknown>) =>
  (h: Host) => {
    for (const d of declare) d(h);
  };

/** Every leaf where two values differ, by dotted path: what sets an instance apart from the preset's. */
function differences(a: unknown, b: unknown, path = ""): Record<string, [unknown, unknown]> {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const at = (o: object, k: string) => (o as Record<string, unknown>)[k];
    return Object.assign({}, ...keys.map((k) => differences(at(a, k), at(b, k), path ? `${path}.${k}` : k)));
  }
  return a === b ? {} : { [path]: [a, b] };
}

const { host, json } = synth(FIXTURES.instances);
const files = renderBundle(host);
const compose = parse(files.get("compose.yaml") as string) as ComposeFile;

/** The 4K instance's Terraform resources, each with the preset's resource of the same kind (cdktf's hash suffix aside). */
function resourcePairs(tf: TerraformJson, preset: string, instance: string) {
  const key = (address: string) =>
    address
      .replace(/_[0-9A-F]{8}$/, "")
      .replaceAll(instance, preset)
      .replaceAll(instance.replace("-", "_"), preset);
  return Object.entries(tf.resource ?? {}).flatMap(([type, byName]) => {
    const named = byName as Record<string, unknown>;
    const mine = Object.keys(named).filter((n) => n.includes(instance) || n.includes(instance.replace("-", "_")));
    const theirs = Object.keys(named).filter((n) => !mine.includes(n) && mine.some((m) => key(m) === key(n)));
    expect(mine.map(key).sort(), `${type}: the same resources`).toEqual(theirs.map(key).sort());
    return mine.map((n) => ({ type, preset: named[theirs.find((t) => key(t) === key(n)) as string], instance: named[n] }));
  });
}

describe("a second instance keeps everything the preset means, with its own name, uid, port and library", () => {
  const uid = { "sonarr-4k": instanceUid("sonarr-4k"), "radarr-4k": instanceUid("radarr-4k") };

  it.each([
    ["sonarr", "sonarr-4k", "SONARR", 8989, 8990, 13003],
    ["radarr", "radarr-4k", "RADARR", 7878, 7879, 13004],
  ] as const)(
    "compose: %s and %s differ in uid, port, API key file and config folder only",
    (preset, instance, env, port, port4k, presetUid) => {
      const lower = instance.replace("-", "_");
      const probe = (p: number) =>
        `{ curl -fsS -o /dev/null http://127.0.0.1:${p}/ping || wget -q -O /dev/null http://127.0.0.1:${p}/ping; } && { curl -fsS -o /dev/null http://127.0.0.1:9999 || wget -q -O /dev/null http://127.0.0.1:9999; }`;
      expect(differences(compose.services[preset], compose.services[instance])).toEqual({
        [`environment.FILE__${env}__AUTH__APIKEY`]: [`/run/secrets/${preset}_api_key`, `/run/secrets/${lower}_api_key`],
        "environment.PUID": [String(presetUid), String(uid[instance])],
        [`environment.${env}__SERVER__PORT`]: [String(port), String(port4k)],
        "healthcheck.test.1": [probe(port), probe(port4k)],
        "secrets.0.source": [`${preset}_api_key`, `${lower}_api_key`],
        "volumes.0": [`/opt/servarr/config/${preset}:/config`, `/opt/servarr/config/${instance}:/config`],
      });
      // Same pinned image, one line in constructs/images.ts, so Renovate bumps both (test/compose/renovate.test.ts).
      expect(compose.services[instance]?.image).toBe(IMAGES[preset]);
    },
  );

  it("Terraform: the same resources (API key, DNS, Access apps and policies, GitHub secret, uptime check), differing only by the name", () => {
    const pairs = resourcePairs(json, "sonarr", "sonarr-4k");
    expect(pairs.map((p) => p.type).sort()).toEqual([
      "cloudflare_dns_record",
      "cloudflare_zero_trust_access_application",
      "cloudflare_zero_trust_access_application",
      "github_actions_environment_secret",
      "google_monitoring_uptime_check_config",
      "random_password",
      "terraform_data", // what the masked uptime check is replaced on (constructs/google/uptime-monitoring.ts)
    ]);
    const byName = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v)
          .replace(/sonarr-4k_api-key_[0-9A-F]{8}/g, "API-KEY")
          .replace(/sonarr_api-key_[0-9A-F]{8}/g, "API-KEY")
          // Terraform logical ids end in a hash of the construct path: equal up to the name.
          .replace(/(uptime_check-sonarr(?:-4k)?-http)_[0-9A-F]{8}/g, "$1_HASH")
          .replaceAll("sonarr-4k", "sonarr")
          .replaceAll("SONARR_4K", "SONARR"),
      );
    for (const pair of pairs) expect(byName(pair.instance), pair.type).toEqual(byName(pair.preset));
    // The Access applications guard the 4K hostname with the very same policies.
    const access = pairs.filter((p) => p.type === "cloudflare_zero_trust_access_application");
    for (const pair of access) expect(differences(pair.preset, pair.instance)).not.toHaveProperty("policies");
    expect(access.map((p) => (p.instance as { destinations: Array<{ uri: string }> }).destinations[0]?.uri).sort()).toEqual([
      "sonarr-4k.example.com",
      "sonarr-4k.example.com/ping",
    ]);
  });

  it("tunnel and health: the 4K hostname routes to its own port in the gateway's namespace", () => {
    expect(ingressRules(json)).toContainEqual(
      expect.objectContaining({ hostname: "sonarr-4k.example.com", service: "http://gluetun:8990" }),
    );
    expect(ingressRules(json)).toContainEqual(expect.objectContaining({ hostname: "sonarr.example.com", service: "http://gluetun:8989" }));
    expect(compose.services["sonarr-4k"]?.network_mode).toBe("service:gluetun");
    // gluetun's firewall admits both ports from its peers.
    expect(compose.services.gluetun?.environment?.FIREWALL_INPUT_PORTS?.split(",")).toEqual(expect.arrayContaining(["8989", "8990"]));
  });

  it("secrets: its own Terraform-made API key, in .env.example and as a GitHub secret", () => {
    const [preset, instance] = [host.secrets.get("SONARR_API_KEY"), host.secrets.get("SONARR_4K_API_KEY")];
    expect(differences(preset, instance)).toEqual({
      description: ["API key of sonarr (Terraform: random_password)", "API key of sonarr-4k (Terraform: random_password)"],
      githubName: ["SONARR_API_KEY", "SONARR_4K_API_KEY"],
      name: ["SONARR_API_KEY", "SONARR_4K_API_KEY"],
      value: [preset?.value, instance?.value],
    });
    expect(files.get(".env.example")).toMatch(/^SONARR_4K_API_KEY=/m);
  });

  it("backup: its config folder is a backup source like the preset's", () => {
    const sources = host.backupSources();
    const [preset, instance] = ["sonarr", "sonarr-4k"].map((a) => sources.find((s) => s.app === a));
    expect(differences(preset, instance)).toEqual({
      app: ["sonarr", "sonarr-4k"],
      containerDir: ["/sources/sonarr", "/sources/sonarr-4k"],
      hostDir: ["/opt/servarr/config/sonarr", "/opt/servarr/config/sonarr-4k"],
    });
    expect(compose.services.kopia?.volumes).toContain("/opt/servarr/config/sonarr-4k:/sources/sonarr-4k:ro");
  });

  it("host: its own user and uid, its config folder, its root folder and download category folders", () => {
    expect(appUsers(host)).toContainEqual({ name: "sonarr-4k", uid: uid["sonarr-4k"] });
    const dirs = hostDirs(host).map((d) => d.path);
    for (const dir of ["/opt/servarr/config/sonarr-4k", "/data/media/tv-4k", "/data/torrents/tv-4k", "/data/media/movies-4k"])
      expect(dirs).toContain(dir);
  });

  it("the model: library (root folder, category, 4K) for the wiring to read", () => {
    const library = (name: string) => host.app(name)?.library;
    expect(library("sonarr")).toEqual({ rootFolder: "/data/media/tv", category: "tv", fourK: false });
    expect(library("sonarr-4k")).toEqual({ rootFolder: "/data/media/tv-4k", category: "tv-4k", fourK: true });
    expect(library("radarr-4k")).toEqual({ rootFolder: "/data/media/movies-4k", category: "movies-4k", fourK: true });
    expect(host.app("sonarr-4k")?.preset).toBe("sonarr");
    // A configured root folder: the category follows its last segment unless set too.
    const custom = synth(withApps((h) => void catalog.sonarr(h, { name: "anime", library: { rootFolder: "/data/media/anime" } }))).host;
    expect(custom.app("anime")?.library).toEqual({ rootFolder: "/data/media/anime", category: "anime", fourK: false });
    const named = synth(withApps((h) => void catalog.sonarr(h, { name: "anime", library: { category: "sonarr-anime" } }))).host;
    expect(named.app("anime")?.library).toEqual({ rootFolder: "/data/media/tv-anime", category: "sonarr-anime", fourK: false });
  });
});

describe("an instance's uid: derived from its name, never from list positions", () => {
  const uids = (apps: (h: Host) => void) => Object.fromEntries(synth(withApps(apps)).host.apps.map((a) => [a.name, a.props.uid]));
  const one = (h: Host) => catalog.sonarr(h, { name: "sonarr-4k" });
  const two = (h: Host) => catalog.sonarr(h, { name: "sonarr-anime" });

  it("the same whatever the order or the other instances, within the derived range, the preset's own kept", () => {
    const forward = uids(each((h) => catalog.sonarr(h), one, two));
    const backward = uids(each(two, one, (h) => catalog.sonarr(h)));
    expect(forward).toEqual(backward);
    expect(uids(one)["sonarr-4k"]).toBe(forward["sonarr-4k"]);
    expect(forward.sonarr).toBe(13003);
    for (const name of ["sonarr-4k", "sonarr-anime"]) {
      expect(forward[name]).toBeGreaterThanOrEqual(INSTANCE_UIDS.first);
      expect(forward[name]).toBeLessThan(INSTANCE_UIDS.first + INSTANCE_UIDS.count);
    }
    expect(forward["sonarr-4k"]).not.toBe(forward["sonarr-anime"]);
  });

  it("two names that meet on one uid: the host names both and says to set uid; setting it settles it", () => {
    const seen = new Map<number, string>();
    let clash: [string, string] | undefined;
    for (let i = 0; clash === undefined; i++) {
      const name = `tv-${i}`;
      const other = seen.get(instanceUid(name));
      if (other) clash = [other, name];
      seen.set(instanceUid(name), name);
    }
    const [first, second] = clash;
    expect(() =>
      synth(
        withApps(
          each(
            (h) => catalog.sonarr(h, { name: first }),
            (h) => catalog.sonarr(h, { name: second }),
          ),
        ),
      ),
    ).toThrow(
      new RegExp(
        `${second}\\.uid: ${instanceUid(first)} is not allowed; allowed: a uid no other app uses \\(${first}, declared earlier, already has it\\); a preset's second instance derives its uid from its name \\(20000-59999\\): set uid on one of the two`,
      ),
    );
    const fixed = uids(
      each(
        (h) => catalog.sonarr(h, { name: first }),
        (h) => catalog.sonarr(h, { name: second, uid: 13103 }),
      ),
    );
    expect(fixed[second]).toBe(13103);
  });
});
