import type { ComposeFile, ComposeServiceSecret } from "../../compose/render/project/compose-spec";
import { type CheckResult, checkResult } from "./checks/checks";
import { docker, type Project, type Result, run } from "./docker";

/**
 * A file of a container, running or stopped, with its mode and owner: `docker cp` streams a tar
 * (a 512-byte ustar header: mode at 100, uid at 108, gid at 116, size at 124, each octal; then the bytes).
 */
async function copiedOut(container: string, file: string): Promise<Result & { mode?: number; uid?: number; gid?: number }> {
  const tar = await run("docker", ["cp", `${container}:${file}`, "-"]);
  if (tar.code !== 0) return tar;
  const octal = (at: number, length: number) =>
    Number.parseInt(
      tar.stdout
        .slice(at, at + length)
        .replace(/\0/g, "")
        .trim(),
      8,
    );
  const size = octal(124, 12);
  return {
    code: 0,
    stdout: tar.stdout.slice(512, 512 + size),
    stderr: "",
    mode: octal(100, 8) & 0o7777,
    uid: octal(108, 8),
    gid: octal(116, 8),
  };
}

/**
 * Secrets stay out of every container's environment (`docker inspect` Config.Env, what any
 * client of the engine's API reads), and each service that reads one as a file finds the value
 * the deploy's .env holds at /run/secrets/<source>. `exempt` maps a service to the reason its
 * image reads secrets from its environment only (reasons["secret-environment"], listed in the
 * synth summary): its own Config.Env may hold the ones it reads, nothing else may.
 */
export async function secretFiles(
  project: Project,
  compose: ComposeFile,
  env: Readonly<Record<string, string>>,
  exempt: ReadonlyMap<string, string>,
): Promise<CheckResult> {
  const name = "secret files";
  const markers = Object.entries(env);
  const failures: string[] = [];
  const running = (await project.compose("ps", "-a", "--format", "{{.Service}}")).split("\n").filter(Boolean);
  let scanned = 0;
  let exempted = 0;
  for (const service of running) {
    const config = JSON.parse(await docker("inspect", "-f", "{{json .Config.Env}}", project.container(service))) as string[] | null;
    scanned++;
    const leaked = markers.filter(([, value]) => (config ?? []).some((entry) => entry.includes(value))).map(([variable]) => variable);
    if (leaked.length === 0) continue;
    // An env-only image may hold the secrets its own environment references, and no other.
    const own = new Set(
      Object.values(compose.services[service]?.environment ?? {}).flatMap((v) => [...v.matchAll(/\$\{(\w+)/g)].map((m) => m[1])),
    );
    const foreign = leaked.filter((variable) => !(exempt.has(service) && own.has(variable)));
    if (foreign.length > 0) failures.push(`${service}: Config.Env holds ${foreign.join(", ")}`);
    else exempted++;
  }
  let files = 0;
  let modes = 0;
  for (const [service, spec] of Object.entries(compose.services)) {
    if (!running.includes(service)) continue;
    for (const ref of spec.secrets ?? []) {
      const source = typeof ref === "string" ? ref : ref.source;
      const target = (typeof ref === "string" ? undefined : ref.target) ?? `/run/secrets/${source}`;
      const variable = compose.secrets?.[source]?.environment;
      const expected = variable !== undefined ? env[variable] : undefined;
      // Read through the engine (a one-shot job, the keys jobs, has exited: its container is stopped).
      const read = await copiedOut(project.container(service), target);
      files++;
      if (expected === undefined) failures.push(`${service}: secret ${source} has no .env variable`);
      else if (read.code !== 0 || read.stdout !== expected)
        failures.push(
          `${service}: ${target} holds ${read.code === 0 ? `"${read.stdout.slice(0, 40)}"` : `nothing (${read.stderr.trim()})`}, not ${variable}'s value`,
        );
      // The mode and owner as generated. Compose copies an environment-sourced secret in with them
      // (docker/compose v2.26.1 pkg/compose/secrets.go createTar: mode 0444 unless given, uid/gid 0
      // unless given), though it warns that they "are not supported" (create.go warns before it
      // skips environment-sourced secrets; the warning is true only of file-sourced ones).
      const spec: Partial<ComposeServiceSecret> = typeof ref === "string" ? {} : ref;
      const want = { mode: spec.mode ?? 0o444, uid: Number(spec.uid ?? 0), gid: Number(spec.gid ?? 0) };
      if (read.code === 0 && (read.mode !== want.mode || read.uid !== want.uid || read.gid !== want.gid))
        failures.push(
          `${service}: ${target} is ${read.mode?.toString(8)} ${read.uid}:${read.gid}, generated ${want.mode.toString(8)} ${want.uid}:${want.gid}`,
        );
      else if (read.code === 0) modes++;
    }
  }
  return checkResult(
    name,
    failures,
    `${markers.length} marker values of .env, ${scanned} containers' Config.Env scanned, ` +
      `${files} secret files read back with the right value (${modes} with the generated mode and owner); env-only images (named reasons): ${[...exempt.keys()].join(", ") || "none"} (${exempted} hold theirs)`,
  );
}
