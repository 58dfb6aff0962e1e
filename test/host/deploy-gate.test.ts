import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderBundle } from "../../compose/render/bundle";
import { ENV_BLOCK_START, ENV_VALUE_OK_BASH, envValueOk } from "../../compose/render/host/deploy-gate";
import { FIXTURES } from "../fixtures";
import { synth } from "../support";
import { compose2 } from "../tool";
import {
  account,
  b64,
  block,
  declared,
  envText,
  gate,
  gateFilter,
  nextRun,
  scratch,
  TUNNEL,
  tunnelToken,
  validValues,
} from "./gate-harness";

/**
 * The deploy gate's .env grammar, run as generated (the block between its markers) and checked
 * against the real Compose v2 .env parser (compose-go dotenv): every smuggling attempt below is
 * shown to work on Compose and to pass the old gate's check, and the gate refuses it.
 */

/** The gate before this change: the text before the first '=' of each line must be declared. */
function oldGateAccepts(text: string): boolean {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .every((l) => declared.includes(l.split("=")[0] ?? ""));
}

/** What Compose v2 reads from `envFile` for each name (undefined = not set), offline. */
function composeReads(envText: string, names: readonly string[]): Record<string, string | undefined> {
  const dir = mkdtempSync(path.join(scratch, `compose${nextRun()}-`));
  writeFileSync(path.join(dir, "env"), envText);
  const environment = Object.fromEntries(names.map((n) => [n, `\${${n}-<unset>}`]));
  writeFileSync(path.join(dir, "probe.json"), JSON.stringify({ services: { probe: { image: "busybox", environment } } }));
  const res = spawnSync(
    "docker",
    [
      "compose",
      "--project-name",
      "probe",
      "--env-file",
      path.join(dir, "env"),
      "--file",
      path.join(dir, "probe.json"),
      "config",
      "--format",
      "json",
    ],
    { encoding: "utf8", cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
  if (res.status !== 0) throw new Error(`docker compose config failed: ${res.stderr}`);
  const env = (JSON.parse(res.stdout) as { services: { probe: { environment: Record<string, string> } } }).services.probe.environment;
  // `config` prints a literal $ as $$.
  return Object.fromEntries(names.map((n) => [n, env[n] === "<unset>" ? undefined : env[n]?.replaceAll("$$", "$")]));
}

/** Each attempt: the .env text, and what Compose really sets from it (checked on Compose below). */
const SMUGGLING: Array<{ name: string; text: string; composeSets: Record<string, string> }> = [
  {
    name: "a second assignment after the closing quote",
    text: "KOPIA_PASSWORD='x' COMPOSE_FILE='/data/downloads/evil.yml'",
    composeSets: { KOPIA_PASSWORD: "x", COMPOSE_FILE: "/data/downloads/evil.yml" },
  },
  {
    name: "the same with double quotes",
    text: 'KOPIA_PASSWORD="x" COMPOSE_PROFILES="init"',
    composeSets: { COMPOSE_PROFILES: "init" },
  },
  {
    name: "a value ending in a backslash escapes its quote into the next line",
    text: "KOPIA_PASSWORD='secret\\'\nWIREGUARD_PRIVATE_KEY=' COMPOSE_FILE=/data/downloads/evil.yml #'",
    composeSets: { COMPOSE_FILE: "/data/downloads/evil.yml" },
  },
  {
    name: "a quote left open swallows the next line",
    text: "TUNNEL_TOKEN='x\nKOPIA_PASSWORD=y' COMPOSE_FILE='/data/downloads/evil.yml'",
    composeSets: { TUNNEL_TOKEN: "x\nKOPIA_PASSWORD=y", COMPOSE_FILE: "/data/downloads/evil.yml" },
  },
  {
    name: "double-quoted interpolation copies one secret into another container's variable",
    text: "TUNNEL_TOKEN='t0ken'\nKOPIA_PASSWORD=\"${TUNNEL_TOKEN}\"",
    composeSets: { KOPIA_PASSWORD: "t0ken" },
  },
  {
    name: "a duplicate name: the last one wins",
    text: "KOPIA_PASSWORD='first'\nKOPIA_PASSWORD='second'",
    composeSets: { KOPIA_PASSWORD: "second" },
  },
];

/** Identifiers in a text, plus COMPOSE_* variables that steer Compose (COMPOSE_PROJECT_NAME is always set: --project-name). */
function candidates(text: string): string[] {
  const words = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return [...new Set([...words, ...declared, "COMPOSE_FILE", "COMPOSE_PROFILES"])];
}

describe("deploy-gate.sh: .env grammar", () => {
  it("the grammar block is in the generated gate, reading the declared names from bundle.env", () => {
    expect(block.startsWith(ENV_BLOCK_START)).toBe(true);
    expect(gate).toContain('. "$(dirname "${BASH_SOURCE[0]}")/bundle.env"');
    expect(block).toContain("filter_env()");
    expect(declared).toEqual(expect.arrayContaining(["TUNNEL_TOKEN", "KOPIA_PASSWORD", "WIREGUARD_PRIVATE_KEY"]));
  });

  for (const attempt of SMUGGLING) {
    it(`refuses ${attempt.name}, naming no value`, () => {
      expect(oldGateAccepts(attempt.text)).toBe(true); // the attack passed the gate before
      const res = gateFilter(`${envText(validValues())}\n${attempt.text}\n`);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/refusing \.env: line \d+/);
      expect(res.stderr).not.toContain("evil");
      expect(res.written).toBeUndefined();
    });
    it.skipIf(!compose2.present)(`Compose v2 really reads ${attempt.name} that way${compose2.missing}`, () => {
      const got = composeReads(attempt.text, candidates(attempt.text));
      for (const [name, value] of Object.entries(attempt.composeSets)) expect(got[name], name).toBe(value);
    });
  }

  it("refuses an undeclared name, a missing one, an unquoted value, a control character, export and YAML style", () => {
    const values = validValues();
    const cases = [
      `${envText(values)}\nCOMPOSE_FILE='/x.yml'`,
      envText(Object.fromEntries(Object.entries(values).filter(([n]) => n !== "KOPIA_PASSWORD"))),
      envText(values).replace(/^KOPIA_PASSWORD='[^\n]*'$/m, "KOPIA_PASSWORD=plain"),
      envText(values).replace(/^KOPIA_PASSWORD='[^\n]*'$/m, "KOPIA_PASSWORD='a\tb'"),
      envText(values).replace(/^KOPIA_PASSWORD='[^\n]*'$/m, "KOPIA_PASSWORD='a'\r"),
      envText(values).replace(/^KOPIA_PASSWORD=/m, "export KOPIA_PASSWORD="),
      envText(values).replace(/^KOPIA_PASSWORD=/m, "KOPIA_PASSWORD: "),
      envText(values).replace(/^KOPIA_PASSWORD='[^\n]*'$/m, "KOPIA_PASSWORD=''"),
      `# comment\n${envText(values)}`,
    ];
    for (const text of cases) {
      const res = gateFilter(`${text}\n`);
      expect(res.status, text).toBe(1);
      expect(res.written, text).toBeUndefined();
    }
  });

  it("keeps the current .env when stdin has no line", () => {
    const res = gateFilter("");
    expect(res.status).toBe(0);
    expect(res.written).toBe("");
  });

  it.skipIf(!compose2.present)(`writes a valid .env that Compose v2 reads exactly as sent, setting nothing else${compose2.missing}`, () => {
    const values = validValues();
    const res = gateFilter(`${envText(values)}\n`);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.written).toBe(`${envText(values)}\n`);
    const got = composeReads(res.written ?? "", candidates(res.written ?? ""));
    for (const [name, value] of Object.entries(got)) expect(value, name).toBe(values[name]);
  });
});

describe("deploy-gate.sh: the tunnel token belongs to this model", () => {
  const other = "fedcba9876543210fedcba9876543210";
  const withToken = (token: string) => `${envText({ ...validValues(), TUNNEL_TOKEN: token })}\n`;

  it("accepts a token of the model's account and reports its tunnel id", () => {
    const res = gateFilter(withToken(tunnelToken(account)));
    expect(res.status).toBe(0);
    expect(res.tunnelId).toBe(TUNNEL);
    expect(gateFilter(withToken(tunnelToken(account).replace(/=+$/, ""))).status).toBe(0); // unpadded
  });

  it("refuses a token of another Cloudflare account (an attacker's tunnel)", () => {
    expect(oldGateAccepts(withToken(tunnelToken(other)))).toBe(true);
    const res = gateFilter(withToken(tunnelToken(other)));
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`TUNNEL_TOKEN refused: it belongs to Cloudflare account ${other}, the model's is ${account}`);
  });

  it("refuses a token of another tunnel than the one the host runs (pinned after a healthy deploy)", () => {
    const res = gateFilter(withToken(tunnelToken(account)), "11111111-2222-4333-8444-555555555555");
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`it is for tunnel ${TUNNEL}, this host runs tunnel 11111111-2222-4333-8444-555555555555`);
    expect(gateFilter(withToken(tunnelToken(account)), TUNNEL).status).toBe(0);
  });

  it("refuses garbage and a JSON with two account fields (readers take the last)", () => {
    const twoAccounts = b64(`{"a":"${account}","t":"${TUNNEL}","s":"c2VjcmV0","a":"${other}"}`);
    for (const token of ["not-a-token", b64("{}"), twoAccounts]) {
      const res = gateFilter(withToken(token));
      expect(res.status, token).toBe(1);
      expect(res.stderr).toContain("TUNNEL_TOKEN refused");
    }
  });
});

describe.each(Object.entries(FIXTURES))(
  "fixture %s: every compose invocation on the host names its project, file and env file",
  (_, fixture) => {
    const files = renderBundle(synth(fixture).host);
    const unit = "etc/systemd/system/servarr-compose.service";
    const invocations = [...files]
      .filter(([name]) => name.endsWith(".sh") || name === unit)
      .flatMap(([name, text]) =>
        text
          .split("\n")
          .filter((l) => /docker compose /.test(l) && !/docker compose version/.test(l) && !l.trim().startsWith("#"))
          .map((l) => [name, l] as const),
      );

    it("boot unit (installed by setup.sh), deploy.sh and restore.sh: --project-name, --project-directory, --file, --env-file", () => {
      const restore = files.has("restore.sh") ? ["restore.sh"] : [];
      expect(invocations.map(([name]) => name).sort()).toEqual(["deploy.sh", unit, unit, ...restore]);
      for (const [name, line] of invocations)
        for (const flag of ["--project-name", "--project-directory", "--file", "--env-file"])
          expect(line, `${name}: ${line}`).toContain(flag);
    });

    it("the boot unit starts only the last healthy deployment (current/), and only if there is one", () => {
      const setup = files.get(unit) ?? "";
      const current = `/var/lib/servarr/deploy/${fixture.name}/current`;
      expect(setup).toContain(`ConditionPathExists=${current}/compose.yaml`);
      expect(setup).toMatch(new RegExp(`ExecStart=.* --file ${current}/compose.yaml --env-file ${current}/.env up --detach`));
    });
  },
);

describe("the .env value rule is one rule in bash (the gate) and in TypeScript (npm run setup -- env)", () => {
  const values = ["plain", "val$ue #x", "a b", "", "it's", "ends\\", "two\nlines", "tab\there", "ünïcode", "=", "x".repeat(500)];
  it.each(values.map((v) => [JSON.stringify(v), v]))("%s: both accept or both refuse", (_, value) => {
    const bash = spawnSync("bash", ["-c", `${ENV_VALUE_OK_BASH}\nenv_value_ok "$1"`, "rule", value], {
      env: { ...process.env, LC_ALL: "C" },
    });
    expect(envValueOk(value)).toBe(bash.status === 0);
  });
});
