import type { Host } from "../constructs/host";
import { renderHostScripts } from "./host-scripts";
import { renderYaml } from "./render";

/** Every file of a host's bundle (`compose/<host>/`), keyed by file name. */
export function renderBundle(host: Host): ReadonlyMap<string, string> {
  return new Map([["compose.yaml", renderYaml(host.composeProject())], ...renderHostScripts(host)]);
}
