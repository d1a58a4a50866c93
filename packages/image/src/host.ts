import type { ByteSource } from '@elfkit/binary';
import type { RandomAccess } from './access.js';
import { jsDecompressors, type Decompressors } from './compression.js';
import { jsHasher, type HasherFactory } from './digest.js';

/** Bytes written to temporary storage, readable again. */
export interface Spilled {
  readonly size: number;
  /** Synchronous random access (the ELF reader's). */
  readonly source: ByteSource;
  /** Asynchronous random access (the archive index's). */
  readonly access: RandomAccess;
  /** Frees the storage. */
  close(): Promise<void> | void;
}

/** Temporary storage being written. */
export interface SpillWriter {
  write(chunk: Uint8Array): Promise<void> | void;
  /** Ends writing; the bytes are then readable. */
  done(): Promise<Spilled>;
  /** Ends writing and frees the storage. */
  discard(): Promise<void> | void;
}

/**
 * What the image readers ask of their environment. Every member is
 * optional: the defaults are pure JavaScript (hashing, gzip, zstd) and
 * keep everything in memory. The Node host (`@elfkit/image/node`) passes
 * node:crypto, node:zlib and temporary files.
 */
export interface ImageHost {
  /** SHA-256 (and SHA-512) for digests. */
  readonly hasher?: HasherFactory;
  readonly decompressors?: Decompressors;
  /**
   * Temporary storage for data too large to hold in memory: an ELF file
   * over the memory limit, a compressed image archive that must be read
   * out of order. Without it such data is held in memory up to
   * {@link memoryLimit}, and larger ELF files are reported unread.
   */
  spill?(): Promise<SpillWriter>;
  /** Largest file held in memory (default 64 MiB with spill, 1 GiB without). */
  readonly memoryLimit?: number;
}

/** The host with its defaults filled in. */
export interface ResolvedHost {
  readonly hasher: HasherFactory;
  readonly decompressors: Decompressors;
  readonly spill?: () => Promise<SpillWriter>;
  readonly memoryLimit: number;
}

/** Fills in a host's defaults. */
export function resolveHost(host: ImageHost = {}): ResolvedHost {
  return {
    hasher: host.hasher ?? jsHasher,
    decompressors: host.decompressors ?? jsDecompressors,
    spill: host.spill?.bind(host),
    memoryLimit: host.memoryLimit ?? (host.spill ? 64 << 20 : 1 << 30),
  };
}
