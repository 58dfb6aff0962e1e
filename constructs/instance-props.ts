import type { Problem } from "./problems";

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
