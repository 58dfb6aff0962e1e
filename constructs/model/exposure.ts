/** Where an app can be reached from. Built with the static factories, never by hand. */
export type ExposureKind = "public" | "private" | "internal";

interface EdgeOptions {
  /**
   * Subdomain of the host's domain that routes to the app.
   * @default the app name
   */
  readonly subdomain?: string;
  /**
   * Only requests whose path matches this regular expression reach the app; anything else
   * on that hostname gets the tunnel's 404 catch-all.
   * @default every path
   */
  readonly path?: string;
  /**
   * Also publish the app's port on the host's LAN address (e.g. Plex 32400 for a TV).
   * @default no published port
   */
  readonly lanPort?: number;
}

export interface PublicOptions extends EdgeOptions {}

export interface PrivateOptions extends EdgeOptions {
  /**
   * People allowed besides the host's owners (emails, signed in through the identity provider).
   * @default only the owners
   */
  readonly allowEmails?: readonly string[];
  /**
   * Names of the host's service tokens (`serviceTokens` in the host config) admitted on this
   * app (the whole app), besides those declared with `everyPrivateApp` (on its health route only).
   * @default none
   */
  readonly serviceTokens?: readonly string[];
}

export interface InternalOptions {
  /** @default no published port */
  readonly lanPort?: number;
}

export class Exposure {
  /** Reachable by anyone on the internet through the tunnel (the app does its own auth). */
  static public(options: PublicOptions = {}): Exposure {
    return new Exposure("public", options);
  }

  /** Reachable through the tunnel, guarded by a Cloudflare Access application. */
  static private(options: PrivateOptions = {}): Exposure {
    return new Exposure("private", options);
  }

  /** Not at the edge at all: only other containers (and the LAN, with a lanPort) reach it. */
  static internal(options: InternalOptions = {}): Exposure {
    return new Exposure("internal", options);
  }

  private constructor(
    readonly kind: ExposureKind,
    private readonly options: PrivateOptions,
  ) {}

  get atEdge(): boolean {
    return this.kind !== "internal";
  }

  get subdomain(): string | undefined {
    return this.options.subdomain;
  }

  get path(): string | undefined {
    return this.options.path;
  }

  get lanPort(): number | undefined {
    return this.options.lanPort;
  }

  get allowEmails(): readonly string[] {
    return this.options.allowEmails ?? [];
  }

  get serviceTokens(): readonly string[] {
    return this.options.serviceTokens ?? [];
  }
}
