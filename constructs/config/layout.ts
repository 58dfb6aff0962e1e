/** Where the host bundles live in the repository: one directory per host, named after it. */
export const BUNDLE_ROOT = "compose";

/** The host scripts' sources, beside the bundles (compose/scripts/). */
export const SCRIPTS_DIR = "scripts";
/** The bundle renderer's sources, beside the bundles (compose/render/). */
export const RENDER_DIR = "render";
/** The wire job's sources (compose/wire/: copied into each bundle's wire/, run on the host), beside the bundles. */
export const WIRE_DIR = "wire";
/** Directories of compose/ that are sources, not bundles: no host may take these names, and synth never treats them as bundles. */
export const COMPOSE_SOURCE_DIRS: Readonly<Record<string, string>> = {
  [SCRIPTS_DIR]: "the host scripts' sources",
  [RENDER_DIR]: "the bundle renderer's sources",
  [WIRE_DIR]: "the wire job's sources",
};

/** A host's bundle directory relative to the repository root (compose/<host>). */
export function bundlePath(hostName: string): string {
  return `${BUNDLE_ROOT}/${hostName}`;
}

/** A host's bundle directory in its own checkout of the repository: what setup.sh, the deploy gate and the units run from. */
export function bundleDirOnHost(host: { readonly name: string; readonly machine: { readonly checkoutDir: string } }): string {
  return `${host.machine.checkoutDir}/${bundlePath(host.name)}`;
}

/**
 * Where setup.sh installs a host's deploy gate (with its bundle.env), outside the checkout: sudo
 * and sshd run it from here, so checking out a commit never changes the gate that judges the next.
 */
export function gateDirOnHost(host: { readonly name: string }): string {
  return `${GATE_ROOT}/${host.name}`;
}
export const GATE_ROOT = "/usr/local/lib/servarr";
