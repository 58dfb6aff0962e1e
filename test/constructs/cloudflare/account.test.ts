import { describe, expect, it } from "vitest";
import { addresses, synth } from "../../support";

/**
 * The account and zone pieces moved out of the first host into constructs/cloudflare/account.ts. Users
 * have applied state with the addresses they had under the host `servarr`: these are the
 * addresses the full fixture synthesized before the move (main at 020138d), so a change here is
 * a destroy-and-create in someone's account unless a `moved` block comes with it.
 */
const APPLIED = [
  "cloudflare_ruleset.servarr_zone_cache-bypass_4EAD5303",
  "cloudflare_zero_trust_access_identity_provider.servarr_google_E9D0A3E4",
  "cloudflare_zero_trust_access_policy.servarr_access_owners_E1969879",
  "cloudflare_zero_trust_access_policy.servarr_access_token-ci-deploy_26A90598",
  "cloudflare_zero_trust_access_policy.servarr_access_token-uptime-monitor_31345965",
  "cloudflare_zero_trust_access_service_token.servarr_service-tokens_ci-deploy_token_0E83AF84",
  "cloudflare_zero_trust_access_service_token.servarr_service-tokens_uptime-monitor_token_308C93C0",
  "cloudflare_zone_dnssec.servarr_zone_dnssec_E79E8E66",
  "cloudflare_zone_setting.servarr_zone_always_use_https_F7FEC7DA",
  "cloudflare_zone_setting.servarr_zone_min_tls_version_EB9A7C15",
  "cloudflare_zone_setting.servarr_zone_ssl_C48C7B35",
  "cloudflare_zone_setting.servarr_zone_tls_1_3_96C25405",
];

describe("the account and zone, once per config", () => {
  const { stack, json } = synth();

  it("keeps the Terraform addresses its resources had under the first host", () => {
    expect(addresses(json)).toEqual(expect.arrayContaining(APPLIED));
  });

  it("lives in its own construct, not under a host, and every host references the same one", () => {
    expect(stack.account.node.path).toBe("servarr/account");
    for (const host of stack.hosts) expect(host.account).toBe(stack.account);
    expect(stack.host.node.tryFindChild("google")).toBeUndefined();
    expect(stack.host.access).toBe(stack.account.access);
  });
});
