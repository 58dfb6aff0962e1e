import { chownSync, mkdirSync, readFileSync } from "node:fs";
import { hostDirs } from "../../compose/render/host/host-scripts";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { secretFileName } from "../../constructs/config/secrets";
import type { Host } from "../../constructs/host/host";
import type { WiringPlan } from "../../constructs/wiring/plan";
import type { FakeWorld } from "./fake-app";
import type { Plan } from "./plan";

/** The bundle's wire/plan.json, as synth wrote it (the file the wire job reads). */
export function readWiringPlan(file: string): WiringPlan {
  return JSON.parse(readFileSync(file, "utf8")) as WiringPlan;
}

/** The apps the wire job configures, each with the port its API answers on (the plan's URL). */
export function fakedApps(wiring: WiringPlan): Map<string, number> {
  return new Map(wiring.apps.map((a) => [a.name, Number(new URL(a.url).port)]));
}

/**
 * What the fakes are told (test/e2e/fake-app.ts): every app's API kind, the keys the deploy's
 * .env holds for the wired apps, and who listens where (the e2e plan's namespaces and ports).
 */
export function fakeWorld(
  host: Host,
  wiring: WiringPlan,
  generated: ComposeFile,
  plan: Pick<Plan, "positions" | "positionOf">,
  env: Readonly<Record<string, string>>,
  paths: readonly string[],
): FakeWorld {
  const keys: Record<string, string> = {};
  for (const app of wiring.apps) {
    const variable = app.secret ? generated.secrets?.[secretFileName(app.secret)]?.environment : undefined;
    const key = variable ? env[variable] : undefined;
    if (key === undefined) throw new Error(`${app.name}: no key for ${app.secret ?? "(no secret)"} in the e2e's .env`);
    keys[app.name] = key;
  }
  return {
    apis: Object.fromEntries(host.apps.flatMap((a) => (a.props.api ? [[a.name, a.props.api]] : []))),
    keys,
    namespaces: Object.fromEntries(plan.positionOf),
    listening: Object.fromEntries(
      [...plan.positions].map(([namespace, position]) => [
        namespace,
        Object.fromEntries([...position.ports].map(([port, app]) => [String(port), app])),
      ]),
    ),
    paths,
  };
}

/**
 * What setup.sh does before the first deploy, under the run's host root: every directory it owns
 * (the /data tree the root folders live in, each config dir), and each wired app's config dir
 * given to the user the app runs as (its `user:` or PUID), so what its keys job seeds is the app's.
 */
export function prepareHost(host: Host, generated: ComposeFile, wiring: WiringPlan, hostRoot: string): void {
  for (const dir of hostDirs(host)) mkdirSync(`${hostRoot}${dir.path}`, { recursive: true, mode: 0o777 });
  for (const app of wiring.apps) {
    const service = generated.services[app.name];
    const configDir = host.app(app.name)?.configDir;
    const [uid, gid] = service?.user?.split(":") ?? [service?.environment?.PUID, service?.environment?.PGID];
    if (configDir && uid !== undefined) chownSync(`${hostRoot}${configDir}`, Number(uid), Number(gid ?? uid));
  }
}
