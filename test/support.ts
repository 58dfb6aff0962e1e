import { Testing } from "cdktf";
import type { Host } from "../constructs/host/host";
import type { TerraformJson } from "../delivery/stacks";
import type { ServarrConfig } from "../stacks/config";
import { ServarrStack } from "../stacks/servarr-stack";
import { FIXTURES } from "./fixtures";

/**
 * The "full" fixture (every preset of the original example): what tests of the tool pin exact
 * names and counts on. Never the user's servarr.config.ts, which may hold anything.
 */
export const exampleConfig: ServarrConfig = FIXTURES.full as ServarrConfig;

/** The full fixture with other apps and/or host settings. */
export function withApps(apps: (host: Host) => void, base: ServarrConfig = exampleConfig): ServarrConfig {
  return { ...base, apps };
}

/** The example config plus whatever `extra` declares. */
export function plus(extra: (host: Host) => void, base: ServarrConfig = exampleConfig): ServarrConfig {
  return {
    ...base,
    apps: (host) => {
      base.apps(host);
      extra(host);
    },
  };
}

/** The example config with other host settings (shallow: a field given replaces the example's). */
export function withHost(host: Partial<ServarrConfig["host"]>, base: ServarrConfig = exampleConfig): ServarrConfig {
  return { ...base, host: { ...base.host, ...host } };
}

/** The example config with other Cloudflare settings. */
export function withCloudflare(cf: Partial<ServarrConfig["host"]["cloudflare"]>, base: ServarrConfig = exampleConfig): ServarrConfig {
  return withHost({ cloudflare: { ...base.host.cloudflare, ...cf } }, base);
}

/** The one value of a record (a resource type the config has exactly once). */
export function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  if (values.length !== 1) throw new Error(`expected one, found ${values.length}`);
  return values[0] as T;
}

export interface Synthesized {
  readonly stack: ServarrStack;
  readonly host: Host;
  readonly json: TerraformJson;
}

/** Synthesizes the servarr stack with validations on, as `npm run synth` does. */
export function synth(config: ServarrConfig = exampleConfig): Synthesized {
  const app = Testing.app();
  const stack = new ServarrStack(app, "servarr", config);
  const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  return { stack, host: stack.host, json };
}

export type Resource = Record<string, unknown>;

/** Resources of one type, keyed by their Terraform name. */
export function resources(json: TerraformJson, type: string): Record<string, Resource> {
  return (json.resource?.[type] ?? {}) as Record<string, Resource>;
}

/** Every resource as "type.name", for set comparisons. */
export function addresses(json: TerraformJson): string[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
}

export interface Ingress {
  readonly hostname?: string;
  readonly path?: string;
  readonly service: string;
}

export function ingressRules(json: TerraformJson): Ingress[] {
  const configs = Object.values(resources(json, "cloudflare_zero_trust_tunnel_cloudflared_config"));
  if (configs.length !== 1) throw new Error(`expected one tunnel config, found ${configs.length}`);
  return (configs[0] as { config: { ingress: Ingress[] } }).config.ingress;
}
