import type { KumaMonitor, MonitoringPlan } from "../../compose/wire/plan";
import { NOTIFY_SECRET } from "../config/recovery";
import type { AppModel, HostModel } from "../model/host-model";
import { hostNetworkPlan } from "../runtime/network";
import { endpointFrom } from "./endpoints";

/** How often Kuma checks each monitor (its own default for a new monitor). */
export const MONITOR_INTERVAL_SECONDS = 60;

/** The status page's group servarr keeps; groups you add stay yours. */
export const STATUS_GROUP = "Services";

/** The notification servarr creates in Kuma for the host's channel. */
export const NOTIFICATION_NAME = "servarr";

/**
 * What the host's Uptime Kuma watches, a pure function of the model:
 * - every app with a health route (`healthPath` on its port) that Kuma reaches on the host's
 *   networks: a monitor named after the app, at the address Kuma opens (the VPN gateway's name
 *   for a VPN-routed app), on that route;
 * - every public hostname (but Kuma's own): a monitor named after it, at `https://<hostname>`
 *   plus the health route when the hostname's path rule admits it, as a visitor reaches it
 *   (DNS, Cloudflare, the tunnel, the app), listed on the host's public status page;
 * - the host's notification channel (`recovery.notify`, the secret NOTIFY_URL) on every one.
 * `skipped` says what is left out and why. Undefined when the host runs no Uptime Kuma.
 */
export function monitoringPlan(host: HostModel): { plan?: MonitoringPlan; skipped: string[] } {
  const kuma = host.appWithRole("monitor");
  if (kuma?.props.api !== "uptime-kuma" || kuma.port === undefined) return { skipped: [] };
  const network = hostNetworkPlan(host);
  const skipped: string[] = [];
  const monitors: KumaMonitor[] = [];
  const others = host.apps.filter((a) => a !== kuma);
  for (const app of others) {
    const path = app.props.healthPath;
    if (path === undefined || app.port === undefined) continue;
    if (!network.canReach(kuma.name, app.name)) {
      skipped.push(`${kuma.name} → ${app.name}: no monitor (no shared network)`);
      continue;
    }
    const e = endpointFrom(kuma, app);
    monitors.push({ name: app.name, app: app.name, url: `http://${e.host}:${e.port}${path}`, intervalSeconds: MONITOR_INTERVAL_SECONDS });
  }
  const onPage: string[] = [];
  const egress = network.hasEgress(kuma.name);
  for (const app of others)
    for (const route of app.routes.filter((r) => r.exposure.kind === "public")) {
      const url = publicUrl(app, route.hostname, route.exposure.path);
      if (url === undefined)
        skipped.push(`${route.hostname}: not on the status page (its path rule admits neither ${app.props.healthPath} nor /)`);
      else if (!egress) skipped.push(`${route.hostname}: not on the status page (${kuma.name} has no way out to probe it)`);
      else if (!monitors.some((m) => m.name === route.hostname)) {
        monitors.push({ name: route.hostname, app: app.name, url, intervalSeconds: MONITOR_INTERVAL_SECONDS });
        onPage.push(route.hostname);
      }
    }
  const notify = host.recovery.notify;
  const pagePath = `/status/${host.name}`;
  // What the page's script loads besides the page (Kuma's status-page router and its built assets).
  const pageNeeds = [pagePath, `/api/status-page/${host.name}`, `/api/status-page/heartbeat/${host.name}`, "/assets/"];
  const admits = (rule: string | undefined, p: string) => rule === undefined || new RegExp(rule).test(p);
  const publicRoutes = kuma.routes.filter((r) => r.exposure.kind === "public");
  const pageRoute = publicRoutes.find((r) => pageNeeds.every((p) => admits(r.exposure.path, p)));
  if (onPage.length > 0 && !pageRoute)
    skipped.push(`${kuma.name}: the status page ${pagePath} is on no public hostname (one whose path rule admits ${pageNeeds.join(", ")})`);
  const page = { slug: host.name, title: host.domain, group: STATUS_GROUP, monitors: onPage };
  return {
    plan: {
      app: kuma.name,
      monitors,
      ...(onPage.length > 0 ? { statusPage: pageRoute ? { ...page, url: `https://${pageRoute.hostname}${pagePath}` } : page } : {}),
      ...(notify ? { notify: { name: NOTIFICATION_NAME, kind: notify.kind, secret: NOTIFY_SECRET } } : {}),
    },
    skipped,
  };
}

/** A public hostname as a visitor opens it: the health route when the path rule admits it, else "/" when admitted. */
function publicUrl(app: AppModel, hostname: string, rule: string | undefined): string | undefined {
  const admits = (p: string) => rule === undefined || new RegExp(rule).test(p);
  const path = [app.props.healthPath, "/"].find((p): p is string => p !== undefined && admits(p));
  return path === undefined ? undefined : `https://${hostname}${path}`;
}

/** One line per monitor and the status page, as the synth summary and the plan print them. */
export function describeMonitoring(m: MonitoringPlan): string[] {
  return [
    ...m.monitors.map((mon) => `${m.app} → ${mon.name}: monitor ${mon.url} every ${mon.intervalSeconds} s`),
    ...(m.statusPage
      ? [
          `${m.app}: status page ${m.statusPage.url ?? `${m.statusPage.slug} (no public hostname admits /status/${m.statusPage.slug})`}, group ${m.statusPage.group}: ${m.statusPage.monitors.join(", ")}`,
        ]
      : []),
    ...(m.notify ? [`${m.app}: alerts of every monitor to the host's ${m.notify.kind} channel (${m.notify.secret})`] : []),
  ];
}
