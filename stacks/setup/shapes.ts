import { isIP } from "node:net";

/**
 * What a secret looks like, by the shapes its vendor documents, so `setup check` can say "this
 * is a GitHub token, not a Cloudflare one" without ever printing the value. Sources:
 * - Cloudflare: developers.cloudflare.com/fundamentals/api/get-started/token-formats (user API
 *   token `cfut_`, account API token `cfat_`, Global API Key `cfk_`: 40 characters and a
 *   checksum; tokens created before the prefixes are 40 characters of [A-Za-z0-9_-]).
 * - GitHub: docs.github.com, "About authentication to GitHub", GitHub's token formats (`ghp_`
 *   classic personal access token, `github_pat_` fine-grained, `gho_` OAuth, `ghu_` user-to-server,
 *   `ghs_` server-to-server, `ghr_` refresh token).
 * - Terraform Cloud: API tokens `<id>.atlasv1.<secret>`.
 * - Google: a service account key is JSON with "type": "service_account"; OAuth client secrets
 *   begin `GOCSPX-`; client ids end `.apps.googleusercontent.com`.
 * - WireGuard: wg(8), a key is 32 bytes in base64 (44 characters, one '=').
 */
export interface Kind {
  readonly name: string;
  readonly test: (value: string) => boolean;
}

const GITHUB = /^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})$/;
const CLOUDFLARE_TOKEN = /^cf(?:ut|at)_[A-Za-z0-9_-]{40,}$/;
const CLOUDFLARE_GLOBAL_KEY = /^(?:cfk_[A-Za-z0-9_-]{40,}|[a-f0-9]{37})$/;
const TFC = /^[A-Za-z0-9]+\.atlasv1\.[A-Za-z0-9_-]{20,}$/;

function json(value: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Kinds recognized in any input, most specific first. */
export const KINDS: readonly Kind[] = [
  { name: "a GitHub token", test: (v) => GITHUB.test(v) },
  { name: "a Cloudflare API token", test: (v) => CLOUDFLARE_TOKEN.test(v) },
  { name: "a Cloudflare Global API Key", test: (v) => CLOUDFLARE_GLOBAL_KEY.test(v) },
  { name: "a Terraform Cloud token", test: (v) => TFC.test(v) },
  { name: "a Google service account key", test: (v) => json(v)?.type === "service_account" },
  { name: "a Google OAuth client secret", test: (v) => v.startsWith("GOCSPX-") },
  { name: "a Google OAuth client id", test: (v) => v.endsWith(".apps.googleusercontent.com") },
  { name: "an SSH private key", test: (v) => v.includes("PRIVATE KEY-----") },
  { name: "an SSH public key", test: (v) => /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-\S+) AAAA/.test(v) },
  { name: "a URL", test: (v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) },
  { name: "a WireGuard key", test: (v) => wireguardKey(v) },
];

/** The kind a value looks like, if it is one of KINDS. */
export function kindOf(value: string): string | undefined {
  return KINDS.find((k) => k.test(value))?.name;
}

/** 32 bytes, canonical base64 (what `wg genkey` prints). */
export function wireguardKey(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return false;
  const bytes = Buffer.from(value, "base64");
  return bytes.length === 32 && bytes.toString("base64") === value;
}

export type Shape = (value: string) => string | undefined;

/** A shape that names the kind it found when the value is another recognized kind. */
export function expecting(what: string, own: string | undefined, ok: Shape): Shape {
  return (value) => {
    const problem = ok(value);
    if (problem === undefined) return undefined;
    const seen = kindOf(value);
    return seen !== undefined && seen !== own ? `expected ${what}; this looks like ${seen}` : problem;
  };
}

export const cloudflareToken: Shape = expecting("a Cloudflare API token", "a Cloudflare API token", (v) => {
  if (CLOUDFLARE_GLOBAL_KEY.test(v)) return "a Cloudflare API token, not the Global API Key (it has your whole account's access)";
  if (kindOf(v) !== undefined && !CLOUDFLARE_TOKEN.test(v)) return "a Cloudflare API token";
  return CLOUDFLARE_TOKEN.test(v) || /^[A-Za-z0-9_-]{40}$/.test(v)
    ? undefined
    : "expected a Cloudflare API token (cfut_… or cfat_…, or 40 letters, digits, '-', '_' if created before 2025)";
});

export const githubToken: Shape = expecting("a GitHub token", "a GitHub token", (v) => {
  if (/^gh[usr]_/.test(v))
    return "a personal access token (github_pat_… or ghp_…): ghu_/ghs_ tokens expire within hours, ghr_ is a refresh token";
  return /^(?:github_pat_[A-Za-z0-9_]{30,}|gh[po]_[A-Za-z0-9]{30,})$/.test(v)
    ? undefined
    : "expected a GitHub token (github_pat_… fine-grained, ghp_… classic, or gho_… from gh auth token)";
});

export const terraformCloudToken: Shape = expecting("a Terraform Cloud API token", "a Terraform Cloud token", (v) =>
  TFC.test(v) ? undefined : "expected a Terraform Cloud API token (….atlasv1.…)",
);

export const wireguardPrivateKey: Shape = expecting("a WireGuard private key", "a WireGuard key", (v) =>
  wireguardKey(v) ? undefined : "expected a WireGuard private key: 32 bytes in base64, 44 characters ending in '=' (wg genkey)",
);

export const wireguardAddresses: Shape = (v) => {
  const ok = v.split(",").every((pair) => {
    const [address, prefix, ...rest] = pair.trim().split("/");
    const family = isIP(address ?? "");
    const bits = /^\d{1,3}$/.test(prefix ?? "") ? Number(prefix) : -1;
    return rest.length === 0 && family !== 0 && bits >= 0 && bits <= (family === 4 ? 32 : 128);
  });
  return ok ? undefined : "expected address/prefix pairs separated by commas, e.g. 10.64.0.2/32";
};

export const oauthClientId: Shape = expecting("a Google OAuth client id", "a Google OAuth client id", (v) =>
  /^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$/.test(v)
    ? undefined
    : "expected an OAuth client id ending in .apps.googleusercontent.com",
);

export const oauthClientSecret: Shape = expecting("the Google OAuth client secret", "a Google OAuth client secret", (v) =>
  /^GOCSPX-[A-Za-z0-9_-]{20,}$/.test(v) ? undefined : "expected the OAuth client secret of a Web application client (GOCSPX-…)",
);

/** The notification URL: http(s), a host, and the path the kind posts to. */
export function notifyUrl(kind: "ntfy" | "apprise" | undefined): Shape {
  return (v) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return "expected a URL (https://…)";
    }
    if (!["http:", "https:"].includes(url.protocol) || url.hostname === "" || /\s/.test(v)) return "expected an http(s) URL with a host";
    if (kind === "ntfy" && url.pathname.split("/").filter(Boolean).length !== 1)
      return "expected an ntfy topic URL: https://<server>/<topic> (credentials in the URL if the topic needs them)";
    if (kind === "apprise" && !/^\/notify\/[^/]+\/?$/.test(url.pathname)) return "expected an Apprise API URL ending in /notify/<key>";
    return undefined;
  };
}

/** Passwords the owner chooses: long enough to resist guessing offline (a leaked backup, a UI). */
export const MIN_PASSWORD_LENGTH = 16;
export const password: Shape = (v) =>
  v.length >= MIN_PASSWORD_LENGTH && new Set(v).size >= 8
    ? undefined
    : `expected a password of at least ${MIN_PASSWORD_LENGTH} characters with at least 8 different ones (e.g. openssl rand -base64 24)`;

export const userName: Shape = (v) => (/^[A-Za-z0-9._@-]{1,64}$/.test(v) ? undefined : "expected a user name: letters, digits, . _ @ -");

/** A Google service account key for `projectId`, on one line. */
export function googleCredentials(projectId: string): Shape {
  return expecting("a Google service account key", "a Google service account key", (v) => {
    if (v.includes("\n")) return "the key JSON on one line (jq -c . key.json)";
    const key = json(v);
    if (key === undefined) return "expected the service account key JSON";
    if (key.type !== "service_account" || typeof key.private_key !== "string" || !key.private_key.includes("BEGIN PRIVATE KEY"))
      return "expected a service account key (type service_account, with its private_key)";
    if (typeof key.client_email !== "string" || !key.client_email.endsWith(".iam.gserviceaccount.com"))
      return "expected a service account key (its client_email ends in .iam.gserviceaccount.com)";
    if (key.project_id !== projectId) return `a key of project ${projectId} (google.projectId), not ${String(key.project_id)}`;
    return undefined;
  });
}
