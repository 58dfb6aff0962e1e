import type { Problem } from "../config/problems";
import { remotePeer, remoteUrl } from "./cross-host";
import type { HostModel } from "./host-model";

/**
 * App-to-app addresses come from the model. `appUrl("sonarr")` is a placeholder resolved when
 * compose.yaml is rendered, after every app is declared: `http://gluetun:8989` when sonarr is
 * VPN-routed (it lives in the gateway's network namespace), `http://sonarr:8989` otherwise.
 * Nobody types a hostname that may not resolve. `appUrl("nas/jellyfin")` names an app on the
 * config's host "nas" (declared in talksTo too): `http://<nas lanAddress>:<port>`
 * (constructs/model/cross-host.ts).
 */
export function appUrl(app: string, path = ""): string {
  return `${OPEN}${app}${CLOSE}${path}`;
}

const OPEN = "{{servarr.url:";
const CLOSE = "}}";
const TOKEN = /\{\{servarr\.url:([^}]*)\}\}/g;

/** Apps an environment value refers to through appUrl(). */
export function referencedApps(value: string): string[] {
  return [...value.matchAll(TOKEN)].map((m) => m[1] as string);
}

/** The value with every appUrl() placeholder replaced by the app's address on this host. */
export function resolveAppUrls(host: HostModel, value: string): string {
  return value.replace(TOKEN, (_, name: string) => {
    if (remotePeer(name)) {
      const url = remoteUrl(host, name);
      if (url === undefined) throw new Error(`appUrl("${name}"): no cross-host relation of that name from host ${host.name}`);
      return url;
    }
    const app = host.app(name);
    if (app?.port === undefined) throw new Error(`appUrl("${name}"): no app with a port of that name on host ${host.name}`);
    return app.originUrl;
  });
}

/**
 * Problems of one app's environment: appUrl() naming an unknown app (or one without a port),
 * and a literal URL naming a VPN-routed app by its own hostname, which never resolves (the app
 * has no network of its own; it is reached through the gateway).
 */
export function environmentUrlProblems(host: HostModel, appName: string, environment: Readonly<Record<string, string>>): Problem[] {
  const problems: Problem[] = [];
  const vpnApps = host.apps.filter((a) => a.vpn && a.port !== undefined);
  for (const [key, value] of Object.entries(environment)) {
    for (const name of referencedApps(value)) {
      if (remotePeer(name)) {
        if (!(host.app(appName)?.props.talksTo ?? []).includes(name))
          problems.push({
            field: `${appName}.environment.${key}`,
            value: `appUrl("${name}")`,
            allowed: `an app on another host that ${appName} declares in talksTo (add "${name}" to its talksTo: the firewalls of both hosts follow it)`,
          });
        continue;
      }
      if (host.app(name)?.port === undefined)
        problems.push({
          field: `${appName}.environment.${key}`,
          value: `appUrl("${name}")`,
          allowed: `appUrl() of a declared app with a port: ${host.apps
            .filter((a) => a.port !== undefined)
            .map((a) => a.name)
            .join(", ")}`,
        });
    }
    for (const app of vpnApps) {
      if (new RegExp(`(^|//|@)${app.name}(:\\d+|/|$)`).test(value.replace(TOKEN, "")))
        problems.push({
          field: `${appName}.environment.${key}`,
          value,
          allowed: `an address that resolves: ${app.name} is VPN-routed and reached at ${app.originUrl}; write appUrl("${app.name}") (constructs/model/app-url.ts)`,
        });
    }
  }
  return problems;
}
