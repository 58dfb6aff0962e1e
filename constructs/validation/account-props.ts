import type { AccountProps } from "../config/accounts";
import type { ServiceTokenOptions } from "../config/options";
import { REQUIRED_SERVICE_TOKENS } from "../config/options";
import { DNS_LABEL, labelProblem, type Problem } from "../config/problems";

const HEX32 = /^[a-f0-9]{32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Fields of the Cloudflare account and zone every host shares (constructs/cloudflare/account.ts). */
export function accountProblems(props: AccountProps): Problem[] {
  const cf = props.cloudflare;
  const problems: Array<Problem | undefined> = [
    DOMAIN.test(props.domain)
      ? undefined
      : { field: "domain", value: props.domain, allowed: "a lower-case DNS domain such as example.com" },
    HEX32.test(cf.accountId) ? undefined : { field: "cloudflare.accountId", value: cf.accountId, allowed: "32 lower-case hex characters" },
    HEX32.test(cf.zoneId) ? undefined : { field: "cloudflare.zoneId", value: cf.zoneId, allowed: "32 lower-case hex characters" },
    cf.existingCacheRuleset === undefined || HEX32.test(cf.existingCacheRuleset)
      ? undefined
      : {
          field: "cloudflare.existingCacheRuleset",
          value: cf.existingCacheRuleset,
          allowed: "the entry-point ruleset's id, 32 lower-case hex characters (npm run setup -- ready bootstrap prints it)",
        },
    DNS_LABEL.test(cf.teamName)
      ? undefined
      : {
          field: "cloudflare.teamName",
          value: cf.teamName,
          allowed: "the Zero Trust team name: a DNS label, the <team> of <team>.cloudflareaccess.com",
        },
    props.owners.length > 0 ? undefined : { field: "owners", value: [], allowed: "at least one email" },
    ...props.owners.map((o, i) => (EMAIL.test(o) ? undefined : { field: `owners[${i}]`, value: o, allowed: "an email address" })),
    ...serviceTokenProblems(props.serviceTokens),
  ];
  return problems.filter((p): p is Problem => p !== undefined);
}

function serviceTokenProblems(tokens: Readonly<Record<string, ServiceTokenOptions>>): Array<Problem | undefined> {
  return [
    ...REQUIRED_SERVICE_TOKENS.map((name) =>
      name in tokens
        ? undefined
        : {
            field: "serviceTokens",
            value: Object.keys(tokens),
            allowed: `a record that declares "${name}" (required: ${REQUIRED_SERVICE_TOKENS.join(", ")})`,
          },
    ),
    ...Object.entries(tokens).flatMap(([name, options]) => {
      const version = options.clientSecretVersion;
      const expires = options.previousClientSecretExpiresAt;
      return [
        labelProblem(`serviceTokens.${name}`, name),
        // A token admitted on every private app opens every admin UI's health route: the monitor's only.
        options.everyPrivateApp && name !== "uptime-monitor" && !options.everyPrivateAppReason?.trim()
          ? {
              field: `serviceTokens.${name}.everyPrivateApp`,
              value: true,
              allowed: 'unset: only "uptime-monitor" is admitted on every private app, unless everyPrivateAppReason says why',
            }
          : undefined,
        version === undefined || (Number.isInteger(version) && version >= 1)
          ? undefined
          : {
              field: `serviceTokens.${name}.clientSecretVersion`,
              value: version,
              allowed: "an integer from 1 (bump it to rotate the secret)",
            },
        expires === undefined || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(expires)
          ? undefined
          : {
              field: `serviceTokens.${name}.previousClientSecretExpiresAt`,
              value: expires,
              allowed: "an RFC 3339 time such as 2027-01-31T00:00:00Z",
            },
      ];
    }),
  ];
}
