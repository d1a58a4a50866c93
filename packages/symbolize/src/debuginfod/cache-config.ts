import { DEBUGINFOD_DEFAULTS } from './config.js';
import type { CacheStore } from './store.js';

/** The files in the cache's top directory that hold its settings (decimal seconds), as elfutils names them. */
export const CACHE_SETTINGS = {
  cleanInterval: 'cache_clean_interval_s',
  maxUnusedAge: 'max_unused_age_s',
  cacheMiss: 'cache_miss_s',
} as const;

/**
 * One of the cache's settings: the number in its file, written with the
 * default first when the file is missing or empty (so a user sees what to
 * edit, as elfutils does). A file that holds no number gives the default.
 */
export async function cacheSetting(store: CacheStore, name: string, dflt: number): Promise<number> {
  const text = await store.readText(name);
  if (text === undefined || text.length === 0) {
    await store.writeText(name, String(dflt));
    return dflt;
  }
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : dflt;
}

/** Cached files that cleaning may remove: the artifacts below a build id's directory, and the directories. */
export const PRUNABLE = /^[a-f0-9]+(?:\/debuginfo|\/executable|\/source.*|\/section-.*|)$/;

/**
 * Cleans the cache when `cache_clean_interval_s` has passed since the last
 * cleaning (the date of that file): files unused for `max_unused_age_s` go.
 * The date is moved first, so that clients starting together clean once.
 */
export async function cleanCacheIfDue(store: CacheStore, now: number): Promise<void> {
  const interval = await cacheSetting(store, CACHE_SETTINGS.cleanInterval, DEBUGINFOD_DEFAULTS.cleanIntervalS);
  const st = await store.stat(CACHE_SETTINGS.cleanInterval);
  if (!st || now - st.mtimeMs < interval * 1000) return;
  await store.touch(CACHE_SETTINGS.cleanInterval);
  const maxAge = await cacheSetting(store, CACHE_SETTINGS.maxUnusedAge, DEBUGINFOD_DEFAULTS.maxUnusedAgeS);
  await store.prune(PRUNABLE, maxAge);
}
