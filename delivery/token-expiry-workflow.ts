import { EXPIRY_WARNING_DAYS } from "../constructs/cloudflare/service-tokens";
import { RUNNER } from "./actions";
import { expr, script, type Workflow } from "./workflow-spec";

/** The Actions variable Terraform writes each service token's expiry to: {"name": RFC 3339 time}. */
export const TOKEN_EXPIRY_VARIABLE = "SERVARR_SERVICE_TOKEN_EXPIRY";

/**
 * Daily: fail (GitHub emails the owner about a failed scheduled run) from 30 days before an
 * Access service token expires. Cloudflare rejects an expired token: the deploy and the uptime
 * checks would stop at Access. Reads only a variable; its token may do nothing.
 */
export function tokenExpiryWorkflow(): Workflow {
  return {
    name: "service token expiry",
    on: { schedule: [{ cron: "17 6 * * *" }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: "token-expiry", "cancel-in-progress": true },
    jobs: {
      expiry: {
        name: "service token expiry",
        "runs-on": RUNNER,
        permissions: {},
        "timeout-minutes": 5,
        steps: [
          {
            name: `Fail ${EXPIRY_WARNING_DAYS} days before a service token expires`,
            env: { EXPIRY: expr(`vars.${TOKEN_EXPIRY_VARIABLE}`), WARN_DAYS: String(EXPIRY_WARNING_DAYS) },
            run: EXPIRY_CHECK,
          },
        ],
      },
    },
  };
}

/** Also run by the tests against fixed dates. */
export const EXPIRY_CHECK = script(
  `[[ -n \${EXPIRY:-} ]] || { echo "::error::variable ${TOKEN_EXPIRY_VARIABLE} is empty: apply the servarr stack first"; exit 1; }`,
  "now=$(date -u +%s)",
  "limit=$((now + WARN_DAYS * 86400))",
  "status=0",
  "while IFS=$'\\t' read -r name at; do",
  '  if ! ts=$(date -u -d "$at" +%s 2>/dev/null); then',
  `    echo "::error::service token $name: unreadable expiry '$at'"`,
  "    status=1",
  "  elif ((ts <= limit)); then",
  `    echo "::error::service token $name expires $at ($(((ts - now) / 86400)) days): renew it (docs/operations.md: service tokens)"`,
  "    status=1",
  "  else",
  `    echo "service token $name expires $at ($(((ts - now) / 86400)) days)"`,
  "  fi",
  `done < <(jq -r 'to_entries[] | [.key, .value] | @tsv' <<<"$EXPIRY")`,
  'exit "$status"',
);
