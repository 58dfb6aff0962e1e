import { createVerify, generateKeyPairSync } from "node:crypto";
import { GOOGLE_TOKEN_URI, type Http } from "../../../stacks/setup/probes";
import type { loadModel } from "../../../stacks/setup/steps";

/** Fakes of Google, Terraform Cloud and Cloudflare that check every request they get. */
export function accounts(options: {
  apis: Record<string, string>;
  workspaceExists: boolean;
  teamSees: Record<string, boolean>;
  entryPoint?: { id: string; rules: number };
}) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = JSON.stringify({
    type: "service_account",
    project_id: "homelab-servarr",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    client_email: "terraform@homelab-servarr.iam.gserviceaccount.com",
    token_uri: GOOGLE_TOKEN_URI,
  });
  const seen: string[] = [];
  const answer = (status: number, body: unknown) => ({ status, json: async () => body });
  const http: Http = async (url, init) => {
    seen.push(`${init.method} ${url}`);
    if (url === GOOGLE_TOKEN_URI) {
      const assertion = new URLSearchParams(init.body).get("assertion") ?? "";
      const [h, c, s] = assertion.split(".");
      const valid = createVerify("RSA-SHA256")
        .update(`${h}.${c}`)
        .verify(publicKey, Buffer.from(s ?? "", "base64url"));
      const claims = JSON.parse(Buffer.from(c ?? "", "base64url").toString()) as { iss?: string; aud?: string };
      return valid && claims.aud === GOOGLE_TOKEN_URI && claims.iss?.endsWith(".iam.gserviceaccount.com")
        ? answer(200, { access_token: "ya29.fake" })
        : answer(400, {});
    }
    const service = /^https:\/\/serviceusage\.googleapis\.com\/v1\/projects\/homelab-servarr\/services\/(.+)$/.exec(url)?.[1];
    if (service)
      return init.headers.authorization === "Bearer ya29.fake"
        ? answer(200, { state: options.apis[service] ?? "DISABLED" })
        : answer(401, {});
    if (url === "https://app.terraform.io/api/v2/organizations/homelab-org/workspaces/servarr") {
      const token = init.headers.authorization?.replace("Bearer ", "") ?? "";
      const visible = options.workspaceExists && (options.teamSees[token] ?? token === "owner-token");
      return answer(visible ? 200 : 404, {});
    }
    if (
      /^https:\/\/api\.cloudflare\.com\/client\/v4\/zones\/9c8b7a6d5e4f40312a1b2c3d4e5f6a7b\/rulesets\/phases\/http_request_cache_settings\/entrypoint$/.test(
        url,
      )
    )
      return options.entryPoint
        ? answer(200, { result: { id: options.entryPoint.id, rules: Array(options.entryPoint.rules).fill({}) } })
        : answer(404, {});
    return answer(500, { error: `unexpected ${url}` });
  };
  return { key, http, seen };
}

export function inputs(model: ReturnType<typeof loadModel>, privateKey: string, googleKey: string): Record<string, string> {
  return {
    TFE_TOKEN: "owner-token",
    TF_VAR_cloudflare_api_token: "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    TF_VAR_github_token: `github_pat_${"A1".repeat(20)}`,
    TF_VAR_google_credentials: googleKey,
    TF_VAR_google_oauth_client_id: "123456789012-abcdefghijklmnop.apps.googleusercontent.com",
    TF_VAR_google_oauth_client_secret: "GOCSPX-abcdefghijklmnopqrstuvwx",
    TF_VAR_kopia_password: "a long passphrase",
    TF_VAR_kopia_server_username: "owner",
    TF_VAR_kopia_server_password: "another long passphrase",
    TF_VAR_notify_url: "https://ntfy.sh/homelab-topic",
    TF_VAR_ssh_known_hosts: `${model.host.ssh.hostname} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL1ErlxTnGFbFWiUYfDvzC3vcCYzKAjMWzdZ6oGcfMfa`,
    TF_VAR_ssh_private_key: privateKey,
    TF_VAR_tf_api_token: "apply-token",
    TF_VAR_tf_plan_token: "plan-token",
    TF_VAR_wireguard_addresses: "10.64.0.2/32",
    TF_VAR_wireguard_private_key: "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
  };
}
