import { bundleDirOnHost, gateDirOnHost } from "../../constructs/config/layout";
import { Delivery } from "../../constructs/github/delivery";
import type { Host } from "../../constructs/host/host";
import { hasWireJob, WIRE_JOB } from "../../constructs/model/app-api";
import type { HostModel } from "../../constructs/model/host-model";
import { hostNetworkPlan } from "../../constructs/runtime/network";
import { deployGateData } from "./host/deploy-gate";
import { type DeployScriptOptions, deployScriptData, deployStateDir, renderNotifyScript } from "./host/deploy-script";
import { renderFirstBoot } from "./host/first-boot";
import { renderFirewall } from "./host/host-scripts";
import { restoreData } from "./host/restore-script";
import { renderSetupFiles, setupData } from "./host/setup-files";
import { portForwardHook } from "./project/port-forward-hook";
import { composeProject } from "./project/project";
import { supportServices } from "./project/support-services";
import { renderWireFiles } from "./project/wire-service";
import { generatedMarker, renderYaml } from "./render";
import { bundledScript, renderBundleEnv, type ShellVar } from "./shell";

/**
 * Every file of a host's bundle (`compose/<host>/`), keyed by path in it: compose.yaml and its
 * companions, the host's scripts (compose/scripts/, verbatim) with the data they read (bundle.env, etc/,
 * firewall.nft, notify.sh), all rendered from the model.
 */
export function renderBundle(host: Host): ReadonlyMap<string, string> {
  const delivery = Delivery.of(host);
  const deploy: DeployScriptOptions | undefined = delivery && {
    healthTimeoutSeconds: delivery.healthTimeoutSeconds,
    ...(host.recovery.notify ? { notify: host.recovery.notify.kind } : {}),
    ...(hasWireJob(host.apps) ? { wireJob: WIRE_JOB } : {}),
  };
  const restore = restoreData(host);
  // One network plan for every file that reads it (compose.yaml, firewall.nft).
  const plan = hostNetworkPlan(host);
  const files = new Map([
    ["compose.yaml", renderYaml(composeProject(host, plan))],
    [".env.example", renderEnvExample(host)],
    [
      "bundle.env",
      renderBundleEnv([
        { title: "every script", vars: commonData(host) },
        { title: "deploy-gate.sh", vars: deployGateData(host) },
        { title: "deploy.sh", vars: deploy ? deployScriptData(deploy) : [] },
        { title: "setup.sh", vars: setupData(host) },
        { title: "restore.sh", vars: restore ?? [] },
      ]),
    ],
    ["setup.sh", bundledScript("setup.sh")],
    ["setup-lib.sh", bundledScript("setup-lib.sh")],
    ...renderSetupFiles(host),
    ["firewall.nft", renderFirewall(host, plan)],
    ["deploy-gate.sh", bundledScript("deploy-gate.sh")],
    ["first-boot.sh", renderFirstBoot(host)],
    ...supportServices(host).flatMap((s) => [...(s.files ?? [])]),
    ...renderWireFiles(host),
    ...(portForwardHook(host)?.files ?? []),
  ]);
  if (restore) files.set("restore.sh", bundledScript("restore.sh"));
  if (deploy) {
    files.set("deploy.sh", bundledScript("deploy.sh"));
    files.set("notify.sh", renderNotifyScript(deploy));
  }
  return files;
}

/** What every script of the bundle may read: the project, where it lives on the host, the deploy facts. */
function commonData(host: HostModel): ShellVar[] {
  const m = host.machine;
  return [
    { name: "project", doc: "the compose project (the host's name)", value: host.name },
    { name: "checkout", doc: "the host's root-owned checkout of the repository", value: m.checkoutDir },
    { name: "bundle", doc: "this bundle in the checkout", value: bundleDirOnHost(host) },
    {
      name: "gate_dir",
      doc: "where setup.sh installs deploy-gate.sh and this file, outside the checkout (what sudo runs)",
      value: gateDirOnHost(host),
    },
    { name: "branch", doc: "the branch the host deploys (a commit must be on it)", value: m.branch },
    { name: "deploy_user", doc: "the user CI logs in as; its forced command is deploy-gate.sh", value: m.deployUser },
    {
      name: "deploy_state_dir",
      doc: "the last good deployment, the deployed commit, history and lock (SERVARR_DEPLOY_STATE_DIR overrides)",
      value: deployStateDir(host.name),
    },
  ];
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
export function renderEnvExample(host: HostModel): string {
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
