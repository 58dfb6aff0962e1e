import { Delivery } from "../constructs/delivery";
import type { Host } from "../constructs/host";
import { renderDeployScript } from "./deploy-script";
import { renderHostScripts } from "./host-scripts";
import { renderYaml } from "./render";

/** Every file of a host's bundle (`compose/<host>/`), keyed by file name. */
export function renderBundle(host: Host): ReadonlyMap<string, string> {
  const files = new Map([["compose.yaml", renderYaml(host.composeProject())], ...renderHostScripts(host)]);
  const delivery = Delivery.of(host);
  if (delivery) files.set("deploy.sh", renderDeployScript({ project: host.name, healthTimeoutSeconds: delivery.healthTimeoutSeconds }));
  return files;
}
