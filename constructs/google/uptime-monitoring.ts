import { MonitoringAlertPolicy } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { MonitoringUptimeCheckConfig } from "@cdktf/provider-google/lib/monitoring-uptime-check-config";
import { DataResource, type ITerraformDependable, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { assertNoProblems, type Problem } from "../config/problems";
import { healthRoutePath } from "../model/health";
import type { HostModel } from "../model/host-model";

/** A Cloudflare Access service token, as Terraform expressions (sensitive). */
export interface ServiceTokenCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The token resource: when it changes (a rotation) or is replaced, the checks that send it are replaced. */
  readonly resource: TerraformResource;
}

/**
 * What a private check ignores when Terraform compares it with the API: with `mask_headers`
 * the API returns every header value as "******" and the provider stores that
 * (hashicorp/terraform-provider-google@v6.50.0:google/services/monitoring/
 * resource_monitoring_uptime_check_config.go: the headers flattener returns the API's value),
 * so without this every plan would "change" the token back. Ignored, they are also what an
 * update would send: Update PATCHes the whole httpCheck (mask "httpCheck", ~770 and ~832)
 * whenever anything in http_check changed, so a private check is replaced, never updated
 * there (Terraform plans a replacement from the config, with no ignored values).
 */
export const MASKED_HEADERS_IGNORED = ["http_check[0].headers"] as const;

/** The headers a private check sends: the probe token's id and secret, as Access reads them. */
export const PROBE_HEADERS = ["CF-Access-Client-Id", "CF-Access-Client-Secret"] as const;

export interface UptimeMonitoringProps {
  readonly projectId: string;
  /** Who gets the alert email. */
  readonly alertEmail: string;
  /** The token private hostnames are probed with; Access must admit it on every private app. */
  readonly probeToken: ServiceTokenCredentials;
  /** The Monitoring API must be on before checks are created. */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * How often each hostname is probed (from every checker region).
   * @default "300s"
   */
  readonly period?: string;
}

/** One probe: the hostname, the path it requests and whether Access guards it. */
export interface UptimeTarget {
  readonly hostname: string;
  readonly path: string;
  readonly private: boolean;
  readonly app: string;
  /** The host the app runs on. */
  readonly host: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Off-host monitoring: the monitor on the host cannot report that the host lost power or its
 * tunnel. Google Cloud probes every hostname at the edge from several regions (private ones
 * with the service-token headers, masked), and one alert policy emails the owner when a
 * hostname fails from more than one region.
 */
export class UptimeMonitoring extends Construct {
  readonly targets: readonly UptimeTarget[];
  readonly checks: readonly MonitoringUptimeCheckConfig[];

  /** `hosts`: every host of the config; the first names the alert (the config's name). */
  constructor(scope: Construct, id: string, hosts: readonly HostModel[], props: UptimeMonitoringProps) {
    super(scope, id);
    const name = hosts[0]?.name ?? id;
    const results = hosts.map(uptimeTargets);
    // A hostname two hosts claim is reported at synth (constructs/validation/hosts.ts); probed once here.
    const targets = results
      .flatMap((r) => r.targets)
      .filter((t, i, all) => all.findIndex((o) => o.hostname === t.hostname) === i)
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
    const problems = results.flatMap((r) => r.problems);
    if (!EMAIL.test(props.alertEmail)) problems.push({ field: "google.alertEmail", value: props.alertEmail, allowed: "an email address" });
    assertNoProblems(this, problems);
    this.targets = targets;

    this.checks = targets.map((t) => {
      const id = `check-${t.hostname.split(".")[0]}`;
      const httpCheck = {
        path: t.path,
        port: 443,
        useSsl: true,
        validateSsl: true,
        requestMethod: "GET",
        // 2xx only: a redirect could be Access sending the probe to its login page.
        acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
      };
      // A private check's http_check is never updated in place: an update PATCHes the whole
      // httpCheck, masked "******" headers included (see MASKED_HEADERS_IGNORED). Everything
      // it sends except the header values lives here; a change replaces this, and that
      // replaces the check, which is then created with the real headers from the config.
      const settings = t.private
        ? new DataResource(this, `${id}-http`, {
            input: { http_check: JSON.stringify({ ...httpCheck, headers: [...PROBE_HEADERS], maskHeaders: true }) },
          })
        : undefined;
      return new MonitoringUptimeCheckConfig(this, id, {
        project: props.projectId,
        displayName: `${t.host} ${t.hostname}`,
        period: props.period ?? "300s",
        timeout: "10s",
        monitoredResource: { type: "uptime_url", labels: { project_id: props.projectId, host: t.hostname } },
        httpCheck: {
          ...httpCheck,
          ...(t.private
            ? {
                headers: { [PROBE_HEADERS[0]]: props.probeToken.clientId, [PROBE_HEADERS[1]]: props.probeToken.clientSecret },
                // The API then never returns the header values (the token secret).
                maskHeaders: true,
              }
            : {}),
        },
        userLabels: { servarr_host: t.host },
        dependsOn: props.dependsOn,
        // Masked headers never match what was sent: ignore them, and send new ones by
        // replacing the check whenever the token changes (bump its clientSecretVersion) or
        // anything else of its http_check does.
        ...(t.private && settings
          ? {
              lifecycle: {
                ignoreChanges: [...MASKED_HEADERS_IGNORED],
                replaceTriggeredBy: [address(props.probeToken.resource), address(settings)],
              },
            }
          : {}),
      });
    });

    const channel = new MonitoringNotificationChannel(this, "email", {
      project: props.projectId,
      displayName: `${name} owner`,
      type: "email",
      labels: { email_address: props.alertEmail },
      dependsOn: props.dependsOn,
    });
    if (this.checks.length === 0) return;
    const ids = this.checks.map((c) => `"${c.uptimeCheckId}"`).join(",");
    new MonitoringAlertPolicy(this, "down", {
      project: props.projectId,
      displayName: `${name}: a hostname is down`,
      combiner: "OR",
      conditions: [
        {
          displayName: "uptime check failing from more than one region",
          conditionThreshold: {
            filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id=one_of(${ids})`,
            comparison: "COMPARISON_GT",
            thresholdValue: 1,
            duration: "600s",
            aggregations: [
              {
                alignmentPeriod: "1200s",
                perSeriesAligner: "ALIGN_NEXT_OLDER",
                crossSeriesReducer: "REDUCE_COUNT_FALSE",
                groupByFields: ["resource.label.host"],
              },
            ],
            trigger: { count: 1 },
          },
        },
      ],
      notificationChannels: [channel.name],
      alertStrategy: { autoClose: "86400s" },
      documentation: {
        mimeType: "text/markdown",
        content: `A hostname of ${hosts.length > 1 ? hosts.map((h) => h.name).join(", ") : name} failed its uptime check from more than one region: the host, its tunnel or the app is down.`,
      },
      userLabels: { servarr_host: name },
    });
  }
}

/**
 * A resource's address as a bare reference. cdktf renders a resource object here as
 * "${type.name}", which Terraform 1.11 rejects in JSON `replace_triggered_by` ("Invalid
 * character"); the bare form is valid (both checked with `terraform validate` here).
 */
function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * Every hostname at the edge with the path it is probed at: the app's health path (or "/").
 * A path-restricted hostname is probed only when the health path falls inside its paths;
 * otherwise the app must have another hostname that is probed, or the config is rejected.
 */
export function uptimeTargets(host: HostModel): { targets: UptimeTarget[]; problems: Problem[] } {
  const targets: UptimeTarget[] = [];
  const problems: Problem[] = [];
  for (const app of host.apps) {
    const path = app.props.healthPath ?? "/";
    const reachable = app.routes.filter((r) => r.exposure.path === undefined || new RegExp(r.exposure.path).test(path));
    // The monitor's token opens only health routes (access-control.ts): a private hostname
    // without one is not probed off-host (its app has no unauthenticated health path).
    const probed = reachable.filter(
      (r) => r.exposure.kind !== "private" || healthRoutePath(app.props.healthPath, r.exposure.path) !== undefined,
    );
    for (const route of probed)
      if (!targets.some((t) => t.hostname === route.hostname))
        targets.push({ hostname: route.hostname, path, private: route.exposure.kind === "private", app: app.name, host: host.name });
    if (app.routes.length > 0 && reachable.length === 0)
      problems.push({
        field: `${app.name}.healthPath`,
        value: path,
        allowed: `a path every hostname's path rule admits (${app.routes.map((r) => r.exposure.path).join(", ")}), so the uptime check can probe it`,
      });
  }
  return { targets: targets.sort((a, b) => a.hostname.localeCompare(b.hostname)), problems };
}
