import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

/** One request a notification channel stand-in received. */
export interface Received {
  readonly path?: string;
  readonly title?: string;
  readonly type?: string;
  readonly body: string;
}

/**
 * A local HTTP receiver standing for the notification channel (ntfy or Apprise), started before
 * the file's tests and closed after them: `received` collects every request, `url()` is its
 * address with a topic path.
 */
export function localReceiver(topic = "/servarr-topic"): { readonly received: Received[]; url: () => string } {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      received.push({ path: req.url, title: req.headers.title as string | undefined, type: req.headers["content-type"], body });
      res.end("ok");
    });
  });
  let address = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}${topic}`;
  });
  afterAll(() => server.close());
  return { received, url: () => address };
}
