import type { AppKind } from "../app-props";
import type { ServarrApp } from "../servarr-app";

/** The library folder of each kind of media manager under /data/media and /data/torrents (TRaSH layout). */
const LIBRARY_OF_KIND: ReadonlyArray<readonly [AppKind, string]> = [
  ["tv-manager", "tv"],
  ["movie-manager", "movies"],
  ["music-manager", "music"],
];

/**
 * The library of a media manager, derived from the app, never from a fixed per-preset table, so
 * named instances slot in: its kind gives the folder (`tv`), and an instance's name beyond its
 * api gives a suffix (`sonarr-4k` → `tv-4k`; an app named `anime` speaking Sonarr's api →
 * `tv-anime`). The same name is its download category. Undefined for an app that manages no media.
 */
export function libraryOf(app: ServarrApp): string | undefined {
  const base = LIBRARY_OF_KIND.find(([kind]) => app.is(kind))?.[1];
  if (base === undefined) return undefined;
  const api = app.props.api;
  if (api === undefined || app.name === api) return base;
  const suffix = app.name.startsWith(`${api}-`) ? app.name.slice(api.length + 1) : app.name;
  return `${base}-${suffix}`;
}

/** Where a manager's library lives and where its downloads land, inside every container that mounts /data. */
export const mediaPath = (library: string) => `/data/media/${library}`;
export const torrentsPath = (library: string) => `/data/torrents/${library}`;
export const TORRENTS_ROOT = "/data/torrents";
