import { Token } from "cdktf";
import { describe, expect, it } from "vitest";
import { composeProject } from "../../compose/project";
import { Exposure } from "../../constructs/exposure";
import { googleOAuthClientSettings } from "../../constructs/google-idp";
import { healthRoutePath } from "../../constructs/health";
import { ServarrApp } from "../../constructs/servarr-app";
import type { ServarrConfig } from "../../stacks/config";
import { exampleConfig, plus, type Resource, resources, synth } from "../support";

const withHost = (host: Partial<ServarrConfig["host"]>, base: ServarrConfig = exampleConfig): ServarrConfig => ({
  ...base,
  host: { ...base.host, ...host },
});
const withCloudflare = (cf: Partial<ServarrConfig["host"]["cloudflare"]>) =>
  withHost({ cloudflare: { ...exampleConfig.host.cloudflare, ...cf } });
const only = <T>(record: Record<string, T>): T => {
  const values = Object.values(record);
  if (values.length !== 1) throw new Error(`expected one, found ${values.length}`);
  return values[0] as T;
};

describe("Google sign-in", () => {
  const { host, json } = synth();

  it("derives the exact origin and redirect URI from the team name", () => {
    expect(googleOAuthClientSettings("acme")).toEqual({
      javascriptOrigin: "https://acme.cloudflareaccess.com",
      redirectUri: "https://acme.cloudflareaccess.com/cdn-cgi/access/callback",
    });
    expect(json.output).toMatchObject({
      google_oauth_javascript_origin: { value: "https://example-team.cloudflareaccess.com" },
      google_oauth_redirect_uri: { value: "https://example-team.cloudflareaccess.com/cdn-cgi/access/callback" },
    });
  });

  it("is the one identity provider, configured from the two sensitive variables", () => {
    expect(only(resources(json, "cloudflare_zero_trust_access_identity_provider"))).toMatchObject({
      type: "google",
      config: { client_id: "${var.google_oauth_client_id}", client_secret: "${var.google_oauth_client_secret}" },
    });
    for (const name of ["google_oauth_client_id", "google_oauth_client_secret"])
      expect(json.variable?.[name]).toMatchObject({ type: "string", sensitive: true, nullable: false });
  });

  it("is the only IdP of every Access application, which redirects to it", () => {
    const idp = `\${cloudflare_zero_trust_access_identity_provider.${Object.keys(resources(json, "cloudflare_zero_trust_access_identity_provider"))[0]}.id}`;
    const apps = Object.values(resources(json, "cloudflare_zero_trust_access_application"));
    const privateRoutes = host.apps.flatMap((a) => a.routes.filter((r) => r.exposure.kind === "private").map(() => a));
    const healthRoutes = privateRoutes.filter((a) => healthRoutePath(a.props.healthPath) !== undefined);
    // One per private hostname, one per private app's health route, one for SSH.
    expect(apps).toHaveLength(privateRoutes.length + healthRoutes.length + 1);
    for (const app of apps) expect(app).toMatchObject({ allowed_idps: [idp] });
    // People are sent to Google on the apps; the health routes admit machines only.
    const scoped = (a: Resource) => (a.destinations as Array<{ uri: string }>).every((d) => d.uri.includes("/"));
    for (const app of apps.filter((a) => !scoped(a))) expect(app).toMatchObject({ auto_redirect_to_identity: true });
    for (const app of apps.filter(scoped)) expect(app.auto_redirect_to_identity).toBeUndefined();
  });
});

describe("shared policies and service tokens", () => {
  const { host, json, stack } = synth();
  const policies = resources(json, "cloudflare_zero_trust_access_policy");

  it("creates account-level policies once: owners and one per token in use, none per app", () => {
    expect(Object.values(policies).map((p) => [p.name, p.decision])).toEqual([
      ["servarr owners", "allow"],
      ["servarr machine ci-deploy", "non_identity"],
      ["servarr machine uptime-monitor", "non_identity"],
    ]);
    expect(host.access.sharedPolicies).toHaveLength(3);
  });

  const accessApp = (uri: string) =>
    Object.values(resources(json, "cloudflare_zero_trust_access_application")).find(
      (a) => (a.destinations as Array<{ uri: string }>)[0]?.uri === uri,
    );

  it("numbers precedence in Access's evaluation order: service auth first, then people", () => {
    const ssh = accessApp("ssh.example.com");
    expect(((ssh?.policies ?? []) as Array<{ precedence: number }>).map((p) => p.precedence)).toEqual([1, 2]);
    expect(JSON.stringify(ssh?.policies)).toMatch(/token-ci-deploy.*owners/);
  });

  it("admits the uptime monitor on sonarr's health route only; sonarr itself admits the owners only", () => {
    expect(JSON.stringify(accessApp("sonarr.example.com")?.policies)).toMatch(
      /^\[\{"id":"\$\{cloudflare_zero_trust_access_policy\.[\w-]*owners[\w-]*\.id\}","precedence":1\}\]$/,
    );
    expect(accessApp("sonarr.example.com/ping")).toMatchObject({ destinations: [{ type: "public", uri: "sonarr.example.com/ping" }] });
    expect(JSON.stringify(accessApp("sonarr.example.com/ping")?.policies)).toMatch(
      /^\[\{"id":"[^"]*token-uptime-monitor[^"]*","precedence":1\}\]$/,
    );
  });

  it("declares the two required tokens with a rotatable secret and sensitive outputs", () => {
    const tokens = Object.values(resources(json, "cloudflare_zero_trust_access_service_token"));
    // Version 1 is the provider's default and is left out: it may only be set with an expiry.
    expect(tokens.map((t) => [t.name, t.client_secret_version, t.previous_client_secret_expires_at])).toEqual([
      ["servarr ci-deploy", undefined, undefined],
      ["servarr uptime-monitor", undefined, undefined],
    ]);
    for (const name of ["ci_deploy", "uptime_monitor"])
      for (const part of ["client_id", "client_secret"])
        expect(json.output?.[`service_token_${name}_${part}`], `${name} ${part}`).toMatchObject({ sensitive: true });
    // Typed properties for the Google side (uptime-check headers): Terraform references, never values.
    const uptime = host.serviceTokens.get("uptime-monitor");
    expect([uptime?.clientId, uptime?.clientSecret].every((v) => Token.isUnresolved(v))).toBe(true);
  });

  it("rotates one secret by bumping its version, changing nothing else", () => {
    const rotated = synth(
      withHost({
        serviceTokens: {
          ...exampleConfig.host.serviceTokens,
          "ci-deploy": { clientSecretVersion: 2, previousClientSecretExpiresAt: "2027-01-31T00:00:00Z" },
        },
      }),
    );
    const before = resources(json, "cloudflare_zero_trust_access_service_token");
    const after = resources(rotated.json, "cloudflare_zero_trust_access_service_token");
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    expect(changed).toHaveLength(1);
    expect(after[changed[0] as string]).toMatchObject({
      client_secret_version: 2,
      previous_client_secret_expires_at: "2027-01-31T00:00:00Z",
    });
  });

  it("gives the CI deploy's credentials to CI only, from Terraform; the uptime monitor's reach no workflow", () => {
    for (const name of ["CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET"])
      expect(stack.account.secrets.get(name), name).toMatchObject({ source: "terraform", audience: "ci" });
    for (const name of ["UPTIME_ACCESS_CLIENT_ID", "UPTIME_ACCESS_CLIENT_SECRET"]) expect(stack.account.secrets.get(name)).toBeUndefined();
  });

  it("admits a per-app token only where declared", () => {
    const { json: j } = synth(
      plus(
        (h) =>
          new ServarrApp(h, "jellyfin", {
            image: "x/jellyfin:1.0",
            port: 8096,
            uid: 13100,
            exposure: Exposure.private({ serviceTokens: ["ci-deploy"] }),
          }),
      ),
    );
    const apps = Object.values(resources(j, "cloudflare_zero_trust_access_application"));
    const admitsCi = apps
      .filter((a) => JSON.stringify(a.policies).includes("token-ci-deploy"))
      .map((a) => (a.destinations as Array<{ uri: string }>)[0]?.uri);
    expect(admitsCi.sort()).toEqual(["jellyfin.example.com", "ssh.example.com"]);
  });
});

describe("SSH through the tunnel", () => {
  const { host, json } = synth();

  it("has its own proxied hostname and reaches the host's sshd from the cloudflared container", () => {
    const record = Object.values(resources(json, "cloudflare_dns_record")).find((r) => r.name === "ssh.example.com");
    expect(record).toMatchObject({ type: "CNAME", proxied: true });
    expect(composeProject(host).services.cloudflared?.extra_hosts).toEqual(["host.docker.internal:host-gateway"]);
  });

  it("moves with ssh.subdomain and ssh.target", () => {
    const { json: j } = synth(withHost({ ssh: { subdomain: "shell", target: "172.17.0.1:2222" } }));
    const ingress = (
      only(resources(j, "cloudflare_zero_trust_tunnel_cloudflared_config")) as {
        config: { ingress: Array<{ hostname?: string; service: string }> };
      }
    ).config.ingress;
    expect(ingress.find((r) => r.hostname === "shell.example.com")?.service).toBe("ssh://172.17.0.1:2222");
  });
});

describe("R2 backup bucket with scoped S3 credentials", () => {
  const { host, json } = synth();

  it("creates the bucket where the config says, and aborts unfinished uploads after 7 days", () => {
    expect(only(resources(json, "cloudflare_r2_bucket"))).toMatchObject({
      name: "servarr-backups",
      location: "weur",
      jurisdiction: "default",
    });
    const lifecycle = only(resources(json, "cloudflare_r2_bucket_lifecycle")) as { rules: unknown[] };
    expect(lifecycle.rules).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        enabled: true,
        conditions: { prefix: "" },
        abort_multipart_uploads_transition: { condition: { type: "Age", max_age: 604800 } },
      },
    ]);
    expect(JSON.stringify(lifecycle)).not.toMatch(/delete_objects_transition/);
  });

  it("scopes the token to that one bucket, with the R2 object read and write groups looked up by name", () => {
    const token = only(resources(json, "cloudflare_account_token")) as {
      policies: Array<{ effect: string; resources: string; permission_groups: Array<{ id: string }> }>;
    };
    expect(token.policies).toHaveLength(1);
    const [policy] = token.policies;
    expect(JSON.parse(policy?.resources ?? "")).toEqual({
      "com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_servarr-backups": "*",
    });
    expect(policy?.permission_groups.map((g) => /g\.name == "([^"]+)"/.exec(g.id)?.[1])).toEqual([
      "Workers R2 Storage Bucket Item Read",
      "Workers R2 Storage Bucket Item Write",
    ]);
    expect(Object.keys(json.data?.cloudflare_account_api_token_permission_groups_list ?? {})).toHaveLength(1);
  });

  it("derives the S3 credentials (id = token id, secret = sha256 of the value) as sensitive outputs and host secrets", () => {
    const tokenName = Object.keys(resources(json, "cloudflare_account_token"))[0];
    expect(json.output).toMatchObject({
      backup_s3_access_key_id: { sensitive: true, value: `\${cloudflare_account_token.${tokenName}.id}` },
      backup_s3_secret_access_key: { sensitive: true, value: `\${sha256(cloudflare_account_token.${tokenName}.value)}` },
      backup_s3_endpoint: { value: "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com" },
      backup_s3_bucket: { value: "servarr-backups" },
    });
    expect(composeProject(host).services.kopia?.environment).toMatchObject({
      KOPIA_S3_BUCKET: "servarr-backups",
      KOPIA_S3_ENDPOINT: "0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
      KOPIA_S3_ACCESS_KEY_ID: "${KOPIA_S3_ACCESS_KEY_ID:?KOPIA_S3_ACCESS_KEY_ID must be set in .env}",
      KOPIA_S3_SECRET_ACCESS_KEY: "${KOPIA_S3_SECRET_ACCESS_KEY:?KOPIA_S3_SECRET_ACCESS_KEY must be set in .env}",
    });
    expect(host.secrets.get("KOPIA_S3_SECRET_ACCESS_KEY")).toMatchObject({ source: "terraform", audience: "host" });
  });
});

describe("zone hardening", () => {
  const { json } = synth();

  it("turns on DNSSEC, HTTPS only, TLS 1.2 minimum, TLS 1.3 and strict SSL", () => {
    expect(only(resources(json, "cloudflare_zone_dnssec"))).toMatchObject({ status: "active" });
    const settings = Object.fromEntries(Object.values(resources(json, "cloudflare_zone_setting")).map((s) => [s.setting_id, s.value]));
    expect(settings).toEqual({ always_use_https: "on", min_tls_version: "1.2", tls_1_3: "on", ssl: "strict" });
  });

  it("leaves Bot Fight Mode off unless configured", () => {
    expect(resources(json, "cloudflare_bot_management")).toEqual({});
    const { json: on } = synth(withCloudflare({ botFightMode: true }));
    expect(only(resources(on, "cloudflare_bot_management"))).toMatchObject({ fight_mode: true });
  });

  it("bypasses the CDN cache for Plex's hostname only", () => {
    expect(only(resources(json, "cloudflare_ruleset"))).toMatchObject({
      kind: "zone",
      phase: "http_request_cache_settings",
      rules: [{ action: "set_cache_settings", action_parameters: { cache: false }, expression: '(http.host in {"plex.example.com"})' }],
    });
  });
});

describe("validation of the Zero Trust settings", () => {
  it.each([
    [
      "team name",
      withCloudflare({ teamName: "My Team" }),
      /\[servarr\/account\] cloudflare.teamName: "My Team" is not allowed; allowed: the Zero Trust team name/,
    ],
    [
      "bucket name",
      withCloudflare({ backupBucket: { name: "Backups!" } }),
      /cloudflare.backupBucket.name: "Backups!" is not allowed; allowed: an R2 bucket name/,
    ],
    [
      "bucket location",
      withCloudflare({ backupBucket: { name: "b-1", location: "mars" as "weur" } }),
      /cloudflare.backupBucket.location: "mars" is not allowed; allowed: one of apac, eeur, enam, weur, wnam, oc/,
    ],
    [
      "missing CI token",
      withHost({ serviceTokens: { "uptime-monitor": {} } }),
      /serviceTokens: \["uptime-monitor"\] is not allowed; allowed: a record that declares "ci-deploy"/,
    ],
    [
      "secret version",
      withHost({ serviceTokens: { ...exampleConfig.host.serviceTokens, "ci-deploy": { clientSecretVersion: 0 } } }),
      /serviceTokens.ci-deploy.clientSecretVersion: 0 is not allowed; allowed: an integer from 1/,
    ],
    [
      "token name",
      withHost({ serviceTokens: { ...exampleConfig.host.serviceTokens, "Bad Name": {} } }),
      /serviceTokens.Bad Name: "Bad Name" is not allowed/,
    ],
    ["ssh target", withHost({ ssh: { target: "host docker:22" } }), /ssh.target: "host docker:22" is not allowed; allowed: host:port/],
    [
      "unknown service token on an app",
      plus(
        (h) =>
          new ServarrApp(h, "jellyfin", {
            image: "x/jellyfin:1.0",
            port: 8096,
            uid: 13100,
            exposure: Exposure.private({ serviceTokens: ["robot"] }),
          }),
      ),
      /\[servarr\/servarr\/jellyfin\] exposure.serviceTokens\[0\]: "robot" is not allowed; allowed: a service token declared in the host's serviceTokens: ci-deploy, uptime-monitor/,
    ],
    [
      "an app on the SSH hostname",
      plus(
        (h) =>
          new ServarrApp(h, "jellyfin", {
            image: "x/jellyfin:1.0",
            port: 8096,
            uid: 13100,
            exposure: Exposure.private({ subdomain: "ssh" }),
          }),
      ),
      /\[servarr\/servarr\/ssh\] jellyfin.hostname: "ssh.example.com" is not allowed; allowed: a hostname other than the host's SSH hostname/,
    ],
  ])("rejects a bad %s", (_, config, message) => expect(() => synth(config)).toThrow(message));
});
