import type { ComposeFile, ComposeService } from "../../compose/compose-spec";
import type { Plan } from "./plan";

export interface StandInOptions {
  /** Tag of the busybox stand-in image (test/tools/make-standin-image.sh). */
  readonly image: string;
  /** Directory standing in for the host's root: host paths of volumes are moved under it. */
  readonly hostRoot: string;
  /** Directory served by every stand-in's httpd (mounted at /www). */
  readonly www: string;
  /** Socket of the throwaway engine, for services that mount the Docker socket. */
  readonly engineSocket: string;
}

export interface StandInProject {
  readonly compose: ComposeFile;
  /** HTTP ports each service's own stand-in process listens on. */
  readonly served: ReadonlyMap<string, readonly number[]>;
  /** URL paths the stand-ins must answer (healthchecks, health paths): files to create under `www`. */
  readonly paths: readonly string[];
  /** Dummy values for the `${VAR:?...}` references (the .env the deploy would write). */
  readonly env: Readonly<Record<string, string>>;
  /** Host directories the redirected volumes need. */
  readonly hostDirs: readonly string[];
  /** One line per substitution, for the run's log. */
  readonly substitutions: readonly string[];
}

const URL_IN_TEXT = /https?:\/\/([\w.-]+):(\d+)(\/[^\s"'?#]*)?/g;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const DOCKER_SOCKET = "/var/run/docker.sock";

function healthcheckText(service: ComposeService): string {
  return (service.healthcheck?.test ?? []).join(" ");
}

/** Ports a service's healthcheck probes on its own namespace (localhost). */
function localProbePorts(service: ComposeService): number[] {
  return [...healthcheckText(service).matchAll(URL_IN_TEXT)].filter((m) => LOCAL_HOSTS.has(m[1])).map((m) => Number(m[2]));
}

/**
 * The generated project with every image replaced by the busybox stand-in. Kept exactly as
 * generated: networks, network_mode, depends_on, healthcheck, restart, user, ports, cap_add,
 * devices, environment, labels. Replaced, because a stand-in cannot do it:
 * - image: the real images cannot be pulled here (no registry);
 * - entrypoint/command: the stand-in runs `httpd` on each port the app serves (its declared
 *   port, plus ports its own healthcheck probes on localhost that no other app in the same
 *   namespace serves), under a shell that stays PID 1 so killing httpd leaves the container
 *   running (unhealthy) and killing PID 1 stops it;
 * - volumes: host paths move under `hostRoot` (the real ones belong to the host); the Docker
 *   socket becomes the throwaway engine's; `/www` (the pages httpd serves) is added;
 * - `${VAR:?...}` values: dummies in a generated .env (the real ones are secrets).
 */
export function standInProject(generated: ComposeFile, plan: Plan, options: StandInOptions): StandInProject {
  const served = new Map<string, number[]>();
  for (const position of plan.positions.values()) {
    const declared = new Set(position.ports.keys());
    for (const app of position.apps) {
      const service = generated.services[app];
      if (!service) throw new Error(`the model's app ${app} has no service in the generated compose file`);
      const own = [...position.ports].filter(([, owner]) => owner === app).map(([port]) => port);
      const probed = localProbePorts(service).filter((p) => !declared.has(p) || own.includes(p));
      served.set(
        app,
        [...new Set([...own, ...probed])].sort((a, b) => a - b),
      );
      for (const p of probed) declared.add(p);
    }
  }

  const paths = new Set<string>(["/index.html"]);
  for (const service of Object.values(generated.services))
    for (const m of healthcheckText(service).matchAll(URL_IN_TEXT)) if (m[3] && m[3] !== "/") paths.add(m[3]);

  const env: Record<string, string> = {};
  const hostDirs = new Set<string>();
  const substitutions: string[] = [];
  const services: Record<string, ComposeService> = {};
  for (const [name, service] of Object.entries(generated.services)) {
    for (const value of Object.values(service.environment ?? {}))
      for (const m of value.matchAll(/\$\{(\w+):\?/g)) env[m[1]] = `e2e-dummy-${m[1].toLowerCase()}`;
    const ports = served.get(name) ?? [];
    const volumes = (service.volumes ?? []).map((volume) => {
      const [source, ...rest] = volume.split(":");
      if (!source.startsWith("/")) return volume;
      if (source === DOCKER_SOCKET) return [options.engineSocket, ...rest].join(":");
      hostDirs.add(`${options.hostRoot}${source}`);
      return [`${options.hostRoot}${source}`, ...rest].join(":");
    });
    const { command: _command, entrypoint: _entrypoint, ...kept } = service;
    services[name] = {
      ...kept,
      image: options.image,
      entrypoint: ["/bin/sh", "-c", startScript(ports)],
      volumes: [...volumes, `${options.www}:/www:ro`],
    };
    substitutions.push(
      `${name}: image ${service.image.split("@")[0]} -> ${options.image}, httpd on ${ports.length > 0 ? ports.join(",") : "(no port)"}` +
        (volumes.length > 0 ? `, ${volumes.length} host volume(s) under ${options.hostRoot}` : ""),
    );
  }
  return {
    compose: { ...generated, services },
    served,
    paths: [...paths].sort(),
    env,
    hostDirs: [...hostDirs].sort(),
    substitutions,
  };
}

/** PID 1 of a stand-in: starts httpd daemons, then idles; exits at once on TERM so `down` is quick ($$ is Compose's escape for $). */
function startScript(ports: readonly number[]): string {
  const daemons = ports.map((p) => `httpd -p ${p} -h /www`).join(" && ");
  return `trap 'exit 0' TERM INT; ${daemons ? `${daemons}; ` : ""}while :; do sleep 1 & wait $$!; done`;
}
