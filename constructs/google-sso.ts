import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { assertNoProblems, DNS_LABEL, DNS_LABEL_ALLOWED, type Problem } from "./problems";

/** What the Google OAuth client ("Web application") must list for Cloudflare Access to sign people in. */
export interface GoogleOAuthClientValues {
  /** Authorized JavaScript origin. */
  readonly origin: string;
  /** Authorized redirect URI. */
  readonly redirectUri: string;
}

/** Cloudflare Access signs people in at the team domain and receives Google's answer on its callback. */
export function googleOAuthClientValues(teamName: string): GoogleOAuthClientValues {
  const origin = `https://${teamName}.cloudflareaccess.com`;
  return { origin, redirectUri: `${origin}/cdn-cgi/access/callback` };
}

export interface GoogleSsoProps {
  readonly projectId: string;
  /** Cloudflare Zero Trust team name. */
  readonly teamName: string;
}

/**
 * The project side of Google sign-in. No Terraform resource can create a general "Web
 * application" OAuth client (the IAP OAuth Admin API that could was shut down on 2026-03-19),
 * so the owner creates it once in the console with the two values this construct outputs;
 * its id and secret then enter as sensitive variables. Terraform manages the rest: the APIs
 * this project uses (the sign-in itself needs none; the uptime checks need Monitoring).
 */
export class GoogleSso extends Construct {
  readonly oauthClient: GoogleOAuthClientValues;
  readonly services: readonly ProjectService[];

  constructor(scope: Construct, id: string, props: GoogleSsoProps) {
    super(scope, id);
    assertNoProblems(this, validateGoogleSsoProps(props));
    this.oauthClient = googleOAuthClientValues(props.teamName);
    this.services = PROJECT_SERVICES.map(
      (service) =>
        new ProjectService(this, service.split(".")[0] ?? service, {
          project: props.projectId,
          service,
          // Turning an API off on destroy would break whatever else the project runs.
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
    );
    new TerraformOutput(this, "oauth-origin", {
      value: this.oauthClient.origin,
      description: "Google OAuth client: Authorized JavaScript origin",
    }).overrideLogicalId("google_oauth_javascript_origin");
    new TerraformOutput(this, "oauth-redirect", {
      value: this.oauthClient.redirectUri,
      description: "Google OAuth client: Authorized redirect URI",
    }).overrideLogicalId("google_oauth_redirect_uri");
  }
}

/** serviceusage and cloudresourcemanager let Terraform manage the project; monitoring runs the uptime checks. */
const PROJECT_SERVICES = ["cloudresourcemanager.googleapis.com", "monitoring.googleapis.com", "serviceusage.googleapis.com"];

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

function validateGoogleSsoProps(props: GoogleSsoProps): Problem[] {
  const problems: Array<Problem | undefined> = [
    PROJECT_ID.test(props.projectId)
      ? undefined
      : {
          field: "google.projectId",
          value: props.projectId,
          allowed: "a Google Cloud project id: 6-30 characters, a-z, 0-9, '-', starting with a letter",
        },
    DNS_LABEL.test(props.teamName) ? undefined : { field: "cloudflare.teamName", value: props.teamName, allowed: DNS_LABEL_ALLOWED },
  ];
  return problems.filter((p): p is Problem => p !== undefined);
}
