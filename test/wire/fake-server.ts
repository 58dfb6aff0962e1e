import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A parsed request to a fake app. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  /** JSON body, or the form's fields, or undefined. */
  readonly body: unknown;
}

export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeResponse;

/** A fake app, by default on 127.0.0.1 at an ephemeral port (the e2e's on all addresses at the app's port); `log` records every request for the tests. */
export class FakeServer {
  readonly log: FakeRequest[] = [];
  private server: Server | undefined;
  url = "";

  constructor(private readonly handler: Handler) {}

  /** `port`: a fixed one (a restarted app back at its address), else an ephemeral one; `address`: where it listens. */
  async start(port = 0, address = "127.0.0.1"): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", "http://fake");
        const type = req.headers["content-type"] ?? "";
        const body = !text ? undefined : type.includes("json") ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text).entries());
        const request: FakeRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        this.log.push(request);
        let out: FakeResponse;
        try {
          out = this.handler(request);
        } catch (e) {
          out = { status: 500, body: { message: String(e) } };
        }
        const isText = typeof out.body === "string";
        res.writeHead(out.status, { "Content-Type": isText ? "text/plain" : "application/json", ...out.headers });
        res.end(out.body === undefined ? "" : isText ? out.body : JSON.stringify(out.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, address, resolve));
    this.url = `http://${address}:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Requests that wrote something. */
  get writes(): FakeRequest[] {
    return this.log.filter((r) => r.method !== "GET" && !r.path.endsWith("/auth/login"));
  }
}
