import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_SWITCH } from "../../../stacks/setup/cli";
import { tool } from "../../tool";

/**
 * The real setup command (`node dist/stacks/setup/cli.js`, what `npm run setup --` runs after
 * its build) with bad input: each case ends within seconds, with one line on stderr that says
 * what was wrong, a non-zero exit, no Node stack trace and nothing written. It runs on whatever
 * the user's config is, so nothing here names a host or an app of it.
 */
const root = path.resolve(__dirname, "../../..");
const cli = path.join(root, "dist/stacks/setup/cli.js");
// Under /tmp itself, not the test run's private TMPDIR: the unwritable case runs as another user, who must reach it.
const scratch = mkdtempSync("/tmp/servarr-setup-cli-");
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const STATE = path.resolve(__dirname, "../../fixtures/state/servarr.tfstate.json");
const BOUND_MS = 10_000;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, "bin/servarr-synth.cjs"), "--build-only"], { cwd: root, stdio: "pipe" });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function setup(args: string[], options: { env?: NodeJS.ProcessEnv; uid?: number } = {}): Run {
  const started = Date.now();
  const res = spawnSync(process.execPath, [cli, ...args], {
    cwd: scratch,
    encoding: "utf8",
    // The steps themselves: the order checks before them are test/stacks/setup/setup-order.test.ts's.
    env: { ...(options.env ?? { PATH: process.env.PATH }), [ORDER_SWITCH]: "off" },
    timeout: 3 * BOUND_MS,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr, ms: Date.now() - started };
}

/** One line on stderr matching `line`, the exit code, quickly, no stack trace, nothing on stdout. */
function expectOneLine(run: Run, status: number, line: RegExp): void {
  expect(run.ms).toBeLessThan(BOUND_MS);
  expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(run.stderr.trimEnd().split("\n"), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^servarr setup: /);
  expect(run.stderr).toMatch(line);
  expect(run.stdout).toBe("");
  expect(run.status).toBe(status);
}

const file = path.join(scratch, "a-file");
writeFileSync(file, "x");

describe("usage errors: exit 2, one line saying what was wrong", () => {
  it.each([
    [[], /no step given; one of help, init, deploy-key, known-hosts, check, ready, env/],
    [["nope"], /unknown step "nope"/],
    [["deploy-key", "--bogus"], /deploy-key: unknown option --bogus; deploy-key takes --dir/],
    [["deploy-key", "--dir"], /deploy-key: --dir needs a value/],
    [["deploy-key", "--dir", "--bogus"], /deploy-key: --dir needs a value/],
    [["deploy-key", "--dir="], /deploy-key: --dir needs a value, not an empty string/],
    [["check", "extra"], /check: unexpected argument "extra"/],
    [["known-hosts"], /known-hosts: the host's address is missing \(npm run setup -- known-hosts 192\.168\.1\.10\)/],
    [["known-hosts", "192.168.1.10", "--port", "99999"], /known-hosts: --port 99999: a TCP port from 1 to 65535/],
    [["known-hosts", "192.168.1.10", "--port", "ssh"], /known-hosts: --port ssh: a TCP port from 1 to 65535/],
    [["known-hosts", "--", "-oProxyCommand=touch x"], /known-hosts: "-oProxyCommand=touch x" is not an IP address or host name/],
    [["env"], /env: --outputs <file> is missing/],
    [["init"], /init: --from <example> is missing; one of examples\/two-hosts\.config\.ts/],
    [["init", "--from", "package.json"], /init: --from package\.json: not an example; one of examples\//],
    [["init", "--from", "examples/two-hosts.config.ts"], /init: servarr\.config\.ts exists: not replacing it without --force/],
  ])("%j", (args, line) => {
    expectOneLine(setup(args as string[]), 2, line);
  });

  it("help prints the usage and exits 0", () => {
    const run = setup(["help"]);
    expect(run.stdout).toMatch(/^usage: npm run setup -- <step>/);
    expect(run.status).toBe(0);
  });
});

describe("path arguments are checked before anything is read or written: exit 2, one line", () => {
  const fifo = path.join(scratch, "fifo");
  spawnSync("mkfifo", [fifo]);
  it.each([
    // Node's recursive mkdir spins forever under /proc (ENOENT for the child of an existing directory): refused by name.
    [["deploy-key", "--dir", "/proc/nope"], /--dir \/proc\/nope: inside \/proc, a file system of the kernel/],
    [["deploy-key", "--dir", "/sys/nope/keys"], /--dir \/sys\/nope\/keys: inside \/sys/],
    [["deploy-key", "--dir", "/dev/null/x"], /--dir \/dev\/null\/x: inside \/dev/],
    [["deploy-key", "--dir", `${file}/keys`], /--dir .*a-file\/keys: .*a-file is a file, not a directory/],
    [["deploy-key", "--dir", file], /--dir .*a-file: a file, not a directory/],
    [["env", "--outputs", "/nonexistent.json"], /--outputs \/nonexistent\.json: no such file/],
    [["env", "--outputs", "/dev/zero"], /--outputs \/dev\/zero: inside \/dev/],
    [["env", "--outputs", scratch], /--outputs .*: a directory, not a file/],
    // A FIFO would block the read forever.
    [["env", "--outputs", fifo], /--outputs .*fifo: not a regular file/],
    [["env", "--outputs", STATE, "--out", "/proc/x.env"], /--out \/proc\/x\.env: inside \/proc/],
    [["env", "--outputs", STATE, "--out", `${file}/x.env`], /--out .*a-file\/x\.env: .*a-file is a file, not a directory/],
    [["env", "--outputs", STATE, "--out", scratch], /--out .*: a directory, not a file/],
  ])("%j", (args, line) => {
    expectOneLine(setup(args as string[]), 2, line);
  });

  // Root writes anywhere: the unwritable case runs as nobody when the tests run as root.
  const asRoot = process.getuid?.() === 0;
  const locked = path.join(scratch, "locked");
  mkdirSync(locked, { mode: 0o555 });
  chmodSync(locked, 0o555);
  it.each([
    [["deploy-key", "--dir", path.join(locked, "keys")], /--dir .*locked\/keys: .*locked is not writable by you/],
    [["env", "--outputs", STATE, "--out", path.join(locked, "x.env")], /--out .*locked\/x\.env: .*locked is not writable by you/],
  ])("%j (unwritable)", (args, line) => {
    expectOneLine(setup(args as string[], asRoot ? { uid: 65534 } : {}), 2, line);
  });
});

describe("a refused step: exit 1, one line, nothing written", () => {
  it("env --host naming no host of the config", () => {
    expectOneLine(setup(["env", "--outputs", STATE, "--host", "no-such-host"]), 1, /--host no-such-host: one of .*; nothing was written\./);
  });

  it("env --outputs that is not JSON", () => {
    expectOneLine(setup(["env", "--outputs", file]), 1, /the outputs file is not JSON/);
  });

  const keyscan = tool("ssh-keyscan", "sh", ["-c", "command -v ssh-keyscan"]);
  it.skipIf(!keyscan.present)(`known-hosts at an address where nothing answers ends within seconds${keyscan.missing}`, () => {
    expectOneLine(setup(["known-hosts", "127.0.0.1", "--port", "9"]), 1, /no ed25519 host key from 127\.0\.0\.1:9/);
  });
});

describe("check names each input and the kind it found, never the value", () => {
  it("a GitHub token in the Cloudflare variable, a WireGuard key of the wrong length, a short password", () => {
    const github = `ghp_${"A1b2".repeat(9)}`;
    const run = setup(["check"], {
      env: {
        PATH: process.env.PATH,
        TF_VAR_cloudflare_api_token: github,
        TF_VAR_wireguard_private_key: Buffer.alloc(31, 7).toString("base64"),
        TF_VAR_kopia_password: "x",
      },
    });
    expect(run.ms).toBeLessThan(BOUND_MS);
    expect(run.status).toBe(1);
    const lines = run.stderr.split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(/^problem TF_VAR_cloudflare_api_token: expected a Cloudflare API token; this looks like a GitHub token$/),
    );
    // Inputs the user's config does not declare are not checked at all; the ones it does are named.
    for (const line of lines.filter((l) => l.includes("TF_VAR_wireguard_private_key"))) expect(line).toMatch(/32 bytes in base64/);
    for (const line of lines.filter((l) => l.includes("TF_VAR_kopia_password"))) expect(line).toMatch(/at least 16 characters/);
    expect(run.stdout + run.stderr).not.toContain(github);
    expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });
});

describe("deploy-key and env write where they are told, and only there", () => {
  const keygen = tool("ssh-keygen", "sh", ["-c", "command -v ssh-keygen"]);
  it.skipIf(!keygen.present)(
    `deploy-key --dir makes the directories one level at a time (0700) and the key (0600)${keygen.missing}`,
    () => {
      const dir = path.join(scratch, "new", "keys");
      const run = setup(["deploy-key", "--dir", dir]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^ {2}"ssh-ed25519 AAAA[A-Za-z0-9+/=]+ [a-z0-9-]+-deploy",$/m);
      expect(readFileSync(path.join(dir, "deploy_key"), "utf8")).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    },
  );
});
