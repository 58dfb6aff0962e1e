import type { AccountProps } from "../config/accounts";
import type { MachineProps } from "../config/machine";
import type { Problem } from "../config/problems";

/**
 * The shipped example's placeholder values (servarr.config.ts, examples/, test fixtures): SSH
 * keys whose private halves are not secret, made-up Cloudflare ids and disk UUIDs. A config on a
 * documentation domain (RFC 2606 / RFC 6761: example.com, example.net, example.org and their
 * subdomains, or a name under .example, .test, .invalid, .localhost) is an example and may keep
 * them: nothing can be deployed on such a domain. A config on any other domain is somebody's real
 * one, and a placeholder left in it would lock its owner out (keys) or point at nothing (ids).
 */
export const PLACEHOLDER_KEYS: readonly string[] = [
  "AAAAC3NzaC1lZDI1NTE5AAAAID4jkOqD/IKwGURdoCBUB/rY6IyYx4/PVEttnFi3duMY",
  "AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa",
];
export const PLACEHOLDER_IDS: readonly string[] = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];
export const PLACEHOLDER_DISKS: readonly string[] = ["0f3c2a1e-5b7d-4c89-9e21-3a4b5c6d7e8f", "6b1d9c3e-2f4a-4e8b-9c7d-1a2b3c4d5e6f"];

const DOCUMENTATION_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;

/** An example's domain (reserved for documentation): such a config keeps its placeholders. */
export function isExampleDomain(domain: string): boolean {
  return DOCUMENTATION_DOMAIN.test(domain);
}

const REAL = "your own value (the example's placeholder is left in a config for a real domain)";

export function accountPlaceholderProblems(props: AccountProps): Problem[] {
  if (isExampleDomain(props.domain)) return [];
  const ids = [
    ["cloudflare.accountId", props.cloudflare.accountId],
    ["cloudflare.zoneId", props.cloudflare.zoneId],
  ] as const;
  return [
    ...ids
      .filter(([, id]) => PLACEHOLDER_IDS.includes(id))
      .map(([field, value]) => ({ field, value, allowed: `${REAL}: the id on the Cloudflare dashboard` })),
    // Access would admit nobody: no one signs in with Google as someone@example.com.
    ...props.owners.flatMap((email, i) =>
      isExampleDomain(email.split("@")[1] ?? "")
        ? [{ field: `owners[${i}]`, value: email, allowed: `${REAL}: the Google account you sign in with` }]
        : [],
    ),
  ];
}

export function machinePlaceholderProblems(domain: string, machine: MachineProps | undefined): Problem[] {
  if (isExampleDomain(domain) || machine === undefined) return [];
  const keys = (field: string, list: readonly string[] | undefined) =>
    (list ?? []).flatMap((line, i) =>
      PLACEHOLDER_KEYS.includes(line.split(/\s+/)[1] ?? "")
        ? [{ field: `${field}[${i}]`, value: line, allowed: `${REAL}: a public key whose private half only you hold` }]
        : [],
    );
  const uuid = machine.dataDisk?.uuid;
  return [
    ...keys("machine.ownerKeys", machine.ownerKeys),
    ...keys("machine.deployKeys", machine.deployKeys),
    ...(uuid !== undefined && PLACEHOLDER_DISKS.includes(uuid)
      ? [{ field: "machine.dataDisk.uuid", value: uuid, allowed: `${REAL}: blkid -s UUID -o value /dev/sdX1 on the host` }]
      : []),
  ];
}
