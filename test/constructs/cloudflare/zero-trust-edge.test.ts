import { Token } from "cdktf";
import { describe, expect, it } from "vitest";
import { composeProject } from "../../../compose/render/project/project";
import { googleOAuthClientSettings } from "../../../constructs/cloudflare/google-idp";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { Exposure } from "../../../constructs/model/exposure";
import { healthRoutePath } from "../../../constructs/model/health";
import { exampleConfig, only, plus, type Resource, resources, synth, withCloudflare, withHost } from "../../support";

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
