// biome-ignore-all lint/suspicious/noExplicitAny: the tests edit untyped synthesized JSON to break it on purpose
import { describe, expect, it } from "vitest";
import { ServarrApp } from "../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../constructs/model/app-props";
import { Exposure } from "../../constructs/model/exposure";
import type { TerraformJson } from "../../delivery/stacks";
import { FIXTURES } from "../fixtures";
import { plus, synth } from "../support";
import { monitorTokenOpensHealthRoutesOnly } from "./health-route-invariants";

const MONITOR = "uptime-monitor";
const configs = Object.entries(FIXTURES);

describe.each(configs)("invariant: the monitor token opens health routes only (%s)", (_, config) => {
  it("holds", () => {
    const { json } = synth(config);
    expect(monitorTokenOpensHealthRoutesOnly(json, { namePrefix: config.name, token: MONITOR })).toEqual([]);
  });
});

describe("invariant: the monitor token opens health routes only, on broken copies of fixture 'full'", () => {
  const { json } = synth(FIXTURES.full);
  const prefix = FIXTURES.full.name;
  const apps = (tf: any) => Object.values(tf.resource.cloudflare_zero_trust_access_application) as any[];
  const policies = (tf: any) => tf.resource.cloudflare_zero_trust_access_policy;
  const monitorPolicy = (tf: any) =>
    `\${cloudflare_zero_trust_access_policy.${Object.keys(policies(tf)).find((k) => policies(tf)[k].name === `${prefix} machine ${MONITOR}`)}.id}`;
  const healthApp = (tf: any) => apps(tf).find((a) => a.destinations[0].uri.includes("/") && a.policies[0].id === monitorPolicy(tf));
  const mainApp = (tf: any) => apps(tf).find((a) => a.destinations[0].uri === healthApp(tf).destinations[0].uri.split("/")[0]);
  const privateCheck = (tf: any) =>
    (Object.values(tf.resource.google_monitoring_uptime_check_config) as any[]).find((c) => c.http_check.headers);
  const check = (tf: TerraformJson) => monitorTokenOpensHealthRoutesOnly(tf, { namePrefix: prefix, token: MONITOR });

  it("the fixture has health routes to break, and holds unbroken", () => {
    expect(healthApp(json)).toBeDefined();
    expect(mainApp(json)).toBeDefined();
    expect(check(json)).toEqual([]);
  });

  it.each([
    [
      "the monitor admitted on an app's main Access application",
      (tf: any) => mainApp(tf).policies.unshift({ id: monitorPolicy(tf), precedence: 0 }),
    ],
    [
      "a health route widened to the whole hostname",
      (tf: any) => (healthApp(tf).destinations[0].uri = healthApp(tf).destinations[0].uri.split("/")[0]),
    ],
    [
      "a health route scoped to /",
      (tf: any) => (healthApp(tf).destinations[0].uri = `${healthApp(tf).destinations[0].uri.split("/")[0]}/`),
    ],
    ["a health route with a wildcard", (tf: any) => (healthApp(tf).destinations[0].uri += "*")],
    [
      "a health route on a path no check probes",
      (tf: any) => (healthApp(tf).destinations[0].uri = `${healthApp(tf).destinations[0].uri.split("/")[0]}/api`),
    ],
    [
      "the owners policy admitting any valid service token",
      (tf: any) =>
        (Object.values(policies(tf)) as any[]).find((p) => p.name === `${prefix} owners`).include.push({ any_valid_service_token: {} }),
    ],
    ["an uptime check probing a path no health route opens", (tf: any) => (privateCheck(tf).http_check.path = "/admin")],
    [
      "an uptime check presenting the CI token",
      (tf: any) =>
        (privateCheck(tf).http_check.headers["CF-Access-Client-Id"] = "${cloudflare_zero_trust_access_service_token.ci.client_id}"),
    ],
  ])("fails on %s", (_, edit) => {
    const tf = structuredClone(json);
    edit(tf);
    const problems = check(tf);
    if (process.env.SHOW_VIOLATIONS) console.log(problems);
    expect(problems).not.toEqual([]);
  });
});

describe("health routes of private apps", () => {
  const uris = (json: TerraformJson) =>
    (Object.values(json.resource?.cloudflare_zero_trust_access_application ?? {}) as any[]).map((a) => a.destinations[0].uri);
  const jellyfin = (props: Partial<ServarrAppProps>) =>
    plus((host) => new ServarrApp(host, "jellyfin", { image: "jellyfin/jellyfin:10.11.3", port: 8096, uid: 13100, ...props }));

  it.each([
    ["a health path", { healthPath: "/health", exposure: Exposure.private() }, ["jellyfin.example.com", "jellyfin.example.com/health"]],
    ["the health path /", { healthPath: "/", exposure: Exposure.private() }, ["jellyfin.example.com"]],
    ["no health path", { exposure: Exposure.private() }, ["jellyfin.example.com"]],
  ])("an app with %s gets Access applications on exactly its hostname and health route", (_, props, expected) => {
    const config = jellyfin(props as Partial<ServarrAppProps>);
    const { json } = synth(config);
    expect(
      uris(json)
        .filter((u) => u.startsWith("jellyfin."))
        .sort(),
    ).toEqual(expected);
    expect(monitorTokenOpensHealthRoutesOnly(json, { namePrefix: config.name, token: MONITOR })).toEqual([]);
  });
});
