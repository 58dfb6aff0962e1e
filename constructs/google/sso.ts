import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { Construct } from "constructs";
import { assertNoProblems, type Problem } from "../config/problems";

export interface GoogleSsoProps {
  readonly projectId: string;
}

/**
 * The project side of Google sign-in. No Terraform resource can create a general "Web
 * application" OAuth client (the IAP OAuth Admin API that could was shut down on 2026-03-19),
 * so the owner creates it once in the console with the two values the Cloudflare side outputs
 * (`googleOAuthClientSettings()` in google-idp.ts); its id and secret then enter as sensitive
 * variables. Terraform manages the rest: the APIs
 * this project uses (the sign-in itself needs none; the uptime checks need Monitoring).
 */
export class GoogleSso extends Construct {
  readonly services: readonly ProjectService[];

  constructor(scope: Construct, id: string, props: GoogleSsoProps) {
    super(scope, id);
    assertNoProblems(this, validateGoogleSsoProps(props));
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
  ];
  return problems.filter((p): p is Problem => p !== undefined);
}
