import { IMAGES } from "./images";
import type { LibraryOptions } from "./instance-props";
import { imageRepository } from "./least-privilege";
import type { Problem } from "./problems";

/**
 * Several instances of one preset (a 4K Sonarr next to the main one): `catalog.sonarr(host, {
 * name: "sonarr-4k" })` keeps everything the preset means (image, capabilities, API key, health,
 * backup, kinds) and gets, from its name alone, what must differ:
 * - its compose service, hostname, config folder, host user and API key entry (the name),
 * - its uid: the preset's own for the preset's name, else derived from the name (instanceUid),
 * - its library: the preset's root folder with the name's suffix (/data/media/tv-4k), and a
 *   download category of that folder's name (tv-4k).
 * Nothing depends on declaration order: reordering the config changes no uid, folder or address.
 */

/** A catalog entry: the key of its pinned image. */
export type PresetName = keyof typeof IMAGES;

/** Props objects a preset built, with the preset: only those may carry a catalog image. */
const origins = new WeakMap<object, PresetName>();

/** Marks props as built by a preset (constructs/preset.ts build). */
export function fromPreset<T extends object>(props: T, preset: PresetName): T {
  origins.set(props, preset);
  return props;
}

/** The preset that built these props, if any. */
export function presetOf(props: object): PresetName | undefined {
  return origins.get(props);
}

/**
 * Derived uids lie in [first, first + count): above the catalog's fixed uids (13001-13016) and
 * the uids the README suggests for apps of your own (below 20000), within the validator's range.
 */
export const INSTANCE_UIDS = { first: 20000, count: 40000 } as const;

/**
 * An instance's uid, from its name only (FNV-1a): stable whatever else the config declares.
 * Two names can meet on one uid (one chance in 40000 per pair); the host's uid rule then says
 * so, and `uid` set on one of them settles it.
 */
export function instanceUid(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return INSTANCE_UIDS.first + (hash % INSTANCE_UIDS.count);
}

/** What sets an instance's folders apart: "" for the preset's own name, the rest after "<preset>-", else the whole name. */
export function instanceSuffix(preset: string, name: string): string {
  if (name === preset) return "";
  return name.startsWith(`${preset}-`) ? name.slice(preset.length + 1) : name;
}

/** The preset's facts that an instance derives from its name (see the module comment). */
export function instanceFacts(
  preset: PresetName,
  name: string,
  facts: { readonly uid?: number; readonly library?: LibraryOptions },
): { uid?: number; library?: LibraryOptions } {
  const suffix = instanceSuffix(preset, name);
  if (suffix === "") return {};
  const folder = facts.library?.rootFolder;
  return {
    ...(facts.uid !== undefined ? { uid: instanceUid(name) } : {}),
    ...(facts.library ? { library: { ...facts.library, ...(folder ? { rootFolder: `${folder}-${suffix}` } : {}) } } : {}),
  };
}

/** The catalog's function for a preset (catalog.uptimeKuma for "uptime-kuma"). */
export function presetFunction(preset: PresetName): string {
  return preset.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A catalog image outside its preset would run without what the preset knows about it (its
 * API key, library, capabilities, health route, port variable): refused, pointing to the
 * preset's `name` option, which makes a second instance with all of it.
 */
export function catalogImageProblem(name: string, image: string, preset: PresetName | undefined): Problem | undefined {
  const repository = imageRepository(image);
  const entry = (Object.keys(IMAGES) as PresetName[]).find((k) => imageRepository(IMAGES[k]) === repository);
  if (entry === undefined || entry === preset) return undefined;
  return {
    field: "image",
    value: image,
    allowed: `an image the catalog has no preset for: ${repository} is the catalog's ${entry}; declare it with its preset, which keeps its API key, library, capabilities and health: catalog.${presetFunction(entry)}(host, { name: "${name}", … })`,
  };
}
