import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ServarrApp } from "../constructs/host/servarr-app";
import { Exposure } from "../constructs/model/exposure";
import { config } from "../servarr.config";
import { synthesize } from "../stacks/synth";

/**
 * A whole synth of the example config plus N generated apps, into a scratch directory:
 * the scaling half of `npm run bench` runs this as its own process for N = 20 and 200.
 */
const count = Number(process.argv[2] ?? "20");
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-bench-"));
try {
  const result = synthesize(
    {
      ...config,
      apps: (host) => {
        config.apps(host);
        for (let i = 1; i <= count; i++) {
          const name = `app-${String(i).padStart(3, "0")}`;
          new ServarrApp(host, name, {
            image: `ghcr.io/example/${name}:1.0.0`,
            port: 10000 + i,
            uid: 20000 + i,
            vpn: i % 2 === 0,
            data: i % 3 === 0 ? "media" : "none",
            talksTo: i > 1 ? [`app-${String(i - 1).padStart(3, "0")}`] : [],
            exposure: i % 4 === 0 ? Exposure.internal() : Exposure.private(),
          });
        }
      },
    },
    { outdir: path.join(scratch, "cdktf.out"), bundleRoot: path.join(scratch, "compose") },
  );
  const resources = [...result.stacks.values()].reduce(
    (n, s) => n + Object.values(s.resource ?? {}).reduce((m, r) => m + Object.keys(r).length, 0),
    0,
  );
  console.log(`${result.hosts[0]?.apps.length ?? 0} apps, ${resources} resources`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
