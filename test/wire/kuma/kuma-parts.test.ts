import { afterEach, describe, expect, it } from "vitest";
import { notificationConfig } from "../../../compose/wire/kuma/parts";
import { SocketIo } from "../../../compose/wire/kuma/socketio";
import { FakeKuma } from "./fake-kuma";

const ntfy = { name: "servarr", kind: "ntfy", secret: "NOTIFY_URL" } as const;
const apprise = { name: "servarr", kind: "apprise", secret: "NOTIFY_URL" } as const;

describe("the host's channel as Kuma's notification (ntfy.js, apprise.js at 2.5.3)", () => {
  it("ntfy: server, topic and basic auth from the topic URL", () => {
    expect(notificationConfig(ntfy, "https://me:p%40ss@ntfy.example.test/base/alerts")).toMatchObject({
      type: "ntfy",
      ntfyserverurl: "https://ntfy.example.test/base",
      ntfytopic: "alerts",
      ntfyAuthenticationMethod: "usernamePassword",
      ntfyusername: "me",
      ntfypassword: "p@ss",
    });
    expect(notificationConfig(ntfy, "https://ntfy.sh/abc")).toMatchObject({
      ntfyserverurl: "https://ntfy.sh",
      ntfyAuthenticationMethod: "none",
    });
  });

  it("apprise: an Apprise API /notify/<key> URL as the CLI's apprise(s):// URL", () => {
    expect(notificationConfig(apprise, "https://apprise.example.test/notify/k3y")).toMatchObject({
      type: "apprise",
      appriseURL: "apprises://apprise.example.test/k3y",
    });
    expect(notificationConfig(apprise, "http://apprise:8000/sub/notify/k3y")).toMatchObject({
      appriseURL: "apprise://apprise:8000/sub/k3y",
    });
  });

  it("a URL of the wrong shape fails naming the secret, never showing it", () => {
    for (const [n, url] of [
      [apprise, "https://apprise.example.test/secret-token"],
      [ntfy, "not a url secret-token"],
      [ntfy, "ftp://ntfy.example.test/secret-token"],
    ] as const) {
      const error = (() => {
        try {
          notificationConfig(n, url);
        } catch (e) {
          return (e as Error).message;
        }
        return "";
      })();
      expect(error).toMatch(/^servarr notification: the NOTIFY_URL secret is not /);
      expect(error).not.toContain("secret-token");
    }
  });
});

describe("the Socket.IO client on long-polling, against socket.io's server", () => {
  let kuma: FakeKuma | undefined;
  afterEach(async () => {
    await kuma?.stop();
    kuma = undefined;
  });

  it("answers the server's pings: the session outlives several ping intervals", async () => {
    kuma = new FakeKuma({ pingInterval: 200, pingTimeout: 200 });
    const io = await SocketIo.connect("uptime-kuma", await kuma.start(), ["loginRequired"]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await io.emit("needSetup")).toBe(true);
    await io.close();
  });

  it("says clearly when the address speaks no Socket.IO", async () => {
    kuma = new FakeKuma();
    const url = await kuma.start();
    await expect(SocketIo.connect("uptime-kuma", `${url}/nothing`, ["loginRequired"])).rejects.toThrow(
      /^uptime-kuma: GET \/socket.io\/: HTTP 404: no Socket.IO session here/,
    );
  });
});
