import { describe, expect, it } from "vitest";
import { NOTIFY_SECRET } from "../../../constructs/config/recovery";
import { DEPLOY_SECRETS } from "../../../constructs/github/deploy-secrets";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import { plus, synth } from "../../support";

describe("host secrets: one list, values only in Terraform", () => {
  const { host, json, stack } = synth();
  const account = stack.account;

  it("lists every secret an app (or the notification channel) reads, once, sorted: the host's .env holds exactly those", () => {
    const required = new Set([
      ...host.apps.flatMap((a) => [...Object.keys(a.props.secretEnv ?? {}), ...(a.apiKeySecret ? [a.apiKeySecret] : [])]),
      ...(host.recovery.notify ? [NOTIFY_SECRET] : []),
    ]);
    expect(host.secrets.for("host").map((s) => s.name)).toEqual([...required].sort());
  });

  it("keeps the machine identities' Access tokens and the deploy's SSH material for CI only (never in the host's .env)", () => {
    expect(host.secrets.for("ci").map((s) => s.name)).toEqual(Object.keys(DEPLOY_SECRETS).sort());
    // The CI deploy's Access token is the account's: one for every host (constructs/cloudflare/account.ts).
    // The uptime monitor's token goes into the uptime checks only: no workflow reads it, so GitHub never holds it.
    expect(account.secrets.for("ci").map((s) => s.name)).toEqual(["CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET"]);
    expect(account.secrets.for("host")).toEqual([]);
  });

  it("takes the tunnel token from Terraform, not from a person", () => {
    const token = host.secrets.get("TUNNEL_TOKEN");
    expect(token?.source).toBe("terraform");
    expect(Object.keys(json.data?.cloudflare_zero_trust_tunnel_cloudflared_token ?? {})).toHaveLength(1);
  });

  it("makes every other secret a sensitive, non-nullable Terraform variable", () => {
    const variables = json.variable as Record<string, { sensitive?: boolean; nullable?: boolean }>;
    const fromVariables = host.secrets.all.filter((s) => s.source === "variable");
    expect(fromVariables.length).toBeGreaterThan(0);
    for (const secret of fromVariables)
      expect(variables[secret.name.toLowerCase()], secret.name).toMatchObject({ sensitive: true, nullable: false, type: "string" });
  });

  it("shares one variable between apps that read the same secret", () => {
    const twice = synth(
      plus(
        (h) =>
          new ServarrApp(h, "backup2", {
            image: "restic/restic:0.17.3",
            identity: "image",
            secretEnv: { KOPIA_PASSWORD: "again" },
            reasons: { "secret-environment": "reads it from its environment only" },
          }),
      ),
    );
    expect(twice.host.secrets.all.filter((s) => s.name === "KOPIA_PASSWORD")).toHaveLength(1);
  });
});
