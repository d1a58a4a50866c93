import type { ByteSource } from '@elfkit/binary';
import type { Awaitable } from '../host.js';

/** A file in the cache: its size and when it was last written (ms since the epoch). */
export interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * A file being downloaded into the cache: written to a temporary name,
 * then either committed (renamed into place, so no reader ever sees half a
 * file) or dropped.
 */
export interface CacheWriter {
  write(chunk: Uint8Array): Awaitable<void>;
  /** Finishes writing and gives random access to what was written (to check its build id). */
  finish(): Awaitable<ByteSource>;
  /** Renames the file into place (read-only, dated `mtimeMs` when given); returns its path. */
  commit(mtimeMs?: number): Awaitable<string>;
  /** Removes the temporary file. */
  drop(): Awaitable<void>;
}

/**
 * The file system under a debuginfod cache directory, as the client needs
 * it. Names are relative (`BUILDID/debuginfo`, `cache_miss_s`); the layout
 * is the client's business, the store only keeps files. The Node store
 * (`@elfkit/symbolize/node`) keeps them on disk where elfutils does; a
 * browser may keep them in memory or in the origin's storage.
 */
export interface CacheStore {
  /** The file's size and date, or undefined when there is none. */
  stat(name: string): Awaitable<CacheEntry | undefined>;
  /** The path the file has (or will have) — what `debuginfod-find` prints. */
  pathOf(name: string): string;
  /** Random access to a cached file. */
  open(name: string): Awaitable<ByteSource | undefined>;
  /** The whole text of a small file (the cache's settings), or undefined. */
  readText(name: string): Awaitable<string | undefined>;
  /** Writes a small file in place (the settings; an empty file as a remembered miss unless one exists). */
  writeText(name: string, text: string, options?: { exclusive?: boolean }): Awaitable<void>;
  /** Sets a file's modification time to now. */
  touch(name: string): Awaitable<void>;
  /** Removes a file (no error when it is gone). */
  remove(name: string): Awaitable<void>;
  /** Starts writing `name` through a temporary file beside it. */
  create(name: string): Awaitable<CacheWriter>;
  /**
   * Removes cached files (names matching `match`) last used `maxUnusedAgeS`
   * or more seconds ago, and directories left empty that long.
   */
  prune(match: RegExp, maxUnusedAgeS: number): Awaitable<void>;
}
