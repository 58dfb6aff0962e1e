import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import { DEFAULT_BACKUP_POLICY } from "../../../constructs/config/backup-policy";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../../constructs/model/app-props";
import { Role } from "../../../constructs/model/roles";
import { plus, synth, withApps } from "../../support";

const app = (name: string, props: Partial<ServarrAppProps>) =>
  plus((host) => new ServarrApp(host, name, { image: "x/app:1.0.0", port: 8000, uid: 13300, ...props }));

describe("validation of the hardening props", () => {
  it("a role's namespace probe must be a loopback URL, named under role", () => {
    expect(() => synth(app("wireguard", { role: Role.vpnGateway({ namespaceProbe: "http://gluetun:9999" }) }))).toThrow(
      /\[servarr\/servarr\/wireguard\] role\.namespaceProbe: "http:\/\/gluetun:9999" is not allowed; allowed: an http:\/\/127\.0\.0\.1:<port>/,
    );
  });

  it("a forwarded port must be a valid port, named as the user wrote it", () => {
    expect(() => synth(app("wireguard", { role: Role.vpnGateway({ forwardedPort: 0 }) }))).toThrow(
      /\[servarr\/servarr\/wireguard\] role\.forwardedPort: 0 is not allowed; allowed: an integer from 1 to 65535/,
    );
    expect(() => synth(withApps((host) => catalog.gluetun(host, { provider: "mullvad", forwardedPort: 70000 })))).toThrow(
      // Named as the user wrote it (the gluetun preset's option), not the role option it maps to.
      /\[servarr\/servarr\/gluetun\] forwardedPort: 70000 is not allowed; allowed: an integer from 1 to 65535/,
    );
  });

  it("vpnPortEnv only on a VPN-routed app", () => {
    expect(() => synth(app("extra", { vpnPortEnv: "TORRENTING_PORT" }))).toThrow(
      /vpnPortEnv: "TORRENTING_PORT" is not allowed; allowed: an upper-case variable name, on a VPN-routed app/,
    );
  });

  it("a backup policy is resolved once: each unset field is the default's", () => {
    const role = Role.backup({ policy: { snapshotTimes: ["01:00"], retention: { daily: 7 } } });
    expect(role.policy).toEqual({ snapshotTimes: ["01:00"], retention: { ...DEFAULT_BACKUP_POLICY.retention, daily: 7 } });
    expect(Role.backup().policy).toEqual(DEFAULT_BACKUP_POLICY);
  });

  it("a backup policy's problems are named under role.policy on a custom backup app", () => {
    expect(() =>
      synth(app("extra", { role: Role.backup({ policy: { snapshotTimes: ["1am"] } }), reasons: { "host-role": "test" } })),
    ).toThrow(/\[servarr\/servarr\/extra\] role\.policy\.snapshotTimes\[0\]: "1am" is not allowed; allowed: a 24-hour time HH:MM/);
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
