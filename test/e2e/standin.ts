import { existsSync } from "node:fs";
import type { ComposeFile, ComposeService } from "../../compose/render/project/compose-spec";
import { HAPROXY_CONFIG_PATH } from "../../compose/render/project/docker-api-proxy";
import { SUPPORT_IMAGES } from "../../constructs/model/images";
import { healthcheckUrls, localProbePorts, longRunning, type Plan } from "./plan";

export interface StandInOptions {
  /** Tag of the busybox stand-in image (test/tools/make-standin-image.sh). */
  readonly image: string;
  /** The same with Debian's haproxy (STANDIN_WITH_HAPROXY=1), for the Docker API proxies. */
  readonly socketImage: string;
  /** Directory standing in for the host's root: host paths of volumes are moved under it. */
  readonly hostRoot: string;
  /** Directory served by every stand-in's httpd (mounted at /www). */
  readonly www: string;
  /** Socket of the throwaway engine, for services that mount the Docker socket. */
  readonly engineSocket: string;
  /** Whether a device exists on the engine's host. @default existsSync */
  readonly deviceExists?: (path: string) => boolean;
  /** The Node stand-in (STANDIN_WITH_NODE): runs the generated Node jobs and the wired apps' fakes. */
  readonly node?: NodeStandIn;
}

export interface NodeStandIn {
  /** Tag of the busybox stand-in with the Node binary of `SUPPORT_IMAGES.node`'s version. */
  readonly image: string;
  /** The repository (its dist/, node_modules/, compose/wire/specs/), mounted read-only at /repo. */
  readonly repo: string;
  /** The fakes' world.json (test/e2e/fake-app.ts), mounted read-only. */
  readonly world: string;
  /** The apps the wire job configures (its plan's apps): app -> the port its API serves. */
  readonly fakes: ReadonlyMap<string, number>;
}

/** Where a Node stand-in finds the repository and the fakes' world. */
export const REPO_MOUNT = "/repo";
export const WORLD_MOUNT = "/fakes/world.json";

/** The command that runs an app's fake in its container (test/e2e/fake-app.ts, built by the e2e's tsc). */
export const fakeAppCommand = (app: string, port: number) => `node ${REPO_MOUNT}/dist/test/e2e/fake-app.js ${app} ${port} ${WORLD_MOUNT}`;

export interface StandInProject {
  readonly compose: ComposeFile;
  /** HTTP ports each service's own stand-in process listens on. */
  readonly served: ReadonlyMap<string, readonly number[]>;
  /** URL paths the stand-ins must answer (healthchecks, health paths): files to create under `www`. */
  readonly paths: readonly string[];
  /** Dummy values for the `${VAR:?...}` references and the secrets' sources (the .env the deploy would write); each is a marker. */
  readonly env: Readonly<Record<string, string>>;
  /** Host directories the redirected volumes need. */
  readonly hostDirs: readonly string[];
  /** Bundle files mounted by relative path (e.g. a proxy's config): copy them next to the compose file. */
  readonly bundleFiles: readonly string[];
  /** One line per substitution, for the run's log. */
  readonly substitutions: readonly string[];
}

const DOCKER_SOCKET = "/var/run/docker.sock";
/** Processes the harness's parallel probes need inside one container. */
const PROBE_PIDS = 1024;

/**
 * The generated project with every image replaced by the busybox stand-in. Kept exactly as
 * generated: networks, network_mode, depends_on, restart, user, ports, cap_add, devices,
 * environment, labels, read_only, tmpfs, and every shell-form healthcheck. Replaced, because a
 * stand-in cannot do it:
 * - image: the real images cannot be pulled here (no registry);
 * - entrypoint/command, by what the service is:
 *   - an app: `httpd` on each port it serves (its declared port; the namespace owner also
 *     serves ports its members probe on localhost that no app declares), under a shell that
 *     stays PID 1, so killing httpd leaves the container running (unhealthy) and killing
 *     PID 1 stops it;
 *   - a service mounting the Docker socket (the Docker API proxy): Debian's real `haproxy`
 *     with the generated config, mounted as generated, in front of the engine's real API;
 *   - a generated `sh -c` script (the restarter): kept, busybox runs it;
 *   - a one-shot job others wait for (`service_completed_successfully`): exits 0;
 *   With `node` (the Node stand-in): a service of `SUPPORT_IMAGES.node` (the wire job, the keys
 *   jobs) runs its generated command, limits kept; an app the wire job configures runs its
 *   spec-validating fake (test/e2e/fake-app.ts) on its API port instead of httpd;
 * - exec-form healthchecks (python3, an image's binary): see `standInHealthcheck`;
 * - volumes: host paths move under `hostRoot` (the real ones belong to the host); the Docker
 *   socket becomes the throwaway engine's; relative paths (bundle files) stay, the caller copies
 *   them next to the compose file; `/www` (the pages httpd serves) is added;
 * - `${VAR:?...}` values: dummies in a generated .env (the real ones are secrets).
 * - pids_limit: raised to PROBE_PIDS when lower: the harness's probes run inside the containers.
 */
export function standInProject(generated: ComposeFile, plan: Pick<Plan, "positions">, options: StandInOptions): StandInProject {
  const served = new Map<string, number[]>();
  for (const position of plan.positions.values()) {
    const declared = new Set(position.ports.keys());
    for (const app of position.apps) {
      const service = generated.services[app];
      if (!service) throw new Error(`the model's app ${app} has no service in the generated compose file`);
      const own = [...position.ports].filter(([, owner]) => owner === app).map(([port]) => port);
      // A port a member probes on localhost that no app declares is served by the namespace's
      // owner (e.g. the gateway's own server, probed by every VPN app to detect a dead namespace).
      const probed = position.apps.flatMap((member) => localProbePorts(generated.services[member] ?? { image: "" }));
      const undeclared = app === position.service ? probed.filter((p) => !declared.has(p)) : [];
      served.set(
        app,
        [...new Set([...own, ...undeclared])].sort((a, b) => a - b),
      );
    }
  }
  for (const [name, service] of Object.entries(generated.services))
    if (!served.has(name))
      served.set(
        name,
        [...new Set(localProbePorts(service))].sort((a, b) => a - b),
      );
  const running = new Set(longRunning(generated));

  const paths = new Set<string>(["/index.html"]);
  for (const service of Object.values(generated.services))
    for (const m of healthcheckUrls(service)) if (m[3] && m[3] !== "/") paths.add(m[3]);

  const env: Record<string, string> = {};
  const hostDirs = new Set<string>();
  const bundleFiles = new Set<string>();
  const substitutions: string[] = [];
  const services: Record<string, ComposeService> = {};
  // Secrets read as files (Compose secrets) come from the same .env.
  for (const secret of Object.values(generated.secrets ?? {})) env[secret.environment] = dummy(secret.environment);
  for (const [name, service] of Object.entries(generated.services)) {
    for (const value of Object.values(service.environment ?? {})) for (const m of value.matchAll(/\$\{(\w+):\?/g)) env[m[1]] = dummy(m[1]);
    const ports = served.get(name) ?? [];
    const volumes = (service.volumes ?? []).map((volume) => {
      const [source, ...rest] = volume.split(":");
      if (source.startsWith("./")) bundleFiles.add(source.slice(2));
      if (!source.startsWith("/")) return volume;
      if (source === DOCKER_SOCKET) return [options.engineSocket, ...rest].join(":");
      hostDirs.add(`${options.hostRoot}${source}`);
      return [`${options.hostRoot}${source}`, ...rest].join(":");
    });
    const redirected = (service.volumes ?? []).filter((v) => v.startsWith("/")).length;
    const mountsSocket = (service.volumes ?? []).some((v) => v.split(":")[0] === DOCKER_SOCKET);
    const script = isShellScript(service.entrypoint);
    const { command: _command, entrypoint: _entrypoint, devices: declaredDevices, ...kept } = service;
    // A device the engine's host lacks (a GPU's /dev/dri on a CI machine) would stop the container from being created.
    const exists = options.deviceExists ?? existsSync;
    const devices = (declaredDevices ?? []).filter((d) => exists(d.split(":")[0] as string));
    const absent = (declaredDevices ?? []).filter((d) => !devices.includes(d));
    let role: string;
    let entry: Partial<Pick<ComposeService, "entrypoint" | "command">>;
    const node = options.node;
    const nodeJob = node !== undefined && service.image === SUPPORT_IMAGES.node;
    const fakePort = node?.fakes.get(name);
    if (nodeJob) {
      role = `runs its generated command on the Node stand-in (${SUPPORT_IMAGES.node.split("@")[0]}'s node)`;
      entry = service.command ? { command: service.command } : {};
    } else if (node !== undefined && fakePort !== undefined) {
      const others = ports.filter((p) => p !== fakePort).map((p) => `httpd -p ${p} -h /www;`);
      const fake = `${fakeAppCommand(name, fakePort)} &`;
      role = `its spec-validating fake (Node) on ${fakePort}${others.length > 0 ? `, httpd on ${ports.filter((p) => p !== fakePort).join(",")}` : ""}`;
      entry = { entrypoint: ["/bin/sh", "-c", idle([fake, ...others])] };
    } else if (!running.has(name)) {
      role = "one-shot job: exits 0 at once (its work needs the real image)";
      entry = { entrypoint: ["/bin/sh", "-c", "exit 0"] };
    } else if (mountsSocket) {
      role = `the real haproxy with the generated ${HAPROXY_CONFIG_PATH} in front of the engine's API`;
      entry = { entrypoint: ["haproxy", "-db", "-f", HAPROXY_CONFIG_PATH] };
    } else if (script) {
      role = "runs its generated shell script as is";
      entry = { entrypoint: service.entrypoint, ...(service.command ? { command: service.command } : {}) };
    } else {
      role = `httpd on ${ports.length > 0 ? ports.join(",") : "(no port)"}`;
      entry = { entrypoint: ["/bin/sh", "-c", idle(ports.map((p) => `httpd -p ${p} -h /www;`))] };
    }
    const healthcheck = standInHealthcheck(service, ports);
    // The harness probes from inside containers, dozens of wget at once: a generated pids limit
    // sized for the real program would refuse the probes' processes (seen: the restarter's 32).
    // The Node jobs keep theirs: they are not probed, and their limits must hold for Node itself.
    const pids = typeof service.pids_limit === "number" && !nodeJob ? { pids_limit: Math.max(service.pids_limit, PROBE_PIDS) } : {};
    const fakeMounts = node && fakePort !== undefined ? [`${node.repo}:${REPO_MOUNT}:ro`, `${node.world}:${WORLD_MOUNT}:ro`] : [];
    services[name] = {
      ...kept,
      ...pids,
      image: node && (nodeJob || fakePort !== undefined) ? node.image : mountsSocket ? options.socketImage : options.image,
      ...entry,
      ...(devices.length > 0 ? { devices } : {}),
      ...(healthcheck ? { healthcheck } : {}),
      volumes: [...volumes, ...fakeMounts, `${options.www}:/www:ro`],
    };
    substitutions.push(
      `${name}: ${service.image.split("@")[0]} -> stand-in; ${role}` +
        (redirected > 0 ? `; ${redirected} host volume(s) redirected` : "") +
        (absent.length > 0 ? `; ${absent.join(", ")} absent on this engine's host: left out` : "") +
        (healthcheck && healthcheck !== service.healthcheck ? `; image-specific healthcheck -> ${healthcheck.test.join(" ")}` : "") +
        (pids.pids_limit !== undefined && pids.pids_limit !== service.pids_limit
          ? `; pids_limit ${service.pids_limit} -> ${pids.pids_limit} for the probes`
          : ""),
    );
  }
  return {
    compose: { ...generated, services },
    served,
    paths: [...paths].sort(),
    env,
    hostDirs: [...hostDirs].sort(),
    bundleFiles: [...bundleFiles].sort(),
    substitutions,
  };
}

/** A marker value for a secret or a required variable: letters and digits only (the keys jobs take 16 or more), unique per name. */
function dummy(variable: string): string {
  return `e2edummy${variable.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
}

/** A `sh -c` script of the bundle (e.g. the restarter's loop): busybox runs it unchanged. */
function isShellScript(entrypoint: unknown): boolean {
  return Array.isArray(entrypoint) && ["/bin/sh", "sh"].includes(entrypoint[0]) && entrypoint[1] === "-c";
}

/**
 * The healthcheck a stand-in can run: the generated one when it is a shell command (busybox
 * runs it: `curl ... || wget ...` falls through to wget); an exec-form check needs the image's
 * own program (python3, a binary), so the stand-in probes the same URLs with wget, or, with no
 * URL in it, the ports it serves. Timing fields stay as generated.
 */
export function standInHealthcheck(service: ComposeService, served: readonly number[]): ComposeService["healthcheck"] {
  const hc = service.healthcheck;
  if (!hc || hc.test[0] === "CMD-SHELL" || hc.test[0] === "NONE") return hc;
  const urls = healthcheckUrls(service).map((m) => m[0]);
  const targets = urls.length > 0 ? urls : served.map((p) => `http://127.0.0.1:${p}/`);
  const test = targets.length > 0 ? targets.map((u) => `wget -q -O /dev/null ${u}`).join(" && ") : "kill -0 1";
  return { ...hc, test: ["CMD-SHELL", test] };
}

/** PID 1 of a stand-in: starts its servers, then idles; exits at once on TERM so `down` is quick ($$ is Compose's escape for $). */
function idle(starts: readonly string[]): string {
  return `trap 'exit 0' TERM INT; ${starts.join(" ")} while :; do sleep 1 & wait $$!; done`;
}
