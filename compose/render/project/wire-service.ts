import { readFileSync } from "node:fs";
import path from "node:path";
import { BUNDLE_ROOT, WIRE_DIR as WIRE_SOURCES_DIR } from "../../../constructs/config/layout";
import { secretFileName } from "../../../constructs/config/secrets";
import { API_FACTS, keysJobName, WIRE_JOB } from "../../../constructs/model/app-api";
import type { AppModel, HostModel } from "../../../constructs/model/host-model";
import { SUPPORT_IMAGES } from "../../../constructs/model/images";
import type { NetworkPlan } from "../../../constructs/model/network-plan";
import { describeMonitoring } from "../../../constructs/wiring/monitoring";
import { describeRelation, wiringPlan } from "../../../constructs/wiring/plan";
import { generatedFrom, generatedMarker } from "../render";
import { repositorySourceDir } from "../source-dir";
import type { ComposeService } from "./compose-spec";

/** The wire job's runtime, copied from the repository's wire/ into the bundle's wire/ (Node runs the TypeScript, types stripped). */
export const WIRE_SOURCES = [
  "main.ts",
  "run.ts",
  "context.ts",
  "http.ts",
  "state.ts",
  "arr.ts",
  "others.ts",
  "plan.ts",
  "seed.ts",
  "config-files.ts",
  "kuma/converge.ts",
  "kuma/parts.ts",
  "kuma/socketio.ts",
] as const;

/** Where the job keeps what it wrote (fingerprints of secrets it set), on the host. */
export const wireStateDir = (host: HostModel) => `${host.configRoot}/.${WIRE_JOB}`;

const NODE = ["node", "--disable-warning=ExperimentalWarning"];
const WIRE_DIR = "/wire";

const WIRE_SOURCE_DIR = repositorySourceDir(path.join(BUNDLE_ROOT, WIRE_SOURCES_DIR), "main.ts");

function wireSource(name: string): string {
  if (WIRE_SOURCE_DIR === undefined) throw new Error(`wire/${name}: compose/wire/ of the repository was not found`);
  return readFileSync(path.join(WIRE_SOURCE_DIR, name), "utf8");
}

const hardening = (memory: string, pids: number) => ({
  security_opt: ["no-new-privileges:true"],
  cap_drop: ["ALL"],
  mem_limit: memory,
  pids_limit: pids,
});

/** Apps whose key the `<app>-keys` job writes into their config file before they start (constructs/app-api.ts). */
export function seededApps(host: HostModel): AppModel[] {
  return host.apps.filter(
    (a) => a.props.api !== undefined && API_FACTS[a.props.api].key === "seeded" && a.configDir && a.props.configPath && a.apiKeySecret,
  );
}

/** Hostnames an app is reached by (SABnzbd's host_whitelist): its service, the VPN gateway it lives behind, its public names. */
function reachedAs(app: AppModel): string[] {
  const gateway = app.vpn ? app.host.appWithRole("vpn-gateway")?.name : undefined;
  return [app.name, ...(gateway ? [gateway] : []), ...app.routes.map((r) => r.hostname)];
}

/**
 * The `<app>-keys` jobs: each runs once per `up`, with only the app's config dir and its key (a
 * secret file), no network, and writes the key where the app reads it, owned by the dir's owner
 * (the app's user); the app starts after it succeeded.
 */
export function keysJobs(host: HostModel): Record<string, ComposeService> {
  return Object.fromEntries(
    seededApps(host).map((app) => {
      const secret = secretFileName(app.apiKeySecret as string);
      return [
        keysJobName(app.name),
        {
          image: SUPPORT_IMAGES.node,
          // Root, to write into the app's config dir and give what it writes to the dir's owner (the
          // app's uid): a `user:` the image's passwd does not list makes the engine refuse the secret.
          cap_add: ["CHOWN", "DAC_OVERRIDE"],
          network_mode: "none",
          command: [...NODE, `${WIRE_DIR}/seed.ts`, app.props.api as string, "/config", `/run/secrets/${secret}`, reachedAs(app).join(",")],
          environment: { TZ: host.timezone },
          secrets: [{ source: secret, uid: "0", gid: "0", mode: 0o400 }],
          volumes: [`${app.configDir}:/config`, `./${WIRE_JOB}:${WIRE_DIR}:ro`],
          ...hardening("128m", 32),
        } satisfies ComposeService,
      ];
    }),
  );
}

/**
 * The wire job: after every app it configures is healthy (started, for an app without a
 * healthcheck), it reads wire/plan.json and converges each relation (wire/run.ts). deploy.sh runs
 * it after `up --wait` (`run --rm`, its profile) and fails, and notifies, when it exits non-zero.
 */
export function wireJob(host: HostModel, plan: NetworkPlan): ComposeService | undefined {
  const wiring = wiringPlan(host);
  if (wiring.apps.length === 0) return undefined;
  const notify = wiring.monitoring?.notify?.secret;
  const secrets = [
    ...wiring.apps.flatMap((a) => (a.secret ? [secretFileName(a.secret)] : [])),
    ...(notify ? [secretFileName(notify)] : []),
  ];
  return {
    image: SUPPORT_IMAGES.node,
    // Not started by `up` (nor at boot): deploy.sh runs it once the apps are healthy and fails when it fails.
    profiles: [WIRE_JOB],
    networks: plan.networksOf(WIRE_JOB),
    depends_on: Object.fromEntries(
      wiring.apps.map((a) => [
        a.name,
        { condition: host.app(a.name)?.healthProbe ? ("service_healthy" as const) : ("service_started" as const) },
      ]),
    ),
    command: [...NODE, `${WIRE_DIR}/main.ts`, `${WIRE_DIR}/plan.json`],
    environment: { TZ: host.timezone, WIRE_STATE: "/state" },
    secrets: secrets.map((source) => ({ source, uid: "0", gid: "0", mode: 0o400 })),
    volumes: [`./${WIRE_JOB}:${WIRE_DIR}:ro`, `${wireStateDir(host)}:/state`],
    ...hardening("128m", 32),
  };
}

/** The bundle's wire/ folder: the plan (JSON with its marker as the first key) and the runtime sources. */
export function renderWireFiles(host: HostModel): ReadonlyMap<string, string> {
  const wiring = wiringPlan(host);
  if (wiring.apps.length === 0 && seededApps(host).length === 0) return new Map();
  const body = JSON.stringify(
    {
      relationsAsText: wiring.relations.map(describeRelation),
      ...(wiring.monitoring ? { monitoringAsText: describeMonitoring(wiring.monitoring) } : {}),
      ...wiring,
    },
    null,
    2,
  );
  // The marker as the first key, on the first line: JSON has no comments (stacks/generated-files.ts).
  const plan = `{"//": ${JSON.stringify(generatedMarker(""))},\n${body.slice(2)}\n`;
  return new Map([
    [`${WIRE_JOB}/plan.json`, plan],
    ...WIRE_SOURCES.map((name) => [`${WIRE_JOB}/${name}`, `${generatedFrom("//", `wire/${name}`)}\n${wireSource(name)}`] as const),
  ]);
}
