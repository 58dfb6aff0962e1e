import type { AppModel } from "../model/host-model";
import type { Library } from "../model/instances";

/**
 * The library of a media manager, as the model holds it (constructs/model/instances.ts: the
 * preset's root folder and category, an instance's own from its name, or the config's): the
 * wiring reads it, never derives a second one. Undefined for an app that manages no media.
 */
export function libraryOf(app: AppModel): Library | undefined {
  return app.library;
}

/** Where a category's downloads land, inside every container that mounts /data. */
export const torrentsPath = (category: string) => `${TORRENTS_ROOT}/${category}`;
export const TORRENTS_ROOT = "/data/torrents";
