import { describe, expect, it } from "vitest";
import { account, b64, envText, gateFilter, TUNNEL, validValues } from "./gate-harness";

/**
 * cloudflared reads the token with Go's encoding/json into connection.TunnelToken {a, s, t, e}
 * (cloudflare/cloudflared@2026.8.2 cmd/cloudflared/tunnel/subcommands.go ParseToken,
 * connection/connection.go): keys match case-insensitively (Unicode folding too: "ſ" is "s"),
 * `\u0061` is "a", the last of equal keys wins, unknown keys are ignored. Go is not installed
 * here, so cloudflared's decoder cannot run; `goReads` is what that decoder reads per those rules
 * (as the author reproduced with cloudflared's struct). The gate writes `canonical`.
 */
describe("deploy-gate.sh: the tunnel token is parsed as cloudflared parses it", () => {
  const other = "fedcba9876543210fedcba9876543210";
  const attackerTunnel = "99999999-8888-4777-8666-555555555555";
  const secret = b64("0123456789abcdef0123456789abcdef");
  const canonical = b64(`{"a":"${account}","t":"${TUNNEL}","s":"${secret}"}`);
  const withToken = (token: string) => `${envText({ ...validValues(), TUNNEL_TOKEN: token })}\n`;
  const TOKENS: Array<{ name: string; json: string; goReads?: { a: string; t: string }; why: RegExp }> = [
    {
      name: "upper-case duplicates after the real keys (Go: case-insensitive, last wins)",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}","A":"${other}","T":"${attackerTunnel}"}`,
      goReads: { a: other, t: attackerTunnel },
      why: /its keys are A T a s t; allowed: a, t and s, each exactly once/,
    },
    {
      name: "escaped duplicates (Go: \\u0061 is a, last wins)",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}","\\u0061":"${other}","\\u0074":"${attackerTunnel}"}`,
      goReads: { a: other, t: attackerTunnel },
      why: /backslash/,
    },
    {
      name: "an escaped key alone",
      json: `{"\\u0061":"${account}","t":"${TUNNEL}","s":"${secret}"}`,
      why: /backslash/,
    },
    {
      name: "a plain duplicate",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}","t":"${attackerTunnel}"}`,
      goReads: { a: account, t: attackerTunnel },
      why: /its keys are a s t t/,
    },
    {
      name: "a key Go folds to s (U+017F)",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}","\u017f":"QUFBQQ=="}`,
      why: /printable ASCII/,
    },
    {
      name: "an unknown key (e: the edge endpoint)",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}","e":"fed"}`,
      why: /its keys are a e s t/,
    },
    { name: "a missing key", json: `{"a":"${account}","t":"${TUNNEL}"}`, why: /its keys are a t;/ },
    {
      name: "a nested value",
      json: `{"a":"${account}","t":"${TUNNEL}","s":{"a":"${other}"}}`,
      why: /not one JSON object of string values/,
    },
    { name: "a number", json: `{"a":"${account}","t":"${TUNNEL}","s":7}`, why: /not one JSON object of string values/ },
    { name: "two JSON values", json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}"}{"a":"${other}"}`, why: /its keys are a a s t/ },
    {
      name: "a trailing value",
      json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}"} []`,
      why: /not one JSON object of string values/,
    },
    { name: "an array", json: `["${account}","${TUNNEL}","${secret}"]`, why: /not one JSON object of string values/ },
    { name: "a NUL byte", json: `{"a":"${account}","t":"${TUNNEL}","s":"${secret}"}\u0000`, why: /printable ASCII/ },
    { name: "not JSON", json: `{"a":"${account}",`, why: /not one JSON object of string values/ },
    { name: "an upper-case account tag", json: `{"a":"${account.toUpperCase()}","t":"${TUNNEL}","s":"${secret}"}`, why: /no account tag/ },
    { name: "a braced tunnel id (uuid.Parse reads it)", json: `{"a":"${account}","t":"{${TUNNEL}}","s":"${secret}"}`, why: /no tunnel id/ },
  ];

  it.each(TOKENS.map((t) => [t.name, t] as const))("refuses %s", (_, token) => {
    if (token.goReads) expect(token.goReads.a === account && token.goReads.t === TUNNEL, "cloudflared would read other ids").toBe(false);
    const res = gateFilter(withToken(b64(token.json)), TUNNEL);
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/TUNNEL_TOKEN refused: /);
    expect(res.stderr).toMatch(token.why);
    expect(res.stderr).not.toContain(secret);
    expect(res.written).toBeUndefined();
  });

  it("the control: the canonical token passes and is written as it came", () => {
    const res = gateFilter(withToken(canonical), TUNNEL);
    expect(res.status, res.stderr).toBe(0);
    expect(res.written).toContain(`TUNNEL_TOKEN='${canonical}'\n`);
    expect(res.tunnelId).toBe(TUNNEL);
  });

  it("an equivalent token (spaces, another key order, no padding) is written re-encoded canonically", () => {
    const loose = b64(` { "s" : "${secret}", "t":"${TUNNEL}" ,"a":"${account}" } `).replace(/=+$/, "");
    const res = gateFilter(withToken(loose), TUNNEL);
    expect(res.status, res.stderr).toBe(0);
    expect(res.written).toContain(`TUNNEL_TOKEN='${canonical}'\n`);
    expect(res.written).not.toContain(loose);
  });
});
