import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envNextSteps } from "../../../stacks/setup/cli";
import { GUIDE_STEPS, step } from "../../../stacks/setup/guide";
import { makeDirs } from "../../../stacks/setup/paths";
import * as shape from "../../../stacks/setup/shapes";
import { synth } from "../../support";

/** Made-up values in each vendor's documented shape (never real credentials). */
const GITHUB_CLASSIC = `ghp_${"aB3dE".repeat(7)}x`;
const GITHUB_FINE = `github_pat_11ABCDEFG0${"x1Y2z3".repeat(12)}`;
const CLOUDFLARE_USER = `cfut_${"Ab1_-".repeat(8)}12345678`;
const CLOUDFLARE_LEGACY = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
const TFC = `abcdefghijklmn.atlasv1.${"q".repeat(60)}`;
const WG = Buffer.alloc(32, 9).toString("base64");
const SA = JSON.stringify({
  type: "service_account",
  project_id: "p-1",
  private_key: "-----BEGIN PRIVATE KEY-----\n…",
  client_email: "tf@p-1.iam.gserviceaccount.com",
});

describe("setup check: each secret by the shape its vendor documents", () => {
  it.each<[string, shape.Shape, string, RegExp | undefined]>([
    ["Cloudflare user API token (cfut_)", shape.cloudflareToken, CLOUDFLARE_USER, undefined],
    ["Cloudflare token created before the prefixes", shape.cloudflareToken, CLOUDFLARE_LEGACY, undefined],
    ["a GitHub token in the Cloudflare variable", shape.cloudflareToken, GITHUB_CLASSIC, /this looks like a GitHub token/],
    ["the Cloudflare Global API Key", shape.cloudflareToken, `cfk_${"a".repeat(40)}`, /Global API Key/],
    ["GitHub fine-grained token", shape.githubToken, GITHUB_FINE, undefined],
    ["GitHub classic token", shape.githubToken, GITHUB_CLASSIC, undefined],
    ["a GitHub App installation token (expires in an hour)", shape.githubToken, `ghs_${"a".repeat(36)}`, /expire within hours/],
    ["a Cloudflare token in the GitHub variable", shape.githubToken, CLOUDFLARE_USER, /this looks like a Cloudflare API token/],
    ["Terraform Cloud token", shape.terraformCloudToken, TFC, undefined],
    ["a GitHub token in a Terraform Cloud variable", shape.terraformCloudToken, GITHUB_FINE, /this looks like a GitHub token/],
    ["WireGuard key", shape.wireguardPrivateKey, WG, undefined],
    ["31 bytes of base64", shape.wireguardPrivateKey, Buffer.alloc(31, 9).toString("base64"), /32 bytes in base64/],
    ["44 characters that are not canonical base64", shape.wireguardPrivateKey, `${WG.slice(0, 42)}B=`, /32 bytes/],
    ["a service account key in the WireGuard variable", shape.wireguardPrivateKey, SA, /Google service account key/],
    ["WireGuard addresses", shape.wireguardAddresses, "10.64.0.2/32, fd7d:76ee:e68f:a993::2/128", undefined],
    ["an address without a prefix", shape.wireguardAddresses, "10.64.0.7", /address\/prefix/],
    ["a prefix too long for IPv4", shape.wireguardAddresses, "10.64.0.2/33", /address\/prefix/],
    ["ntfy topic URL", shape.notifyUrl("ntfy"), "https://user:pw@ntfy.example.net/servarr-x1", undefined],
    ["not a URL", shape.notifyUrl("ntfy"), "not a url", /expected a URL/],
    ["ntfy server without a topic", shape.notifyUrl("ntfy"), "https://ntfy.sh/", /ntfy topic URL/],
    ["Apprise API URL", shape.notifyUrl("apprise"), "http://apprise:8000/notify/servarr", undefined],
    ["Apprise without /notify/<key>", shape.notifyUrl("apprise"), "http://apprise:8000/", /\/notify\/<key>/],
    ["a URL of another scheme", shape.notifyUrl("ntfy"), "ftp://ntfy.example.net/topic", /http\(s\) URL/],
    ["password", shape.password, "correct horse battery staple", undefined],
    ["a one-letter password", shape.password, "x", /at least 16 characters/],
    ["a long password of few characters", shape.password, "aaaaaaaaaaaaaaaaaaaa", /8 different/],
    ["OAuth client id", shape.oauthClientId, "123456789012-abcdefghijklmnop.apps.googleusercontent.com", undefined],
    ["OAuth client secret", shape.oauthClientSecret, "GOCSPX-abcdefghijklmnopqrstuvwx", undefined],
    ["the client id in the secret's variable", shape.oauthClientSecret, "1-a.apps.googleusercontent.com", /Google OAuth client id/],
    ["service account key", shape.googleCredentials("p-1"), SA, undefined],
    ["a key of another project", shape.googleCredentials("p-2"), SA, /a key of project p-2 \(google\.projectId\), not p-1/],
    ["a GitHub token in the Google variable", shape.googleCredentials("p-1"), GITHUB_CLASSIC, /this looks like a GitHub token/],
  ])("%s", (_, check, value, problem) => {
    const found = check(value);
    if (problem === undefined) expect(found).toBeUndefined();
    else {
      expect(found).toMatch(problem);
      if (value.length > 8) expect(found).not.toContain(value);
    }
  });
});

describe("setup env: the closing hint is docs/setup.md's first start on the host", () => {
  it("the same command as the first-time setup's first start, for this host's checkout and bundle", () => {
    const { host } = synth();
    const guide = readFileSync(path.resolve(__dirname, "../../../docs/setup.md"), "utf8");
    const { firstStart, oneOffs } = GUIDE_STEPS;
    const section = guide.slice(guide.indexOf(`## ${firstStart.n}. ${firstStart.title}`), guide.indexOf(`## ${oneOffs.n}.`));
    const documented = /^sudo <checkoutDir>\/compose\/<name>\/deploy-gate\.sh .*$/m.exec(section)?.[0];
    expect(documented).toBeDefined();
    const hint = envNextSteps(host, `.servarr/${host.name}.env`);
    expect(hint.map((l) => l.trim())).toContain(
      documented?.replace("<checkoutDir>", host.machine.checkoutDir).replaceAll("<name>", host.name),
    );
    expect(hint.join("\n")).toContain(step("firstStart"));
    expect(hint.join("\n")).not.toMatch(/docker compose up/);
  });
});

describe("setup paths: a bounded mkdir -p", () => {
  it("under /proc it fails at once (Node's recursive mkdir would spin there forever)", () => {
    const started = Date.now();
    expect(() => makeDirs("/proc/servarr-nope/keys")).toThrow(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(1000);
  }, 5_000);
});
