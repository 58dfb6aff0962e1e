import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { HostModel } from "../constructs/model/host-model";
import type { Model } from "./setup";

/** One bootstrap input's verdict; never carries the value. */
export interface InputCheck {
  readonly input: string;
  readonly problem?: string;
}

/** What a shape check reads: the config and the host whose input it is (any host of the config). */
type Shape = (value: string, model: Pick<Model, "config"> & { readonly host: HostModel }) => string | undefined;

const pattern =
  (re: RegExp, what: string): Shape =>
  (v) =>
    re.test(v) ? undefined : `expected ${what}`;

/**
 * Shapes of the inputs servarr itself declares (an app's own secret is only checked for being
 * set). These catch a value pasted into the wrong variable, a key with its newlines lost, a
 * known_hosts line for the wrong name: before anything is applied.
 */
const SHAPES: Readonly<Record<string, Shape>> = {
  cloudflare_api_token: pattern(/^[A-Za-z0-9_-]{40,}$/, "a Cloudflare API token (40 or more letters, digits, '-', '_')"),
  github_token: pattern(/^(github_pat_|ghp_)[A-Za-z0-9_]{20,}$/, "a GitHub token (github_pat_… fine-grained, or ghp_…)"),
  tf_api_token: pattern(/^[A-Za-z0-9]+\.atlasv1\.[A-Za-z0-9_-]{20,}$/, "a Terraform Cloud API token (….atlasv1.…)"),
  tf_plan_token: pattern(/^[A-Za-z0-9]+\.atlasv1\.[A-Za-z0-9_-]{20,}$/, "a Terraform Cloud API token (….atlasv1.…)"),
  google_oauth_client_id: pattern(
    /^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$/,
    "an OAuth client id ending in .apps.googleusercontent.com",
  ),
  google_oauth_client_secret: pattern(/^\S{10,}$/, "the OAuth client secret (GOCSPX-…)"),
  wireguard_private_key: pattern(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, "a WireGuard private key (44 characters of base64)"),
  wireguard_addresses: pattern(
    /^[0-9a-fA-F.:]+\/\d{1,3}(,\s*[0-9a-fA-F.:]+\/\d{1,3})*$/,
    "address/prefix pairs separated by commas, e.g. 10.64.0.2/32",
  ),
  google_credentials: (v, model) => {
    if (v.includes("\n")) return "the key JSON on one line (jq -c . key.json)";
    try {
      const key = JSON.parse(v) as { type?: string; project_id?: string; private_key?: string; client_email?: string };
      if (key.type !== "service_account" || !key.private_key || !key.client_email) return "a service account key (type service_account)";
      if (key.project_id !== model.config.google.projectId)
        return `a key of project ${model.config.google.projectId} (google.projectId), not ${key.project_id}`;
      return undefined;
    } catch {
      return "the service account key JSON";
    }
  },
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
    const out = execFileSync("ssh-keygen", ["-y", "-P", "", "-f", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
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
