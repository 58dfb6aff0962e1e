// biome-ignore-all lint/suspicious/noExplicitAny: the tests edit untyped synthesized JSON to break it on purpose
import { describe, expect, it } from "vitest";
import { ServarrApp } from "../../constructs/host/servarr-app";
import { exampleConfig, plus } from "../support";
import { noSecretInClear } from "./edge-invariants";
import { broken, example, written } from "./written";

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
