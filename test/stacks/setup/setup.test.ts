import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServarrConfig } from "../../../stacks/config";
import * as checks from "../../../stacks/setup/check";
import { runSetup } from "../../../stacks/setup/cli";
import * as steps from "../../../stacks/setup/steps";
import {
  envSources,
  generateDeployKey,
  knownHostsLine,
  loadModel,
  readOutputs,
  SetupError,
  writeFirstEnv,
} from "../../../stacks/setup/steps";
import { FIXTURES } from "../../fixtures";

const full = FIXTURES.full as ServarrConfig;
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-setup-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const STATE = path.resolve(__dirname, "../../fixtures/state/servarr.tfstate.json");
const has = (file: string) => existsSync(file);
// In process, the steps' code is imported here (the CLI's entry loads it lazily).
const stepCode = () => ({ steps, checks });
const sshd = "/usr/sbin/sshd";

describe("deploy-key: a real ssh-keygen", () => {
  it.skipIf(!has("/usr/bin/ssh-keygen"))("writes a 0600 ed25519 pair, prints the public line, refuses to replace it", () => {
    const dir = path.join(scratch, "keys");
    const line = generateDeployKey(dir, "servarr-deploy");
    expect(line).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ servarr-deploy$/);
    expect(statSync(path.join(dir, "deploy_key")).mode & 0o777).toBe(0o600);
    const before = readFileSync(path.join(dir, "deploy_key"), "utf8");
    expect(() => generateDeployKey(dir, "x")).toThrow(/exists: not replacing a key/);
    expect(readFileSync(path.join(dir, "deploy_key"), "utf8")).toBe(before);
  });
});

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!has(sshd) || !has("/usr/bin/ssh-keyscan"))("known-hosts: a real sshd on loopback", () => {
  const dir = path.join(scratch, "sshd");
  let port = 0;
  let daemon: ReturnType<typeof spawn> | undefined;
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "host_key")]);
    port = await freePort();
    writeFileSync(
      path.join(dir, "sshd_config"),
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${dir}/host_key`,
        `PidFile ${dir}/sshd.pid`,
        "PasswordAuthentication no",
        "UsePAM no",
        "",
      ].join("\n"),
    );
    daemon = spawn(sshd, ["-D", "-e", "-f", path.join(dir, "sshd_config")], { stdio: "ignore" });
    for (let i = 0; i < 50; i++) {
      try {
        knownHostsLine("probe", "127.0.0.1", port);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(() => daemon?.kill());

  it("prints the host's ed25519 key under ssh.<domain>, not under the address it was scanned at", () => {
    const hostname = loadModel(full).host.ssh.hostname;
    const [type, key] = readFileSync(path.join(dir, "host_key.pub"), "utf8").split(" ");
    expect(knownHostsLine(hostname, "127.0.0.1", port)).toBe(`${hostname} ${type} ${key}`);
  });

  it("fails clearly when nothing answers", async () => {
    const closed = await freePort();
    expect(() => knownHostsLine("ssh.example.com", "127.0.0.1", closed)).toThrow(/no ed25519 host key from 127\.0\.0\.1:\d+/);
  });
});

describe("env: the first .env from a fixture state file", () => {
  const model = loadModel(full);
  const outputs = readOutputs(readFileSync(STATE, "utf8"));
  const inputs = {
    TF_VAR_kopia_password: "a long passphrase",
    TF_VAR_kopia_server_username: "owner",
    TF_VAR_kopia_server_password: "another one",
    TF_VAR_wireguard_private_key: "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
    TF_VAR_wireguard_addresses: "10.64.0.2/32",
  };

  it("derives each variable's source from the model: Terraform-computed ones from outputs, typed ones from TF_VAR_", () => {
    const sources = envSources(model);
    expect(sources.get("TUNNEL_TOKEN")).toEqual({ output: "tunnel_token" });
    expect(sources.get("KOPIA_S3_SECRET_ACCESS_KEY")).toEqual({ output: "backup_s3_secret_access_key" });
    expect(sources.get("WIREGUARD_PRIVATE_KEY")).toEqual({ variable: "wireguard_private_key" });
    expect([...sources.keys()].sort()).toEqual(model.host.secrets.for("host").map((s) => s.name));
  });

  it("writes every host secret, quoted as the deploy gate writes them, mode 0600", () => {
    const file = path.join(scratch, "env", "servarr.env");
    writeFirstEnv(model, outputs, inputs, file);
    const text = readFileSync(file, "utf8");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text).toContain("TUNNEL_TOKEN='fixture-tunnel-token-eyJhIjoiMDEyMyJ9'");
    expect(text).toContain("WIREGUARD_ADDRESSES='10.64.0.2/32'");
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => l.split("=")[0]),
    ).toEqual(model.host.secrets.for("host").map((s) => s.name));
    expect(() => writeFirstEnv(model, outputs, inputs, file)).toThrow(/exists: not replacing it/);
  });

  it("bad input: names each missing value and writes nothing", () => {
    const file = path.join(scratch, "env", "missing.env");
    const partial = new Map([...outputs].filter(([k]) => k !== "tunnel_token"));
    const { TF_VAR_wireguard_addresses: _, ...fewer } = inputs;
    expect(() => writeFirstEnv(model, partial, fewer, file)).toThrow(SetupError);
    try {
      writeFirstEnv(model, partial, fewer, file);
    } catch (error) {
      expect((error as SetupError).problems).toEqual([
        "TUNNEL_TOKEN: output tunnel_token is missing or empty",
        "WIREGUARD_ADDRESSES: TF_VAR_wireguard_addresses is missing or empty",
      ]);
    }
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a value the deploy gate would refuse (a trailing backslash, a quote) and writes nothing", () => {
    const file = path.join(scratch, "env", "refused.env");
    const bad = { ...inputs, TF_VAR_wireguard_addresses: "10.64.0.2/32\\", TF_VAR_kopia_password: "it's" };
    expect(() => writeFirstEnv(model, outputs, bad, file)).toThrow(
      /WIREGUARD_ADDRESSES: TF_VAR_wireguard_addresses is not what the deploy gate accepts/,
    );
    expect(() => writeFirstEnv(model, outputs, bad, file)).toThrow(
      /KOPIA_PASSWORD: TF_VAR_kopia_password is not what the deploy gate accepts/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it("reads `terraform output -json` as well as a state file", () => {
    const json = JSON.stringify({ tunnel_token: { sensitive: true, type: "string", value: "t" } });
    expect(readOutputs(json).get("tunnel_token")).toBe("t");
    expect(() => readOutputs("not json")).toThrow(/not JSON/);
  });
});

describe.skipIf(!has("/usr/bin/ssh-keygen"))("check: bootstrap inputs for shape, never printing a value", () => {
  const dir = path.join(scratch, "check");
  const publicLine = generateDeployKey(dir, "servarr-deploy");
  const privateKey = readFileSync(path.join(dir, "deploy_key"), "utf8");
  const config: ServarrConfig = { ...full, host: { ...full.host, machine: { ...full.host.machine, deployKeys: [publicLine] } } };
  const model = loadModel(config);
  const good: Record<string, string> = {
    TF_VAR_cloudflare_api_token: "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    TF_VAR_github_token: `github_pat_${"A1".repeat(20)}`,
    TF_VAR_google_credentials: JSON.stringify({
      type: "service_account",
      project_id: config.google.projectId,
      private_key: "-----BEGIN PRIVATE KEY-----\n...",
      client_email: "terraform@example.iam.gserviceaccount.com",
    }),
    TF_VAR_google_oauth_client_id: "123456789012-abcdefghijklmnop.apps.googleusercontent.com",
    TF_VAR_google_oauth_client_secret: "GOCSPX-abcdefghijklmnopqrstuvwxyz01",
    TF_VAR_kopia_password: "a long passphrase, not guessed",
    TF_VAR_kopia_server_username: "owner",
    TF_VAR_kopia_server_password: "another long one for the UI",
    TF_VAR_ssh_known_hosts: `${model.host.ssh.hostname} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa`,
    TF_VAR_ssh_private_key: privateKey,
    TF_VAR_tf_api_token: `abcdefghijklmn.atlasv1.${"x".repeat(60)}`,
    TF_VAR_tf_plan_token: `opqrstuvwxyzab.atlasv1.${"y".repeat(60)}`,
    TF_VAR_wireguard_addresses: "10.64.0.2/32, fd7d:76ee:e68f:a993::2/128",
    TF_VAR_wireguard_private_key: "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
  };

  it("accepts a complete, well-formed set (every input the bootstrap stack declares)", () => {
    const results = checks.checkBootstrapInputs(model, good);
    expect(results.map((r) => r.input)).toEqual(
      Object.keys(model.stacks.get("bootstrap")?.variable ?? {})
        .sort()
        .map((n) => `TF_VAR_${n}`),
    );
    expect(results.filter((r) => r.problem)).toEqual([]);
  });

  it.each([
    [
      "TF_VAR_ssh_known_hosts",
      "192.168.1.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa",
      /a known_hosts line for ssh\./,
    ],
    ["TF_VAR_ssh_private_key", privateKey.replace(/\n/g, " "), /with its line breaks/],
    ["TF_VAR_google_credentials", '{\n"type": "service_account"}', /on one line/],
    ["TF_VAR_tf_api_token", "ghp_pasted_into_the_wrong_variable_0000000", /Terraform Cloud API token/],
    ["TF_VAR_tf_plan_token", "ghp_pasted_into_the_wrong_variable_0000000", /Terraform Cloud API token/],
    ["TF_VAR_wireguard_private_key", "not-a-key", /WireGuard private key/],
    ["TF_VAR_kopia_password", "", /not set/],
  ])("%s: refuses a wrong shape, naming the input but not the value", (input, value, problem) => {
    const results = checks.checkBootstrapInputs(model, { ...good, [input]: value });
    const bad = results.filter((r) => r.problem);
    expect(bad).toEqual([{ input, problem: expect.stringMatching(problem) }]);
    if (value.length > 8) expect(JSON.stringify(results)).not.toContain(value);
  });

  it("a private key whose public half is not in machine.deployKeys is refused", () => {
    const other = path.join(scratch, "other");
    generateDeployKey(other, "someone-else");
    const results = checks.checkBootstrapInputs(model, {
      ...good,
      TF_VAR_ssh_private_key: readFileSync(path.join(other, "deploy_key"), "utf8"),
    });
    expect(results.filter((r) => r.problem)).toEqual([
      { input: "TF_VAR_ssh_private_key", problem: expect.stringMatching(/not declared there/) },
    ]);
  });

  it("the CLI exits 1 on a problem and prints no value", () => {
    const out: string[] = [];
    const code = runSetup(
      ["check"],
      config,
      { ...good, TF_VAR_kopia_password: "" },
      (l) => out.push(l),
      (l) => out.push(l),
      stepCode,
    );
    expect(code).toBe(1);
    expect(out.join("\n")).toMatch(/problem TF_VAR_kopia_password: not set/);
    for (const v of Object.values(good)) if (v.length > 8) expect(out.join("\n")).not.toContain(v);
  });
});

describe("the CLI", () => {
  it("exits 2 on an unknown step, saying so; env without --outputs says what is missing and writes nothing", () => {
    const out: string[] = [];
    expect(
      runSetup(
        ["nope"],
        full,
        {},
        (l) => out.push(l),
        (l) => out.push(l),
      ),
    ).toBe(2);
    expect(out.join("\n")).toMatch(/^servarr setup: unknown step "nope"/);
    expect(
      runSetup(
        ["env"],
        full,
        {},
        () => {},
        (l) => out.push(l),
      ),
    ).toBe(2);
    expect(out.join("\n")).toMatch(/env: --outputs <file> is missing/);
  });
});
