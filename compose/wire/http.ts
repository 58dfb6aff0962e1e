/** The wire job's HTTP: JSON or form bodies over fetch, one error type that names the call. */

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly cookie?: string;
}

export class WireError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export interface Call {
  readonly method?: "GET" | "POST" | "PUT";
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
}

/** One call; a non-2xx answer becomes a WireError with the app's own message (never a secret: requests are not echoed). */
export async function call(app: string, url: string, c: Call = {}): Promise<Reply> {
  const headers: Record<string, string> = { Accept: "application/json", ...c.headers };
  let body: string | undefined;
  if (c.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(c.json);
  } else if (c.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(c.form).toString();
  }
  const method = c.method ?? (body === undefined ? "GET" : "POST");
  const path = new URL(url).pathname;
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new WireError(`${app}: ${method} ${path}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text (qBittorrent answers "Ok.")
  }
  if (!response.ok) {
    const detail =
      response.status === 401 || response.status === 403 ? "the key was refused (wrong API key or password?)" : summary(parsed);
    throw new WireError(`${app}: ${method} ${path}: HTTP ${response.status}: ${detail}`, response.status);
  }
  const cookie = response.headers.get("set-cookie") ?? undefined;
  return { status: response.status, body: parsed, ...(cookie ? { cookie } : {}) };
}

/** The app's error message, short: the arrs answer a list of validation failures. */
function summary(body: unknown): string {
  if (Array.isArray(body))
    return body.map((e) => (e as { propertyName?: string; errorMessage?: string }).errorMessage ?? JSON.stringify(e)).join("; ");
  if (body && typeof body === "object") {
    const o = body as { message?: string; error?: string };
    return o.message ?? o.error ?? JSON.stringify(body).slice(0, 200);
  }
  return String(body ?? "").slice(0, 200);
}
