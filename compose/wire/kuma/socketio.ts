/**
 * A Socket.IO client over Engine.IO's HTTP long-polling, on fetch alone: Node 20 (the tests)
 * has no WebSocket, and Uptime Kuma admits polling from any caller (its `allowRequest` checks
 * the origin of WebSocket connections only: server/uptime-kuma-server.js, louislam/uptime-kuma
 * 2.5.3). Only what the wire job needs: text packets on the main namespace, events with acks.
 *
 * Engine.IO v4 (socketio/engine.io-protocol README.md, "HTTP long-polling", "Packet encoding"):
 * `GET /socket.io/?EIO=4&transport=polling` answers the open packet `0{"sid",…}`; then GET
 * `…&sid=` receives, POST sends; at most one GET and one POST at a time; packets in one body
 * are joined by `\x1e`; packet types 1 close, 2 ping (the server's, answered by 3 pong),
 * 4 message, 6 noop. Socket.IO v5 (socketio/socket.io-protocol Readme.md): inside a message,
 * `0` connect (`40` asks for the main namespace, the server answers `40{"sid"}`), `1`
 * disconnect, `2` event `2<ack id>["name",…args]`, `3` ack `3<id>[…args]`, `4` connect error.
 */
import { WireError } from "../http.ts";

const ACK_TIMEOUT_MS = 30_000;

export class SocketIo {
  private sid = "";
  private closed = false;
  private failure: Error | undefined;
  private nextId = 0;
  private readonly acks = new Map<number, { resolve: (args: unknown[]) => void; reject: (e: Error) => void }>();
  private readonly seen = new Map<string, unknown[]>();
  private readonly waiters: Array<{ events: readonly string[]; resolve: (event: string) => void; reject: (e: Error) => void }> = [];
  private sending: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly app: string;
  private readonly base: string;

  private constructor(app: string, base: string) {
    this.app = app;
    this.base = base;
  }

  /** Opens a session on `base` and connects to the main namespace; resolves once one of `ready` arrived (the server's handlers are in place). */
  static async connect(app: string, base: string, ready: readonly string[]): Promise<SocketIo> {
    const io = new SocketIo(app, base);
    let text: string;
    let status: number;
    try {
      const res = await fetch(io.url(), { signal: AbortSignal.timeout(ACK_TIMEOUT_MS) });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw new WireError(`${app}: GET /socket.io/: ${(e as Error).cause ?? (e as Error).message}`);
    }
    if (status !== 200 || !text.startsWith("0"))
      throw new WireError(`${app}: GET /socket.io/: HTTP ${status}: no Socket.IO session here (${text.slice(0, 120)})`);
    io.sid = (JSON.parse(text.slice(1)) as { sid: string }).sid;
    void io.poll();
    const connected = io.waitFor(["#connect"]);
    // Handled here too: when the POST fails first, the session's end rejects this one unawaited.
    connected.catch(() => undefined);
    await io.post("40");
    await connected;
    await io.waitFor(ready);
    return io;
  }

  /** Emits an event with an ack id; resolves with the ack's first argument (Kuma's callback object). */
  emit(event: string, ...args: unknown[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new WireError(`${this.app}: no answer to ${event} within ${ACK_TIMEOUT_MS / 1000} s`));
      }, ACK_TIMEOUT_MS);
      this.acks.set(id, {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a[0]);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.post(`42${id}${JSON.stringify([event, ...args])}`).catch(() => undefined);
    });
  }

  /** The arguments of the last `event` the server sent, if any. */
  last(event: string): unknown[] | undefined {
    return this.seen.get(event);
  }

  /** Ends the session (socket.io disconnect, engine.io close) and stops polling. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.post("41\x1e1").catch(() => undefined);
    this.abort.abort();
  }

  private url(): string {
    return `${this.base}/socket.io/?EIO=4&transport=polling${this.sid ? `&sid=${encodeURIComponent(this.sid)}` : ""}`;
  }

  /** One POST at a time, in order. */
  private post(body: string): Promise<void> {
    const next = this.sending.then(async () => {
      const res = await fetch(this.url(), { method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" } });
      const text = await res.text();
      if (!res.ok) throw new WireError(`${this.app}: POST /socket.io/: HTTP ${res.status}: ${text.slice(0, 120)}`);
    });
    this.sending = next.catch((e) => this.fail(e as Error));
    return next;
  }

  /** One GET at a time, until closed: each answer holds one or more packets. */
  private async poll(): Promise<void> {
    while (!this.closed) {
      try {
        const res = await fetch(this.url(), { signal: this.abort.signal });
        const text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 120)}`);
        for (const packet of text.split("\x1e")) this.onPacket(packet);
      } catch (e) {
        if (!this.closed) this.fail(new WireError(`${this.app}: GET /socket.io/: ${(e as Error).message}`));
        return;
      }
    }
  }

  private onPacket(packet: string): void {
    if (packet === "2") void this.post("3").catch(() => undefined);
    else if (packet.startsWith("1")) this.fail(new WireError(`${this.app}: the server closed the session`));
    else if (packet.startsWith("4")) this.onMessage(packet.slice(1));
  }

  private onMessage(message: string): void {
    const type = message[0];
    const id = /^\d+/.exec(message.slice(1))?.[0];
    const payload = message.slice(1 + (id?.length ?? 0));
    if (type === "0") this.arrived("#connect", []);
    else if (type === "1") this.fail(new WireError(`${this.app}: the server disconnected the session`));
    else if (type === "4") this.fail(new WireError(`${this.app}: connection refused: ${payload.slice(0, 200)}`));
    else if (type === "2") {
      const [event, ...args] = JSON.parse(payload) as [string, ...unknown[]];
      this.arrived(event, args);
    } else if (type === "3" && id !== undefined) {
      const ack = this.acks.get(Number(id));
      this.acks.delete(Number(id));
      ack?.resolve(JSON.parse(payload) as unknown[]);
    }
  }

  private arrived(event: string, args: unknown[]): void {
    this.seen.set(event, args);
    for (const w of this.waiters.filter((x) => x.events.includes(event))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(event);
    }
  }

  private waitFor(events: readonly string[]): Promise<string> {
    const already = events.find((e) => this.seen.has(e));
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new WireError(`${this.app}: no ${events.join(" or ")} within ${ACK_TIMEOUT_MS / 1000} s`)),
        ACK_TIMEOUT_MS,
      );
      this.waiters.push({
        events,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.closed = true;
    this.abort.abort();
    for (const a of this.acks.values()) a.reject(e);
    this.acks.clear();
    for (const w of this.waiters.splice(0)) w.reject(e);
  }
}
