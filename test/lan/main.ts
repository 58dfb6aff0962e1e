import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildApp } from "../../stacks/synth";
import type { CheckResult } from "../e2e/checks/checks";
import { readCompose } from "../e2e/plan";
import { runMain, summarize } from "../e2e/run-checks";
import { controls, declared, type Expectation, probeAll } from "./checks";
import { lanPlanFromModel, loadConfig } from "./from-model";
import { planProblems, readLanPlan, topology } from "./plan";
import { freePorts, PLANTED, type Prepared, prepare } from "./prepare";
import { engine, routes, run } from "./probe";
import { publishedPorts } from "./projection";

/**
 * The LAN run (test/lan/run.sh prepares the LAN, the namespaces and one engine per host):
 * `topology` prints the names run.sh creates; `run` loads each host's generated firewall.nft,
 * brings up each host's projection with stand-ins, and probes the declared cross-host
 * relations, the refusals and their controls. One line per check; exit 1 on any failure.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    plan: { type: "string" },
    id: { type: "string" },
    work: { type: "string" },
    image: { type: "string" },
    config: { type: "string" },
    bundles: { type: "string" },
  },
});
const need = (name: keyof typeof values): string => {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new Error(`missing --${name}`);
  return v;
};
async function main(): Promise<number> {
  if (positionals[0] === "plan") {
    // The plan of a config's model, its bundles synthesized under --bundles (npm run synth -- --config FILE --out DIR: DIR/compose).
    const config = loadConfig(need("config"));
    const scratch = mkdtempSync(path.join(tmpdir(), "servarr-lan-plan-")); // the App's outdir: nothing is synthesized into it
    let plan: ReturnType<typeof lanPlanFromModel>;
    try {
      plan = lanPlanFromModel(buildApp(config, scratch).hosts, path.resolve(need("bundles")), `the model of ${need("config")}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const problems = planProblems(plan);
    if (problems.length > 0) throw new Error(`${need("config")}: ${problems.join("; ")}`);
    console.log(JSON.stringify(plan, null, 2));
    return 0;
  }
  const plan = readLanPlan(need("plan"));
  const topo = topology(plan, need("id"));
  if (positionals[0] === "topology") {
    // Shell words for run.sh: lan <netns>; stranger <netns> <address>/<prefix>; host <name> <netns> <address>/<prefix> <state>
    console.log(`lan ${topo.lan}`);
    console.log(`stranger ${topo.stranger.netns} ${topo.stranger.address}/${topo.stranger.prefix}`);
    for (const h of topo.hosts) console.log(`host ${h.name} ${h.netns} ${h.lanAddress}/${h.prefix} ${h.state}`);
    return 0;
  }
  if (positionals[0] !== "run")
    throw new Error(
      "usage: main.js plan --config FILE --bundles DIR | topology --plan FILE --id ID | run --plan FILE --id ID --work DIR --image TAG",
    );
  const started = Date.now();
  const work = need("work");
  const image = need("image");
  console.log(
    `  plan: ${plan.source}; LAN ${plan.lanCidr}: ${topo.hosts.map((h) => `${h.name} ${h.lanAddress}`).join(", ")}, stranger ${topo.stranger.address}`,
  );

  // The relation's target must publish its LAN port on its host's LAN address: a fact of the generated file.
  const results: CheckResult[] = [];
  const targets = new Set(plan.relations.map((r) => r.to.host));
  const byName = new Map<string, Prepared>();
  const planted = new Map<string, number>();
  for (const h of topo.hosts) {
    const published = publishedPorts(readCompose(path.join(h.bundle, "compose.yaml")));
    const [p] = freePorts(new Set(published.map((x) => x.hostPort)), 1);
    if (targets.has(h.name)) planted.set(h.name, p as number);
    byName.set(h.name, prepare(plan, h, work, image, targets.has(h.name) ? p : undefined));
    for (const r of plan.relations.filter((x) => x.to.host === h.name)) {
      const hit = published.find((x) => x.hostPort === r.to.port && x.address === h.lanAddress);
      results.push({
        name: `published ${r.to.host}/${r.to.service}`,
        ok: hit !== undefined,
        failures: hit ? [] : [`no ${h.lanAddress}:${r.to.port}:<port> in ${h.bundle}/compose.yaml`],
        line: `${hit ? "PASS" : "FAIL"} published ${r.to.host}/${r.to.service}: ${h.bundle}/compose.yaml publishes ${hit ? `${hit.service} on ${h.lanAddress}:${hit.hostPort} (container port ${hit.containerPort})` : `nothing on ${h.lanAddress}:${r.to.port}`}`,
      });
    }
  }
  const hosts = [...byName.values()];
  for (const p of hosts) {
    await run("nsenter", [`--net=/run/netns/${p.host.netns}`, "nft", "-f", p.host.firewall]).then((r) => {
      if (r.code !== 0) throw new Error(`${p.host.firewall} did not load in ${p.host.netns}: ${r.stderr.trim()}`);
    });
  }
  console.log(`  firewall.nft of ${hosts.map((p) => p.host.name).join(", ")} loaded in their namespaces`);

  // Listeners outside Docker: one on each target host's own address (the input chain), one on the stranger (the client's way out).
  const [hostPort, strangerPort] = freePorts(new Set([...planted.values(), 22]), 2) as [number, number];
  mkdirSync(path.join(work, "www"), { recursive: true });
  writeFileSync(path.join(work, "www", "index.html"), "ok\n");
  for (const p of hosts.filter((x) => targets.has(x.host.name)))
    await run("nsenter", [
      `--net=/run/netns/${p.host.netns}`,
      "busybox",
      "httpd",
      "-p",
      `${p.host.lanAddress}:${hostPort}`,
      "-h",
      path.join(work, "www"),
    ]);
  await run("nsenter", [
    `--net=/run/netns/${topo.stranger.netns}`,
    "busybox",
    "httpd",
    "-p",
    `${topo.stranger.address}:${strangerPort}`,
    "-h",
    path.join(work, "www"),
  ]);

  const up = Date.now();
  await Promise.all(
    hosts.map((p) => engine(p.host.socket, "compose", "-p", p.project, "-f", p.file, "up", "-d", "--wait", "--wait-timeout", "120")),
  );
  console.log(
    `  up: ${hosts.map((p) => `${p.host.name} ${p.services} services`).join(", ")} healthy/running in ${((Date.now() - up) / 1000).toFixed(1)} s`,
  );

  const stranger = { netns: topo.stranger.netns, label: `the stranger ${topo.stranger.address}` };
  const expectations: Expectation[] = [];
  for (const r of plan.relations) {
    const client = (byName.get(r.from.host) as Prepared).host;
    const target = (byName.get(r.to.host) as Prepared).host;
    const clientOrigin = {
      socket: client.socket,
      container: client.container(r.from.service),
      label: `${r.from.service}'s container on ${client.name}`,
    };
    expectations.push(...declared(r, client));
    expectations.push(
      {
        name: `stranger -> ${r.to.host}/${r.to.service}`,
        origin: stranger,
        url: `http://${r.to.address}:${r.to.port}${r.to.path}`,
        answered: false,
        by: target,
      },
      {
        // From the client's host itself: its own traffic crosses no forward chain of its own, so
        // the target's firewall is the only one on the way (a confined client's container would
        // be stopped at home first).
        name: `${r.from.host} -> ${r.to.host}/${PLANTED}`,
        origin: { netns: client.netns, label: `${client.name} itself` },
        url: `http://${target.lanAddress}:${planted.get(target.name)}/`,
        answered: false,
        by: target,
      },
      {
        name: `${r.from.host} -> ${r.to.host}:${hostPort} (host listener)`,
        origin: { netns: client.netns, label: `${client.name} itself` },
        url: `http://${target.lanAddress}:${hostPort}/`,
        answered: false,
        by: target,
      },
    );
    const confined = plan.confined.some((c) => c.host === r.from.host && c.service === r.from.service);
    if (!confined) console.log(`  ${r.from.host}/${r.from.service}: not confined by the plan (other LAN destinations are not probed)`);
    if (confined)
      expectations.push({
        name: `${r.from.host}/${r.from.service} -> stranger (confined)`,
        origin: clientOrigin,
        url: `http://${topo.stranger.address}:${strangerPort}/`,
        answered: false,
        by: client,
      });
  }
  for (const u of plan.undeclared) {
    const client = (byName.get(u.from.host) as Prepared).host;
    expectations.push({
      name: `${u.from.host}/${u.from.service} -> ${u.to.host}/${u.to.service} (undeclared)`,
      origin: {
        socket: client.socket,
        container: client.container(u.from.service),
        label: `${u.from.service}'s container on ${client.name}`,
      },
      url: `http://${u.to.address}:${u.to.port}${u.to.path}`,
      answered: false,
      by: client,
    });
  }
  const unique = [...new Map(expectations.map((e) => [e.name, e])).values()];
  const probed = await probeAll(unique);
  results.push(...probed.results);
  // Controls only for refusals that held: a refusal that failed is reported once, above.
  const held = unique.filter((e) => probed.outcomes.get(e.name)?.answered === e.answered);
  for (const p of hosts) results.push(...(await controls(p.host, held)));
  // Where a confined client got out: its routes and the networks behind them.
  for (const e of unique.filter((x) => /\((confined|undeclared)\)$/.test(x.name) && probed.outcomes.get(x.name)?.answered))
    if ("socket" in e.origin) console.log(`  ${e.origin.label}: ${await routes(e.origin.socket, e.origin.container)}`);
  for (const r of results) console.log(r.line);

  return summarize("lan", results, started);
}

runMain("lan", main);
