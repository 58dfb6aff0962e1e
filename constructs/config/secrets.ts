/** Where a host secret's value comes from. */
export type SecretSource =
  /** computed by Terraform from a resource (e.g. the tunnel token); never typed by a person */
  | "terraform"
  /** typed once by the owner into a sensitive Terraform variable (e.g. the VPN private key) */
  | "variable";

/**
 * Who reads a secret:
 * - host: containers on the host (written to the host's `.env` by the deploy) and GitHub,
 * - ci: only the GitHub Actions workflows (e.g. the deploy's SSH key and Access token).
 */
export type SecretAudience = "host" | "ci";

export interface HostSecret {
  /** Environment variable name on the host (.env) and in the deploy job's environment. */
  readonly name: string;
  /** GitHub Actions secret name: `name`, prefixed with `<HOST>_` on every host but the first. */
  readonly githubName: string;
  /** Where the value comes from and what it is for: written next to it in .env.example. */
  readonly description: string;
  readonly source: SecretSource;
  readonly audience: SecretAudience;
  /** The value as a Terraform expression (sensitive); never a literal. */
  readonly value: string;
}

/**
 * The Compose secret holding a host `.env` entry, and its file in the containers that read it:
 * /run/secrets/<name in lower case> (gluetun's defaults: wireguard_private_key, wireguard_addresses).
 */
export const secretFileName = (name: string) => name.toLowerCase();

/** The host's one list of secrets, as renderers read it (constructs/github/secrets.ts builds it). */
export interface SecretList {
  readonly all: readonly HostSecret[];
  for(audience: SecretAudience): readonly HostSecret[];
  get(name: string): HostSecret | undefined;
}
