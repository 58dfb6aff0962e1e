import type { HostProps } from "../config/host-props";
import { BUNDLE_ROOT, COMPOSE_SOURCE_DIRS } from "../config/layout";
import { type BackupBucketOptions, R2_JURISDICTIONS, R2_LOCATIONS } from "../config/options";
import { DNS_LABEL, labelProblem, type Problem } from "../config/problems";
import { isSystemPath } from "./least-privilege";
import { timeZoneOnDebian } from "./time-zones";

/** The host's own fields; the account's (domain, Cloudflare ids, owners, tokens) are validate-account-props.ts's. */

export function validateHostProps(name: string, props: HostProps): Problem[] {
  const problems: Array<Problem | undefined> = [
    labelProblem("name", name),
    Object.hasOwn(COMPOSE_SOURCE_DIRS, name)
      ? {
          field: "name",
          value: name,
          allowed: `a name other than ${Object.keys(COMPOSE_SOURCE_DIRS)
            .map((d) => `"${d}"`)
            .join(", ")} (${BUNDLE_ROOT}/${name}/ holds ${COMPOSE_SOURCE_DIRS[name]})`,
        }
      : undefined,
    ...backupBucketProblems(props.cloudflare.backupBucket),
    labelProblem("ssh.subdomain", props.ssh?.subdomain),
    props.ssh?.target === undefined || /^[a-z0-9.-]+:\d{1,5}$/.test(props.ssh.target)
      ? undefined
      : { field: "ssh.target", value: props.ssh.target, allowed: "host:port as cloudflared sees it, e.g. host.docker.internal:22" },
    timeZoneOnDebian(props.timezone)
      ? undefined
      : {
          field: "timezone",
          value: props.timezone,
          allowed:
            "a tz database zone a Debian host has (/usr/share/zoneinfo), such as Europe/Berlin or Etc/UTC; not an abbreviation like CST",
        },
    Number.isInteger(props.gid) && props.gid >= 1000 && props.gid <= 60000
      ? undefined
      : { field: "gid", value: props.gid, allowed: "an integer from 1000 to 60000" },
    props.groupName === undefined || DNS_LABEL.test(props.groupName)
      ? undefined
      : { field: "groupName", value: props.groupName, allowed: "a lower-case name: a-z, 0-9, '-'" },
    ...(["configRoot", "dataRoot"] as const).map((f) =>
      /^\/[\w./-]*$/.test(props[f]) && !props[f].split("/").includes("..")
        ? undefined
        : { field: f, value: props[f], allowed: "an absolute path on the host without '..' or spaces" },
    ),
    props.umask === undefined || /^0?[0-7]{3}$/.test(props.umask)
      ? undefined
      : { field: "umask", value: props.umask, allowed: "an octal umask such as 002" },
    props.lanAddress === undefined || /^(\d{1,3})(\.\d{1,3}){3}$/.test(props.lanAddress)
      ? undefined
      : { field: "lanAddress", value: props.lanAddress, allowed: "an IPv4 address such as 192.168.1.10" },
    ...nestedDirProblems(props),
    // Under /var/run, /etc, /proc... an app's mount would be the Docker socket or the host's own config.
    ...(["configRoot", "dataRoot"] as const).map((f) =>
      isSystemPath(props[f])
        ? {
            field: f,
            value: props[f],
            allowed: "a directory of its own, not / or under a system path (/etc, /proc, /sys, /boot, /usr, /var/run, /run, /dev...)",
          }
        : undefined,
    ),
  ];
  return problems.filter((p): p is Problem => p !== undefined);
}

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent.replace(/\/+$/, "")}/`);

/**
 * The config dirs, the /data tree and the checkout are separate trees: config inside /data
 * would be swept by the media apps, /data inside the config root would be backed up whole,
 * and the checkout must not sit in either (setup.sh makes it root-owned).
 */
function nestedDirProblems(props: HostProps): Problem[] {
  const clean = (p: string) => p.replace(/\/+$/, "") || "/";
  const dirs: Array<[string, string]> = [
    ["configRoot", clean(props.configRoot)],
    ["dataRoot", clean(props.dataRoot)],
    ...(props.machine?.checkoutDir ? [["machine.checkoutDir", clean(props.machine.checkoutDir)] as [string, string]] : []),
  ];
  const problems: Problem[] = [];
  for (const [field, dir] of dirs)
    for (const [otherField, other] of dirs)
      if (field !== otherField && inside(dir, other) && !(field < otherField && dir === other))
        problems.push({ field, value: dir, allowed: `a directory outside ${otherField} (${other}): the trees must not nest` });
  return problems;
}

const R2_BUCKET_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

export function backupBucketProblems(bucket: BackupBucketOptions): Array<Problem | undefined> {
  const days = bucket.abortMultipartUploadsAfterDays;
  return [
    R2_BUCKET_NAME.test(bucket.name)
      ? undefined
      : {
          field: "cloudflare.backupBucket.name",
          value: bucket.name,
          allowed: "an R2 bucket name: 3-63 characters, a-z, 0-9 and '-', no leading or trailing '-'",
        },
    bucket.location === undefined || (R2_LOCATIONS as readonly string[]).includes(bucket.location)
      ? undefined
      : { field: "cloudflare.backupBucket.location", value: bucket.location, allowed: `one of ${R2_LOCATIONS.join(", ")}` },
    bucket.jurisdiction === undefined || (R2_JURISDICTIONS as readonly string[]).includes(bucket.jurisdiction)
      ? undefined
      : { field: "cloudflare.backupBucket.jurisdiction", value: bucket.jurisdiction, allowed: `one of ${R2_JURISDICTIONS.join(", ")}` },
    days === undefined || (Number.isInteger(days) && days >= 1 && days <= 365)
      ? undefined
      : { field: "cloudflare.backupBucket.abortMultipartUploadsAfterDays", value: days, allowed: "an integer from 1 to 365" },
  ];
}
