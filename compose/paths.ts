/** Where the host bundles live in the repository: one directory per host, named after it. */
export const BUNDLE_ROOT = "compose";

/** The host scripts' sources, beside the bundles (compose/scripts/): no host may take this name. */
export const SCRIPTS_DIR = "scripts";

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
