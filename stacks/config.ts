import type { DeliveryProps } from "../constructs/delivery";
import type { Host, HostProps } from "../constructs/host";

export interface TerraformCloudConfig {
  /** Terraform Cloud organization. */
  readonly organization: string;
  /** Workspace that holds the servarr stack's state. */
  readonly workspace: string;
}

/** Everything a user edits: shared settings once, then one line per app. */
export interface ServarrConfig {
  /** Compose project, tunnel and Access name prefix; a DNS label. */
  readonly name: string;
  readonly host: HostProps;
  readonly terraformCloud: TerraformCloudConfig;
  /** Declares the apps: one construct call each (see constructs/catalog.ts). */
  readonly apps: (host: Host) => void;
  /** How changes reach the host (SSH login, checkout path, health deadline). @default DeliveryProps defaults */
  readonly delivery?: DeliveryProps;
}
