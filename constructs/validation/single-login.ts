import type { Problem } from "../config/problems";
import type { LoginProps } from "../model/app-traits";
import { linksInto } from "../model/cross-host";
import { Exposure } from "../model/exposure";
import type { AppModel, HostModel } from "../model/host-model";
import { DYNAMIC_PORT } from "../model/roles";
import { hostNetworkPlan } from "../runtime/network";

/**
 * Access as the one login: a private app's own UI login handed to Cloudflare Access, so an
 * owner signs in once (Google, through Access) instead of twice.
 *
 * What it costs, read in the arrs' source (test/constructs/single-login.test.ts cites it):
 * `AuthenticationMethod External` authenticates every UI request as anonymous-but-allowed, and
 * the UI's /initialize.json hands the app's API key to whoever is allowed into the UI. The API
 * itself still requires that key. So everyone who reaches the app's port without passing Access
 * owns it: the option is allowed only where nobody does. Synth refuses it unless
 * - the app is private (its main hostname behind Access), with no public hostname, no LAN port,
 *   and no relation from another host (which reaches it on a published port), and
 * - no container that can reach it (the network plan's canReach: a shared network, or the VPN
 *   gateway's namespace) has a way in from outside that does not pass Access: a public
 *   hostname (a status page too), a LAN port, a relation from another host, or the VPN's
 *   forwarded port it listens on. The tunnel connector is Access's own path and counts as
 *   behind it; what apps fetch from the internet (indexers, peers they dial) is not counted.
 * Everyone Access admits to the app (owners, allowEmails, service tokens) is its admin.
 */

interface LoginFacts extends LoginProps {
  readonly exposure?: Exposure;
  readonly alsoExpose?: readonly Exposure[];
  readonly environment?: Readonly<Record<string, string>>;
}

/** What the app alone says against login: "access" (checked on construction). */
export function loginProblems(props: LoginFacts): Problem[] {
  const login = props.login ?? "app";
  // The variables that turn the login off are set by login: "access" only, after its checks.
  const bypass = Object.keys(props.externalLogin ?? {}).filter((k) => props.environment?.[k] !== undefined);
  if (bypass.length > 0)
    return bypass.map((k) => ({
      field: `environment.${k}`,
      value: props.environment?.[k],
      allowed: 'unset: login: "access" sets it, where synth finds that only Access lets anyone reach the app',
    }));
  if (login === "app") return [];
  if (login !== "access") return [{ field: "login", value: login, allowed: '"app" (the app\'s own login) or "access"' }];
  const refuse = (why: string): Problem => ({ field: "login", value: login, allowed: `"app": ${why}` });
  const problems: Problem[] = [];
  if (Object.keys(props.externalLogin ?? {}).length === 0)
    problems.push(
      refuse(
        "the image has no known way to leave its login to a proxy (externalLogin); the catalog's sonarr, radarr, lidarr and prowlarr have one",
      ),
    );
  const exposure = props.exposure ?? Exposure.internal();
  if (exposure.kind === "public")
    problems.push(refuse("the app is public: anyone on the internet reaches it, so its own login is the only one"));
  if (exposure.kind === "internal") problems.push(refuse("the app is internal: no hostname of it passes Access, so nobody would sign in"));
  if (exposure.lanPort !== undefined) problems.push(refuse(`exposure.lanPort ${exposure.lanPort} lets the LAN in without Access`));
  (props.alsoExpose ?? []).forEach((e, i) => {
    if (e.kind === "public") problems.push(refuse(`alsoExpose[${i}] is public (${e.subdomain}): a way in without Access`));
  });
  return problems;
}

/** Every way into the app from outside the host that does not pass Access (empty: only Access lets anyone in). */
export function openings(host: HostModel, app: AppModel): string[] {
  const ways = app.routes.filter((r) => r.exposure.kind === "public").map((r) => `public hostname ${r.hostname}`);
  if (app.exposure.lanPort !== undefined) ways.push(`LAN port ${app.exposure.lanPort}`);
  for (const link of linksInto(host).filter((l) => l.target === app))
    ways.push(`reached from host ${link.clientHost.name} (${link.client.name}) on port ${link.port}`);
  const forwarded = app.vpn && app.props.vpnPortEnv ? host.appWithRole("vpn-gateway")?.role.forwardedPort : undefined;
  if (forwarded !== undefined)
    ways.push(
      `listens on the VPN's forwarded port ${forwarded === DYNAMIC_PORT ? "(assigned by the provider)" : forwarded}, which internet peers connect to`,
    );
  return ways;
}

/** Whole-host rules of login: "access" (at synth, with the network plan). */
export function singleLoginProblems(host: HostModel): Problem[] {
  const apps = host.apps.filter((a) => a.props.login === "access");
  if (apps.length === 0) return [];
  const plan = hostNetworkPlan(host);
  const problems: Problem[] = [];
  for (const app of apps) {
    const refuse = (why: string) => problems.push({ field: `${app.name}.login`, value: "access", allowed: `"app": ${why}` });
    // Its own public hostnames and LAN port were refused on construction (loginProblems).
    for (const way of openings(host, app)) refuse(`the app itself is reachable without Access (${way})`);
    for (const service of plan.services()) {
      const other = host.app(service);
      if (other === undefined || other === app || !plan.canReach(service, app.name)) continue;
      const ways = openings(host, other);
      if (ways.length > 0)
        refuse(
          `${service} can reach it and is not behind Access (${ways.join("; ")}): a container that reaches the app gets its UI, and the UI hands out its API key`,
        );
    }
  }
  return problems;
}
