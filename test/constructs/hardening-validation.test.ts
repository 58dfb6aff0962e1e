import { describe, expect, it } from "vitest";
import * as catalog from "../../constructs/catalog";
import { ServarrApp, type ServarrAppProps } from "../../constructs/servarr-app";
import { plus, synth, withApps } from "../support";

const app = (name: string, props: Partial<ServarrAppProps>) =>
  plus((host) => new ServarrApp(host, name, { image: "x/app:1.0.0", port: 8000, uid: 13300, ...props }));

describe("validation of the hardening props", () => {
  it("namespaceProbe only on the VPN gateway", () => {
    expect(() => synth(app("extra", { namespaceProbe: "http://127.0.0.1:9999" }))).toThrow(
      /\[servarr\/servarr\/extra\] namespaceProbe: "http:\/\/127.0.0.1:9999" is not allowed; allowed: unset: only the app with role "vpn-gateway"/,
    );
  });

  it("namespaceProbe must be a loopback URL", () => {
    expect(() => synth(withApps((host) => catalog.gluetun(host, { provider: "mullvad", namespaceProbe: "http://gluetun:9999" })))).toThrow(
      /namespaceProbe: "http:\/\/gluetun:9999" is not allowed; allowed: an http:\/\/127\.0\.0\.1:<port>/,
    );
  });

  it("vpnInputPort only on the VPN gateway, and a valid port", () => {
    expect(() => synth(app("extra", { vpnInputPort: 51413 }))).toThrow(
      /vpnInputPort: 51413 is not allowed; allowed: unset: only the app with role "vpn-gateway"/,
    );
    expect(() => synth(withApps((host) => catalog.gluetun(host, { provider: "mullvad", forwardedPort: 70000 })))).toThrow(
      // Named as the user wrote it (the gluetun preset's option), not the prop it maps to.
      /\[servarr\/servarr\/gluetun\] forwardedPort: 70000 is not allowed; allowed: an integer from 1 to 65535/,
    );
  });

  it("vpnPortEnv only on a VPN-routed app", () => {
    expect(() => synth(app("extra", { vpnPortEnv: "TORRENTING_PORT" }))).toThrow(
      /vpnPortEnv: "TORRENTING_PORT" is not allowed; allowed: an upper-case variable name, on a VPN-routed app/,
    );
  });

  it("backupPolicy only on the backup app", () => {
    expect(() =>
      synth(
        app("extra", {
          backupPolicy: { snapshotTimes: ["01:00"], retention: { latest: 1, hourly: 0, daily: 0, weekly: 0, monthly: 0, annual: 0 } },
        }),
      ),
    ).toThrow(/backupPolicy: "\(set\)" is not allowed; allowed: only on the app with role "backup"/);
  });

  it("an empty healthCommand", () => {
    expect(() => synth(app("extra", { healthCommand: [] }))).toThrow(
      /healthCommand: \[\] is not allowed; allowed: a non-empty exec-form command/,
    );
  });

  it.each(["restarter", "socket-proxy", "kopia-policy"])("an app named like a support service or job (%s)", (name) => {
    expect(() => synth(app(name, {}))).toThrow(new RegExp(`${name}\\.name: "${name}" is not allowed; allowed: a name not taken by`));
  });
});
