/**
 * A debuginfod client: files by build id from the servers of
 * `DEBUGINFOD_URLS`, in elfutils' cache. Fetch and the cache's file system
 * come from the host (`@elfkit/symbolize/node` has Node's).
 * @packageDocumentation
 */
export { DebuginfodClient, type DebuginfodFile, type DebuginfodClientOptions } from './client.js';
export { checkBuildId, cacheFileName, requestPath, type DebuginfodArtifact } from './artifact.js';
export { debuginfodConfig, parseUrls, parseHeaderLines, DEBUGINFOD_DEFAULTS, type DebuginfodConfig } from './config.js';
export { CACHE_SETTINGS } from './cache-config.js';
export { DebuginfodError, isDebuginfodError, type DebuginfodErrorCode } from './errors.js';
export type { CacheStore, CacheWriter, CacheEntry } from './store.js';
export type { FetchFunction, FetchResponse } from './transport.js';
