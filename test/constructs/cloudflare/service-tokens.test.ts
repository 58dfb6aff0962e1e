import { describe, expect, it } from "vitest";
import { DEFAULT_TOKEN_DURATION, durationHours } from "../../../constructs/cloudflare/service-tokens";
import type { ServiceTokenOptions } from "../../../constructs/config/options";
import type { ServarrConfig } from "../../../stacks/config";
import { exampleConfig, resources, synth } from "../../support";

const withToken = (options: ServiceTokenOptions): ServarrConfig => ({
  ...exampleConfig,
  host: { ...exampleConfig.host, serviceTokens: { ...exampleConfig.host.serviceTokens, "ci-deploy": options } },
});
const ciToken = (config: ServarrConfig) =>
  Object.values(resources(synth(config).json, "cloudflare_zero_trust_access_service_token")).find((t) => t.name === "servarr ci-deploy");

describe("service tokens under the provider's validators", () => {
  it("version 1 leaves both rotation attributes to the provider (client_secret_version AlsoRequires the expiry)", () => {
    const token = ciToken(withToken({ clientSecretVersion: 1 }));
    expect(token).not.toHaveProperty("client_secret_version");
    expect(token).not.toHaveProperty("previous_client_secret_expires_at");
    expect(token?.duration).toBe(DEFAULT_TOKEN_DURATION);
  });

  it("a rotation sets the version and the previous secret's expiry together", () => {
    expect(ciToken(withToken({ clientSecretVersion: 3, previousClientSecretExpiresAt: "2027-02-01T00:00:00Z" }))).toMatchObject({
      client_secret_version: 3,
      previous_client_secret_expires_at: "2027-02-01T00:00:00Z",
    });
  });

  it("refuses a rotation without an expiry, naming the field", () => {
    expect(() => synth(withToken({ clientSecretVersion: 2 }))).toThrow(
      /ci-deploy\] serviceTokens\.ci-deploy\.previousClientSecretExpiresAt: \(unset\) is not allowed; allowed: an RFC 3339 time when clientSecretVersion is 2/,
    );
  });

  it("refuses an expiry before the first rotation", () => {
    expect(() => synth(withToken({ previousClientSecretExpiresAt: "2027-02-01T00:00:00Z" }))).toThrow(
      /previousClientSecretExpiresAt: "2027-02-01T00:00:00Z" is not allowed; allowed: unset while clientSecretVersion is 1/,
    );
  });

  it("takes a duration in hours, minutes and seconds and refuses days", () => {
    expect(ciToken(withToken({ duration: "2160h" }))?.duration).toBe("2160h");
    expect(() => synth(withToken({ duration: "90d" }))).toThrow(/serviceTokens\.ci-deploy\.duration: "90d" is not allowed/);
    expect([durationHours("8760h"), durationHours("1h30m"), durationHours("")]).toEqual([8760, 1.5, Number.NaN]);
  });

  it("exposes each token's expiry as a plain output", () => {
    const { json } = synth();
    expect(json.output?.service_token_ci_deploy_expires_at).toMatchObject({ value: expect.stringMatching(/\.expires_at\}$/) });
    expect(json.output?.service_token_ci_deploy_expires_at).not.toHaveProperty("sensitive");
  });
});
