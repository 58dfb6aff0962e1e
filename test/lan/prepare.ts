import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ComposeFile } from "../../compose/render/project/compose-spec";
import { renderYaml } from "../../compose/render/render";
import { readCompose } from "../e2e/plan";
import type { RunHost } from "./checks";
import type { LanPlan, topology } from "./plan";
import { projectCompose, standInProjection } from "./projection";

/** The harness's own service on a target host: an app nobody declared, published on the host's LAN address. */
export const PLANTED = "lan-e2e-undeclared";

export function freePorts(taken: ReadonlySet<number>, count: number): number[] {
  const ports: number[] = [];
  for (let p = 18080; ports.length < count; p++) if (!taken.has(p)) ports.push(p);
  return ports;
}

export interface Prepared {
  readonly host: RunHost;
  readonly file: string;
  readonly project: string;
  readonly services: number;
}

/** Writes one host's projection with stand-ins (plus the planted app on a target host) under work/<host>. */
export function prepare(
  plan: LanPlan,
  h: ReturnType<typeof topology>["hosts"][number],
  work: string,
  image: string,
  planted?: number,
): Prepared {
  const wanted = [
    ...plan.relations.filter((r) => r.from.host === h.name).map((r) => r.from.service),
    ...plan.relations.filter((r) => r.to.host === h.name).map((r) => r.to.service),
    ...plan.undeclared.filter((r) => r.from.host === h.name).map((r) => r.from.service),
  ];
  const generated = readCompose(path.join(h.bundle, "compose.yaml"));
  const projected = projectCompose(generated, wanted);
  const dir = path.join(work, h.name);
  const standIn = standInProjection(projected, {
    image,
    socketImage: image,
    hostRoot: path.join(dir, "host"),
    www: path.join(dir, "www"),
    engineSocket: h.socket,
  });
  for (const line of standIn.substitutions) console.log(`  ${h.name}: stand-in ${line}`);
  for (const d of standIn.hostDirs) mkdirSync(d, { recursive: true, mode: 0o777 });
  const pages = new Set([...standIn.paths, ...plan.relations.filter((r) => r.to.host === h.name).map((r) => r.to.path)]);
  for (const page of pages) {
    const isDir = page.endsWith("/") || [...pages].some((other) => other.startsWith(`${page}/`));
    const file = path.join(dir, "www", page, ...(isDir ? ["index.html"] : []));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "ok\n", { mode: 0o644 });
  }
  writeFileSync(
    path.join(dir, ".env"),
    Object.entries(standIn.env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  for (const f of standIn.bundleFiles) copyFileSync(path.join(h.bundle, f), path.join(dir, f));
  const compose: ComposeFile = { ...standIn.compose, services: { ...standIn.compose.services } };
  if (planted !== undefined) {
    compose.services[PLANTED] = {
      image,
      entrypoint: ["/bin/sh", "-c", `exec httpd -f -p ${planted} -h /www`],
      ports: [`${h.lanAddress}:${planted}:${planted}`],
      volumes: [`${path.join(dir, "www")}:/www:ro`],
    };
    console.log(`  ${h.name}: planted ${PLANTED}: httpd published on ${h.lanAddress}:${planted} (no declaration anywhere)`);
  }
  const file = path.join(dir, "compose.yaml");
  writeFileSync(file, renderYaml(compose));
  return {
    host: {
      name: h.name,
      lanAddress: h.lanAddress,
      netns: h.netns,
      socket: h.socket,
      firewall: path.resolve(h.bundle, "firewall.nft"),
      container: (s) => `${compose.name}-${s}-1`,
    },
    file,
    project: compose.name,
    services: Object.keys(compose.services).length,
  };
}
