/**
 * The wire job's entry: `node main.ts <plan.json> [--dry-run]`. Keys come from the Compose
 * secret files (/run/secrets/<secret in lower case>), the memory of written secrets from
 * $WIRE_STATE. Exits 1 when a relation failed (the deploy fails and notifies), 0 otherwise,
 * also while Seerr waits for its first sign-in.
 */
import { readFileSync } from "node:fs";
import type { WiringPlan } from "./plan.ts";
import { runPlan } from "./run.ts";
import { openState } from "./state.ts";

const args = process.argv.slice(2);
const planFile = args.find((a) => !a.startsWith("--")) ?? "/wire/plan.json";
const dryRun = args.includes("--dry-run") || process.env.WIRE_DRY_RUN === "1";
const secretsDir = process.env.WIRE_SECRETS ?? "/run/secrets";
const plan = JSON.parse(readFileSync(planFile, "utf8")) as WiringPlan;
void runPlan(plan, {
  dryRun,
  state: openState(process.env.WIRE_STATE),
  key: (app) => {
    if (!app.secret) throw new Error(`${app.name}: no key in the plan`);
    return readFileSync(`${secretsDir}/${app.secret.toLowerCase()}`, "utf8").trim();
  },
  secret: (name) => readFileSync(`${secretsDir}/${name.toLowerCase()}`, "utf8").trim(),
}).then((outcome) => process.exit(outcome.failures.length > 0 ? 1 : 0));
