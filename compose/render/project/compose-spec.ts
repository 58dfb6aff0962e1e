/**
 * The part of the Compose specification servarr renders. Key order here is the order in
 * the rendered file, so readers find image and networking first.
 */
export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly start_period?: string;
}

export interface ComposeDependency {
  readonly condition: "service_started" | "service_healthy" | "service_completed_successfully";
  readonly restart?: boolean;
}

export interface ComposeService {
  image: string;
  restart?: "no" | "always" | "unless-stopped" | "on-failure";
  user?: string;
  network_mode?: string;
  networks?: Record<string, Record<string, never> | null> | readonly string[];
  ports?: readonly string[];
  depends_on?: Record<string, ComposeDependency>;
  environment?: Record<string, string>;
  volumes?: readonly string[];
  command?: readonly string[];
  cap_add?: readonly string[];
  devices?: readonly string[];
  extra_hosts?: readonly string[];
  healthcheck?: ComposeHealthcheck;
  labels?: Record<string, string>;
  /** Compose secrets the service reads, as files under /run/secrets/<source> (or `target`). */
  secrets?: readonly (string | ComposeServiceSecret)[];
  [extra: string]: unknown;
}

export interface ComposeServiceSecret {
  readonly source: string;
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface ComposeNetwork {
  internal?: boolean;
  name?: string;
  [extra: string]: unknown;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  networks?: Record<string, ComposeNetwork>;
  /**
   * Secrets read from the environment Compose runs in (the host's `.env`): each becomes a file
   * in the containers that list it, never an environment variable.
   */
  secrets?: Record<string, { environment: string }>;
  /** Inline configs (`content`), mounted read-only where a service lists them. */
  configs?: Record<string, { content: string }>;
}
