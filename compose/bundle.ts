import { Delivery } from "../constructs/delivery";
import type { Host } from "../constructs/host";
import { renderDeployScript } from "./deploy-script";
import { renderNetworksMarkdown } from "./diagram";
import { renderHostScripts } from "./host-scripts";
import { composeProject } from "./project";
import { generatedMarker, renderYaml } from "./render";
import { renderRestoreScript } from "./restore-script";

/** Every file of a host's bundle (`compose/<host>/`), keyed by file name. */
export function renderBundle(host: Host): ReadonlyMap<string, string> {
  const files = new Map([
    ["compose.yaml", renderYaml(composeProject(host))],
    [".env.example", renderEnvExample(host)],
    ["networks.md", renderNetworksMarkdown(host)],
    ...renderHostScripts(host),
    ...host.supportServices().flatMap((s) => [...(s.files ?? [])]),
  ]);
  const restore = renderRestoreScript(host);
  if (restore) files.set("restore.sh", restore);
  const delivery = Delivery.of(host);
  if (delivery)
    files.set(
      "deploy.sh",
      renderDeployScript({
        project: host.name,
        healthTimeoutSeconds: delivery.healthTimeoutSeconds,
        ...(host.recovery.notify ? { notify: host.recovery.notify.kind } : {}),
      }),
    );
  return files;
}

const SOURCE: Record<string, string> = {
  terraform: "computed by Terraform; the deploy writes it",
  variable: "a sensitive Terraform variable you set once; the deploy writes it",
};

/**
 * The variables compose.yaml references, one per host secret, each with where its value comes
 * from. Derived from the host's one list of secrets, so it cannot drift from compose.yaml.
 * On the host, the deploy writes the real `.env` (mode 0600); this file only names them.
 */
export function renderEnvExample(host: Host): string {
  const lines = [
    generatedMarker("#"),
    "# Variables compose.yaml needs. The deploy writes the real .env (mode 0600) from GitHub secrets;",
    "# for a manual start copy this file to .env and fill in every value.",
  ];
  for (const secret of host.secrets.for("host")) {
    lines.push("", `# ${secret.description}`, `# Source: ${SOURCE[secret.source] ?? secret.source}.`, `${secret.name}=`);
  }
  return `${lines.join("\n")}\n`;
}
