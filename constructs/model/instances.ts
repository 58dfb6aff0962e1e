import type { Problem } from "../config/problems";
import { IMAGES, imageRepository } from "./images";
/**
 * What a preset declares about its image so that every instance of it stands on its own: where
 * a media manager's library lives, and the variable through which the image takes its port.
 * The download client, root folder and request wiring read `ServarrApp.library` from the model.
 */
export interface LibraryOptions {
  /**
   * The app's root folder inside the container: under /data/media, on the same /data mount as
   * the downloads (/data/torrents), so an import is a hardlink, not a copy.
   * @default the preset's (/data/media/tv, /data/media/movies, /data/media/music); an instance
   * appends its name's suffix: sonarr-4k → /data/media/tv-4k (constructs/instances.ts)
   */
  readonly rootFolder?: string;
  /**
   * The download category of the app's downloads: the download client files them under
   * /data/torrents/<category>; no two apps share one.
   * @default the root folder's last segment (tv, tv-4k)
   */
  readonly category?: string;
  /**
   * The library holds 4K releases: a request manager (Seerr: `is4k` on its Sonarr/Radarr
   * servers) lists the app as its 4K server.
   * @default false
   */
  readonly fourK?: boolean;
}

/** A library with its defaults applied (ServarrApp.library). */
export interface Library {
  readonly rootFolder: string;
  readonly category: string;
  readonly fourK: boolean;
}

export interface InstanceProps {
  /**
   * The media library the app manages (Sonarr, Radarr, Lidarr): its root folder and download
   * category. Needs `data: "all"` (downloads and media in one mount).
   * @default none (the app manages no library)
   */
  readonly library?: LibraryOptions;
  /**
   * The variable through which the image takes its listening port (Sonarr: SONARR__SERVER__PORT,
   * qBittorrent: WEBUI_PORT). Servarr sets it from `port`, so a changed port (a second instance
   * in the VPN gateway's namespace) is where the app listens, and the healthcheck, ingress and
   * peers follow.
   * @default none (the image listens on its own port: change `port` only with the app's setting)
   */
  readonly portEnv?: string;
}

/** A folder of the media tree: /data/media and one or more lower-case segments under it. */
const MEDIA_FOLDER = /^\/data\/media(\/[a-z0-9][a-z0-9._-]*)+$/;
/** A category doubles as a folder name under /data/torrents (as machine.libraries). */
const CATEGORY = /^[a-z0-9][a-z0-9-]{0,31}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The library with its defaults applied; undefined when the app has none or its root folder is unset (a problem). */
export function resolveLibrary(options: LibraryOptions | undefined): Library | undefined {
  if (options?.rootFolder === undefined) return undefined;
  return {
    rootFolder: options.rootFolder,
    category: options.category ?? options.rootFolder.split("/").pop() ?? "",
    fourK: options.fourK === true,
  };
}

/** Single-app rules of the library and port variable. */
export function instancePropsProblems(
  props: InstanceProps & { readonly data?: string; readonly environment?: Readonly<Record<string, string>> },
): Problem[] {
  const problems: Problem[] = [];
  if (props.portEnv !== undefined && !ENV_NAME.test(props.portEnv))
    problems.push({ field: "portEnv", value: props.portEnv, allowed: "an upper-case variable name" });
  if (props.portEnv !== undefined && props.environment?.[props.portEnv] !== undefined)
    problems.push({
      field: `environment.${props.portEnv}`,
      value: props.environment[props.portEnv],
      allowed: "unset: servarr sets it from port (portEnv); set port instead, which the healthcheck, ingress and peers follow",
    });
  const options = props.library;
  if (options === undefined) return problems;
  const folder = options.rootFolder;
  if (folder === undefined || !MEDIA_FOLDER.test(folder))
    problems.push({
      field: "library.rootFolder",
      value: folder,
      allowed:
        "a folder under /data/media (lower-case segments), e.g. /data/media/tv-4k: the media tree of the /data mount, so imports are hardlinks",
    });
  const library = resolveLibrary(options);
  if (library && !CATEGORY.test(library.category))
    problems.push({
      field: "library.category",
      value: library.category,
      allowed: "a lower-case folder name under /data/torrents: a-z, 0-9, '-', up to 32 characters",
    });
  if ((props.data ?? "none") !== "all")
    problems.push({
      field: "data",
      value: props.data ?? "none",
      allowed: '"all" for an app with a library: it moves downloads from /data/torrents into its root folder, by hardlink within one mount',
    });
  return problems;
}

/** Host rules: no two apps share a root folder, or nest one in another's, or share a category. */
export function libraryHostProblems(apps: ReadonlyArray<{ readonly name: string; readonly library?: Library }>): Problem[] {
  const problems: Problem[] = [];
  const seen: Array<{ name: string; library: Library }> = [];
  for (const app of apps) {
    const library = app.library;
    if (!library) continue;
    const inside = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    const folder = seen.find((o) => inside(library.rootFolder, o.library.rootFolder) || inside(o.library.rootFolder, library.rootFolder));
    if (folder)
      problems.push({
        field: `${app.name}.library.rootFolder`,
        value: library.rootFolder,
        allowed: `a folder apart from every other app's root folder (${folder.name}, declared earlier, has ${folder.library.rootFolder})`,
      });
    const category = seen.find((o) => o.library.category === library.category);
    if (category)
      problems.push({
        field: `${app.name}.library.category`,
        value: library.category,
        allowed: `a category no other app uses (${category.name}, declared earlier, already has it): each app imports only its own downloads`,
      });
    seen.push({ name: app.name, library });
  }
  return problems;
}

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
