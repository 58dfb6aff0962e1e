import type { Host } from "./host";
import { IMAGES } from "./images";
import { ConfigError } from "./problems";
import { ServarrApp, type ServarrAppProps } from "./servarr-app";

/** What a preset lets the config change: everything but the image's identity is overridable. */
export type PresetOptions = Partial<ServarrAppProps>;

/** A preset: the app's facts, declared once; the config adds exposure, VPN and overrides. */
export type Preset = (host: Host, options?: PresetOptions) => ServarrApp;

/**
 * Builds the app from the preset's facts and the config's options. `renamed` maps the props a
 * preset option became back to the option's name, so an error names what the user wrote.
 */
export function build(
  host: Host,
  name: keyof typeof IMAGES,
  props: Omit<ServarrAppProps, "image"> & { image?: string },
  renamed: Readonly<Record<string, string>> = {},
): ServarrApp {
  try {
    return new ServarrApp(host, name, { image: IMAGES[name], ...props });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.path,
      error.problems.map((p) => ({ ...p, field: renamed[p.field] ?? p.field })),
    );
  }
}

export function preset(name: keyof typeof IMAGES, defaults: Omit<ServarrAppProps, "image">): Preset {
  return (host, options = {}) => build(host, name, { ...defaults, ...options });
}
