import type { Problem } from "../config/problems";
import { environmentUrlProblems } from "../model/app-url";
import type { AppModel, HostModel } from "../model/host-model";
import { INSTANCE_UIDS, libraryHostProblems } from "../model/instances";
import { backupJobs } from "../runtime/backups";
import { portHookClients } from "../runtime/port-forwarding";
import { supportNodes } from "../runtime/support";
import { singleLoginProblems } from "./single-login";

/** Ports the host itself listens on: a LAN port there would never reach the app. */
const HOST_PORTS = new Map([[22, "the host's SSH server"]]);

/** Whole-host rules: run at synth, after every app is declared. */
export function validateHostApps(host: HostModel): Problem[] {
  const apps = host.apps;
  // Declaration order: a conflict is reported on the app declared second, naming the earlier one.
  const declared = host.declaredApps;
  const problems: Problem[] = [];
  const firstBy = (key: (a: AppModel) => readonly (string | number | undefined)[], field: string, allowed: string, hint = "") => {
    const seen = new Map<string | number, string>();
    for (const app of declared) {
      for (const value of key(app)) {
        if (value === undefined) continue;
        const other = seen.get(value);
        if (other !== undefined)
          problems.push({
            field: `${app.name}.${field}`,
            value,
            allowed: `${allowed} (${other}, declared earlier, already has it)${hint}`,
          });
        else seen.set(value, app.name);
      }
    }
  };
  firstBy((a) => a.routes.map((r) => r.hostname), "hostname", "a hostname no other app routes");
  firstBy(
    (a) => [a.props.uid],
    "uid",
    "a uid no other app uses",
    `; a preset's second instance derives its uid from its name (${INSTANCE_UIDS.first}-${INSTANCE_UIDS.first + INSTANCE_UIDS.count - 1}): set uid on one of the two`,
  );
  firstBy((a) => [a.exposure.lanPort], "exposure.lanPort", "a LAN port no other app publishes");
  for (const app of declared) {
    const lanPort = app.exposure.lanPort;
    const user = lanPort !== undefined ? HOST_PORTS.get(lanPort) : undefined;
    if (user)
      problems.push({
        field: `${app.name}.exposure.lanPort`,
        value: lanPort,
        allowed: `a port the host itself does not use (${user} listens on ${lanPort})`,
      });
    problems.push(...environmentUrlProblems(host, app.name, app.declaredEnvironment));
    if (lanPort !== undefined && host.lanBind === "" && !app.props.reasons?.["every-interface"]?.trim())
      problems.push({
        field: `${app.name}.exposure.lanPort`,
        value: lanPort,
        allowed: `a port on the host's lanAddress only (set the host's lanAddress), or reasons: { "every-interface": "why" } (it would listen on every interface)`,
      });
  }
  firstBy((a) => [a.role?.kind], "role", "one app per role");
  // VPN-routed apps share one network namespace: their ports must not collide.
  firstBy((a) => (a.vpn || a.role?.kind === "vpn-gateway" ? [a.port] : []), "port", "a port free in the VPN gateway's namespace");
  // One forwarded port, one listener: the hook that follows a moving port serves one qBittorrent.
  const [, ...extra] = portHookClients(host);
  const gateway = host.appWithRole("vpn-gateway");
  for (const app of extra)
    problems.push({
      field: `${app.name}.vpn`,
      value: true,
      allowed: `false: ${gateway?.name}'s forwarded port moves ("dynamic") and its hook sets one qBittorrent's listening port (${portHookClients(host)[0]?.name}); route one qBittorrent through the VPN`,
    });

  const backup = host.appWithRole("backup");
  const reserved = new Map<string, string>([
    ...supportNodes(host).map((s) => [s.name, "a support service"] as const),
    ...(backup ? backupJobs(host, backup).map((j) => [j.service, `a job of ${backup.name}`] as const) : []),
  ]);
  // Every app gets a unix user of its name: it must not be a login user or the shared group.
  reserved.set(host.machine.ownerUser, "the owner's login user (machine.ownerUser)");
  reserved.set(host.machine.deployUser, "the deploy user (machine.deployUser)");
  reserved.set(host.groupName, "the shared group (groupName)");
  for (const app of apps) {
    const owner = reserved.get(app.name);
    if (owner) problems.push({ field: `${app.name}.name`, value: app.name, allowed: `a name not taken by ${owner}` });
  }
  for (const app of apps) {
    // "<host>/<app>" names an app on another host: constructs/model/cross-host.ts checks those.
    for (const peer of app.props.talksTo.filter((p) => !p.includes("/"))) {
      if (host.app(peer) === undefined)
        problems.push({
          field: `${app.name}.talksTo`,
          value: peer,
          allowed: `one of the host's apps: ${apps.map((a) => a.name).join(", ")}${host.account.hosts
            .filter((h) => h !== host && h.app(peer))
            .map((h) => `, or "${h.name}/${peer}" (on host ${h.name})`)
            .join("")}`,
        });
    }
  }
  problems.push(...libraryHostProblems(declared), ...singlePeerProblems(apps), ...singleLoginProblems(host));
  if (!host.appWithRole("vpn-gateway")) {
    for (const app of apps.filter((a) => a.vpn))
      problems.push({ field: `${app.name}.vpn`, value: true, allowed: 'false, or add an app with role "vpn-gateway" (e.g. gluetun)' });
  }
  // A further host's deploy reaches it over SSH through its tunnel, even with no app exposed.
  if (!host.appWithRole("tunnel-connector") && (host.outputPrefix !== "" || apps.some((a) => a.routes.length > 0)))
    problems.push({
      field: "apps",
      value: "(no tunnel connector)",
      allowed: `an app with role "tunnel-connector" (cloudflared): the deploy reaches the host over SSH through its tunnel (${host.ssh.hostname}), and exposed apps go through it`,
    });
  return problems;
}

/** A kind an app works with one of (singlePeerKinds), declared several times: talksTo names the one. */
function singlePeerProblems(apps: readonly AppModel[]): Problem[] {
  return apps.flatMap((app) =>
    app.props.singlePeerKinds.flatMap((kind) => {
      const all = apps.filter((a) => a !== app && a.is(kind)).map((a) => a.name);
      const named = all.filter((n) => app.props.talksTo.includes(n));
      if (all.length <= 1 || named.length === 1) return [];
      return [
        {
          field: `${app.name}.talksTo`,
          value: named.length === 0 ? undefined : named,
          allowed: `exactly one of the ${kind} apps declared (${all.join(", ")}): ${app.name} works with one ${kind}; name it, e.g. talksTo: ["${all[0]}"]`,
        },
      ];
    }),
  );
}
