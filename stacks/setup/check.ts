import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { HostModel } from "../../constructs/model/host-model";
import * as shape from "./shapes";
import { type Model, TOOL_TIMEOUT_MS } from "./steps";

/** One bootstrap input's verdict; never carries the value. */
export interface InputCheck {
  readonly input: string;
  readonly problem?: string;
}

/** What a shape check reads: the config and the host whose input it is (any host of the config). */
type Shape = (value: string, model: Pick<Model, "config"> & { readonly host: HostModel }) => string | undefined;

/**
 * Shapes of the inputs servarr itself declares (stacks/setup/shapes.ts: each by what its vendor
 * documents); an app's own secret is only checked for being set. These catch a value pasted into
 * the wrong variable, a key with its newlines lost, a known_hosts line for the wrong name: before
 * anything is applied.
 */
const SHAPES: Readonly<Record<string, Shape>> = {
  cloudflare_api_token: (v) => shape.cloudflareToken(v),
  github_token: (v) => shape.githubToken(v),
  tf_api_token: (v) => shape.terraformCloudToken(v),
  tf_plan_token: (v) => shape.terraformCloudToken(v),
  google_oauth_client_id: (v) => shape.oauthClientId(v),
  google_oauth_client_secret: (v) => shape.oauthClientSecret(v),
  wireguard_private_key: (v) => shape.wireguardPrivateKey(v),
  wireguard_addresses: (v) => shape.wireguardAddresses(v),
  notify_url: (v, model) => shape.notifyUrl(model.host.recovery.notify?.kind)(v),
  kopia_password: (v) => shape.password(v),
  kopia_server_password: (v) => shape.password(v),
  kopia_server_username: (v) => shape.userName(v),
  google_credentials: (v, model) => shape.googleCredentials(model.config.google.projectId)(v),
  ssh_known_hosts: (v, model) => {
    const hostname = model.host.ssh.hostname;
    const lines = v.trim().split("\n");
    return lines.every((l) =>
      new RegExp(`^${hostname.replace(/\./g, "\\.")} (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$`).test(l),
    )
      ? undefined
      : `a known_hosts line for ${hostname} (the name the deploy connects to): npm run setup -- known-hosts <host address>`;
  },
  ssh_private_key: (v, model) => {
    if (!/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n?$/.test(v))
      return "an OpenSSH private key with its line breaks (the whole deploy_key file)";
    const publicHalf = publicKeyOf(v);
    if (publicHalf === undefined) return "a private key ssh-keygen can read, without a passphrase";
    const declared = model.host.machine.deployKeys;
    return declared.some((k) => k.split(/\s+/).slice(0, 2).join(" ") === publicHalf)
      ? undefined
      : "the private half of a key in machine.deployKeys (its public half is not declared there)";
  },
};

/** `ssh-keygen -y` on a private key, in a private temp dir removed at once. */
function publicKeyOf(privateKey: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "servarr-key-"));
  try {
    const file = path.join(dir, "key");
    writeFileSync(file, privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`, { mode: 0o600 });
    const out = execFileSync("ssh-keygen", ["-y", "-P", "", "-f", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: TOOL_TIMEOUT_MS,
    });
    return out.trim().split(/\s+/).slice(0, 2).join(" ");
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The shape check of an input: a further host's inputs carry its prefix (nas_ssh_known_hosts) and are checked against that host. */
function shapeOf(name: string, model: Model): ((value: string) => string | undefined) | undefined {
  const own = SHAPES[name];
  if (own) return (v) => own(v, model);
  const host = model.host.account.hosts.find((h) => h.outputPrefix !== "" && name.startsWith(h.outputPrefix));
  const shape = host ? SHAPES[name.slice(host.outputPrefix.length)] : undefined;
  return host && shape ? (v) => shape(v, { ...model, host }) : undefined;
}

/** Every bootstrap input (TF_VAR_<name> in `env`), checked for presence and, where known, shape. */
export function checkBootstrapInputs(model: Model, env: NodeJS.ProcessEnv): InputCheck[] {
  const inputs = Object.keys(model.stacks.get("bootstrap")?.variable ?? {}).sort();
  return inputs.map((name) => {
    const input = `TF_VAR_${name}`;
    const value = env[input];
    if (value === undefined || value.trim() === "") return { input, problem: "not set (read -rs it and export it)" };
    const problem = shapeOf(name, model)?.(value);
    return problem === undefined ? { input } : { input, problem };
  });
}
