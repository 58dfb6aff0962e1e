import { NOTIFY_SECRET, type Notify } from "../../../constructs/config/recovery";
import { generatedMarker } from "../render";
import type { ShellVar } from "../shell";
import { notifyFunction } from "./restarter-script";

export interface DeployScriptOptions {
  /** Seconds `docker compose up --wait` waits for every service to be healthy. */
  readonly healthTimeoutSeconds: number;
  /** Post the outcome to the host's notification channel (URL from the deployed .env). @default none */
  readonly notify?: Notify["kind"];
  /** The wire job's service (compose/wire-service.ts), run once the apps are healthy. @default none */
  readonly wireJob?: string;
}

/** Where deploy.sh keeps the last good files, the deployed commit, its history and its lock. */
export function deployStateDir(project: string): string {
  return `/var/lib/servarr/deploy/${project}`;
}

/**
 * The flags of the boot unit's compose invocation: the project, its directory, the compose file
 * and the env file, all named, so nothing is read from the working directory or from a
 * COMPOSE_* variable (deploy.sh and restore.sh name the same four in their `compose`).
 */
export function composeFlags(f: { project: string; projectDirectory: string; file: string; envFile: string }): string {
  return `--project-name ${f.project} --project-directory ${f.projectDirectory} --file ${f.file} --env-file ${f.envFile}`;
}

/**
 * deploy.sh (compose/scripts/deploy.sh): runs on the host, from the repository checkout, as root (through
 * the deploy gate). One deploy at a time (flock); validates, pulls, brings the project up from
 * `incoming/` and waits for every healthcheck; only a healthy deploy is promoted to `current/`
 * (what the boot unit starts), an unhealthy one brings `current/` back (see the script).
 * What it reads from bundle.env:
 */
export function deployScriptData(options: DeployScriptOptions): ShellVar[] {
  return [
    {
      name: "health_timeout",
      doc: "deploy.sh: seconds `docker compose up --wait` waits for every service (SERVARR_DEPLOY_TIMEOUT overrides)",
      value: options.healthTimeoutSeconds,
    },
    { name: "notify_secret", doc: "deploy.sh: the .env variable holding the notification channel's URL", value: NOTIFY_SECRET },
    {
      name: "wire_job",
      doc: "deploy.sh: the one-shot service that wires the apps once they are healthy (empty: none)",
      value: options.wireJob ?? "",
    },
  ];
}

/** notify.sh: the channel's protocol as `notify TITLE MESSAGE` with curl, the one the restarter speaks with wget. */
export function renderNotifyScript(options: DeployScriptOptions): string {
  return `${generatedMarker("#")}
# shellcheck shell=bash
# Sourced by deploy.sh: posts to the host's notification channel (none: does nothing).
${notifyFunction(options.notify, "curl")}
`;
}
