import type { ComposeFile } from "../../compose/render/project/compose-spec";
import type { CheckResult } from "./checks/checks";
import { docker, type Project, type Result, run } from "./docker";

/** A file of a stopped container (`docker cp` streams a tar: a 512-byte header, its size in octal at 124, then the bytes). */
async function copiedOut(container: string, file: string): Promise<Result> {
  const tar = await run("docker", ["cp", `${container}:${file}`, "-"]);
  if (tar.code !== 0) return tar;
  const size = Number.parseInt(tar.stdout.slice(124, 136).replace(/\0/g, "").trim(), 8);
  return { code: 0, stdout: tar.stdout.slice(512, 512 + size), stderr: "" };
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
  for (const [service, spec] of Object.entries(compose.services)) {
    if (!running.includes(service)) continue;
    for (const ref of spec.secrets ?? []) {
      const source = typeof ref === "string" ? ref : ref.source;
      const target = (typeof ref === "string" ? undefined : ref.target) ?? `/run/secrets/${source}`;
      const variable = compose.secrets?.[source]?.environment;
      const expected = variable !== undefined ? env[variable] : undefined;
      // A one-shot job (the keys jobs) has exited: its file is read from the stopped container.
      const read =
        (await docker("inspect", "-f", "{{.State.Running}}", project.container(service))) === "true"
          ? await project.exec(service, `cat '${target}'`)
          : await copiedOut(project.container(service), target);
      files++;
      if (expected === undefined) failures.push(`${service}: secret ${source} has no .env variable`);
      else if (read.code !== 0 || read.stdout !== expected)
        failures.push(
          `${service}: ${target} holds ${read.code === 0 ? `"${read.stdout.slice(0, 40)}"` : `nothing (${read.stderr.trim()})`}, not ${variable}'s value`,
        );
    }
  }
  const ok = failures.length === 0;
  return {
    name,
    ok,
    failures,
    line:
      `${ok ? "PASS" : "FAIL"} ${name}: ${markers.length} marker values of .env, ${scanned} containers' Config.Env scanned, ` +
      `${files} secret files read back with the right value; env-only images (named reasons): ${[...exempt.keys()].join(", ") || "none"} (${exempted} hold theirs)` +
      (ok ? "" : ` — ${failures.slice(0, 8).join("; ")}`),
  };
}
