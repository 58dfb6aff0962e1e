import { ZeroTrustAccessIdentityProvider } from "@cdktf/provider-cloudflare/lib/zero-trust-access-identity-provider";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** What the owner types into the Google Cloud console for the OAuth "Web application" client. */
export interface GoogleOAuthClientSettings {
  /** "Authorized JavaScript origins" entry. */
  readonly javascriptOrigin: string;
  /** "Authorized redirect URIs" entry: Cloudflare Access's callback for the team. */
  readonly redirectUri: string;
}

/**
 * The exact values Google must know about the Zero Trust team `<teamName>.cloudflareaccess.com`.
 * Pure, so the Google side (and the README) derive them from the same team name.
 */
export function googleOAuthClientSettings(teamName: string): GoogleOAuthClientSettings {
  const origin = `https://${teamName}.cloudflareaccess.com`;
  return { javascriptOrigin: origin, redirectUri: `${origin}/cdn-cgi/access/callback` };
}

export interface GoogleIdentityProviderProps {
  readonly accountId: string;
  /** Zero Trust team name: the `<team>` of `<team>.cloudflareaccess.com`. */
  readonly teamName: string;
  /** Name shown on the Access login page. */
  readonly name: string;
}

/**
 * Google sign-in for Cloudflare Access. No Terraform resource can create a Google "Web
 * application" OAuth client (the IAP OAuth Admin API was shut down on 2026-03-19), so the
 * owner creates it once in the Google console with `googleOAuthClientSettings()` and sets its
 * id and secret as the sensitive variables `google_oauth_client_id` / `google_oauth_client_secret`.
 */
export class GoogleIdentityProvider extends Construct {
  readonly resource: ZeroTrustAccessIdentityProvider;
  readonly settings: GoogleOAuthClientSettings;

  constructor(scope: Construct, id: string, props: GoogleIdentityProviderProps) {
    super(scope, id);
    this.settings = googleOAuthClientSettings(props.teamName);
    const variable = (name: string, description: string) => {
      const v = new TerraformVariable(this, name, { type: "string", sensitive: true, nullable: false, description });
      v.overrideLogicalId(name); // plain names: the bootstrap stack sets them by these names
      return v.stringValue;
    };
    this.resource = new ZeroTrustAccessIdentityProvider(this, "google", {
      accountId: props.accountId,
      name: props.name,
      type: "google",
      config: {
        clientId: variable("google_oauth_client_id", "Client ID of the Google OAuth web client used by Cloudflare Access"),
        clientSecret: variable("google_oauth_client_secret", "Client secret of the Google OAuth web client used by Cloudflare Access"),
      },
    });
    for (const [name, value, description] of [
      ["google_oauth_javascript_origin", this.settings.javascriptOrigin, "Authorized JavaScript origin of the Google OAuth client"],
      ["google_oauth_redirect_uri", this.settings.redirectUri, "Authorized redirect URI of the Google OAuth client"],
    ] as const) {
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    }
  }

  get id(): string {
    return this.resource.id;
  }
}
