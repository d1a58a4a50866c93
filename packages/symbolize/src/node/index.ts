/**
 * The Node host of `@elfkit/symbolize`: files opened with node:fs for
 * random access, ELF sections inflated with node:zlib.
 * @packageDocumentation
 */
export { FileSource, openSource } from './file-source.js';
export { openElf, nodeDecompressors, type OpenedElf, type OpenElfOptions } from './open-elf.js';
export { NodeDebugHost } from './debug-host.js';
export { nodeHost } from './host.js';
export { FsCacheStore, defaultCachePath } from './debuginfod-store.js';
export { nodeDebuginfod, debuginfodConfigured, type NodeDebuginfodOptions } from './debuginfod.js';
export { nodeHttpFetch } from './http-fetch.js';
export { nodeIndexCache, elfkitCacheDir, DEFAULT_INDEX_CACHE_BYTES } from './index-cache.js';
