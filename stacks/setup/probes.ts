import { createSign } from "node:crypto";

/**
 * What `npm run setup -- ready <step>` asks the real accounts, with the credentials the owner
 * already exported for the bootstrap. Each probe reads one thing and changes nothing; none
 * prints or returns a secret. The transport is injectable: tests answer with fakes that check
 * every request (test/stacks/setup-order.test.ts).
 */
export type Http = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<HttpAnswer>;
export interface HttpAnswer {
  readonly status: number;
  json(): Promise<unknown>;
}

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
const TFC = "https://app.terraform.io/api/v2";
const CLOUDFLARE = "https://api.cloudflare.com/client/v4";

/** A probe's answer: what it found, or why it could not tell (never a secret). */
export type Probed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

interface ServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
  readonly token_uri?: string;
}

/** An OAuth access token for a service account key (JWT bearer grant, RS256), from Google's token endpoint only. */
async function googleToken(http: Http, keyJson: string): Promise<Probed<string>> {
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(keyJson) as ServiceAccountKey;
  } catch {
    return { ok: false, reason: "TF_VAR_google_credentials is not JSON" };
  }
  // The key is sent nowhere but Google: a key file naming another token endpoint is refused.
  if ((key.token_uri ?? GOOGLE_TOKEN_URI) !== GOOGLE_TOKEN_URI)
    return { ok: false, reason: `the key's token_uri is not ${GOOGLE_TOKEN_URI}` };
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const unsigned = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({
    iss: key.client_email,
    scope: "https://www.googleapis.com/auth/cloud-platform",
    aud: GOOGLE_TOKEN_URI,
    iat: now,
    exp: now + 600,
  })}`;
  let signature: string;
  try {
    signature = createSign("RSA-SHA256").update(unsigned).sign(key.private_key).toString("base64url");
  } catch {
    return { ok: false, reason: "the key's private_key cannot sign (not a PEM RSA key)" };
  }
  const answer = await http(GOOGLE_TOKEN_URI, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: `${unsigned}.${signature}`,
    }).toString(),
  });
  const body = (await answer.json().catch(() => ({}))) as { access_token?: string };
  if (answer.status !== 200 || typeof body.access_token !== "string")
    return { ok: false, reason: `Google refused the service account key (HTTP ${answer.status}): a deleted or disabled key?` };
  return { ok: true, value: body.access_token };
}

/** The state of each Google API on the project ("ENABLED", "DISABLED"), as the servarr stack's service account sees it. */
export async function googleServices(
  http: Http,
  keyJson: string,
  project: string,
  services: readonly string[],
): Promise<Probed<Record<string, string>>> {
  const token = await googleToken(http, keyJson);
  if (!token.ok) return token;
  const states: Record<string, string> = {};
  for (const service of services) {
    const answer = await http(`https://serviceusage.googleapis.com/v1/projects/${encodeURIComponent(project)}/services/${service}`, {
      method: "GET",
      headers: { authorization: `Bearer ${token.value}` },
    });
    const body = (await answer.json().catch(() => ({}))) as {
      state?: string;
      error?: { message?: string; details?: Array<{ reason?: string }> };
    };
    if (answer.status === 200 && typeof body.state === "string") states[service] = body.state;
    else if (body.error?.details?.some((d) => d.reason === "SERVICE_DISABLED"))
      states[service] = "DISABLED (and serviceusage.googleapis.com with it)";
    else
      return { ok: false, reason: `Service Usage answered HTTP ${answer.status} for ${service}: ${body.error?.message ?? "no message"}` };
  }
  return { ok: true, value: states };
}

/** Whether `token` can see the workspace (a team token without access gets 404, like a missing workspace). */
export async function workspaceVisible(http: Http, token: string, organization: string, workspace: string): Promise<Probed<boolean>> {
  const answer = await http(`${TFC}/organizations/${encodeURIComponent(organization)}/workspaces/${encodeURIComponent(workspace)}`, {
    method: "GET",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.api+json" },
  });
  if (answer.status === 200) return { ok: true, value: true };
  if (answer.status === 404) return { ok: true, value: false };
  return { ok: false, reason: `Terraform Cloud answered HTTP ${answer.status} (a token that is not valid?)` };
}

/** The zone's entry-point ruleset of a phase: its id and how many rules it holds, or undefined when there is none. */
export async function entryPointRuleset(
  http: Http,
  token: string,
  zoneId: string,
  phase: string,
): Promise<Probed<{ id: string; rules: number } | undefined>> {
  const answer = await http(`${CLOUDFLARE}/zones/${zoneId}/rulesets/phases/${phase}/entrypoint`, {
    method: "GET",
    headers: { authorization: `Bearer ${token}` },
  });
  if (answer.status === 404) return { ok: true, value: undefined };
  const body = (await answer.json().catch(() => ({}))) as { result?: { id?: string; rules?: unknown[] } };
  if (answer.status === 200 && typeof body.result?.id === "string")
    return { ok: true, value: { id: body.result.id, rules: body.result.rules?.length ?? 0 } };
  return { ok: false, reason: `Cloudflare answered HTTP ${answer.status} (the token needs Zone · Cache Rules · Edit on the zone)` };
}

/** The real transport: Node's fetch, with a timeout. */
export const realHttp: Http = async (url, init) => {
  const answer = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  return { status: answer.status, json: () => answer.json() };
};
