import type { ByteSource } from '@elfkit/binary';
import type { Decompressors, SectionInflater } from '@elfkit/elf';

/** A value, or a promise of it: hosts may answer at once (files) or later (fetch). */
export type Awaitable<T> = T | PromiseLike<T>;

/** A file a host fetched by build id (a debuginfod client's answer). */
export interface FetchedFile {
  /** Where it is now (a cache path, or a URL), used as its name. */
  readonly path: string;
  readonly source: ByteSource;
}

/**
 * Everything `@elfkit/symbolize` asks of the outside world. It decides
 * where to look (gdb's and LLVM's search orders); the host opens what it is
 * asked for. The Node host (`@elfkit/symbolize/node`) reads files; a browser
 * host may fetch URLs or serve files a user dropped; a debugger may serve
 * its own file system.
 */
export interface SymbolizeHost {
  /**
   * Random access to the file at `path`, or undefined when there is none
   * (or it cannot be read). A browser host fetches the whole file and
   * returns its bytes; reads from the source are synchronous.
   */
  open(path: string): Awaitable<ByteSource | undefined>;
  /**
   * Optional: the debug file (or executable) with `buildId`, from somewhere
   * other than the local search paths — a debuginfod server. Asked after
   * every local place failed.
   */
  fetchByBuildId?(buildId: string, kind: 'debuginfo' | 'executable'): Awaitable<FetchedFile | undefined>;
  /**
   * Optional: the places to look for a debug file, given the default list
   * (in search order) — to add a debugger's own directories or drop places
   * it cannot reach.
   */
  candidates?(request: { readonly binary: string; readonly kind: 'separate' | 'dwo' | 'dwp' | 'supplementary' }, defaults: readonly string[]): readonly string[];
  /** Faster decoders for compressed sections (the Node host passes node:zlib). */
  readonly decompressors?: Partial<Decompressors>;
  /**
   * Optional: decompresses off the calling thread (the Node host: node:zlib
   * on its thread pool), so a module's `preloadDwarf` can inflate a debug
   * file's sections while the caller works; undefined for a format it does
   * not decode. Gets the compressed stream and the declared size.
   */
  decompressAsync?(data: Uint8Array, size: number, format: 'zlib' | 'zstd'): Promise<Uint8Array | undefined>;
  /**
   * Optional: a decoder that inflates a compressed section in steps off the
   * calling thread (see SectionInflater), so that a caller needing only the
   * front of a large section (a core's backtraces, of libc's `.debug_info`)
   * need not wait for, or pay for, the rest; undefined for a format it does
   * not decode this way. Gets the compressed stream and the declared size.
   */
  inflateInSteps?(data: Uint8Array, size: number, format: 'zlib' | 'zstd'): SectionInflater | undefined;
  /** Optional: a faster CRC-32 (zlib's) for `.gnu_debuglink` checks. */
  crc32?(bytes: Uint8Array): number;
  /** Optional: an xz decoder for MiniDebugInfo (default: the `xz-decompress` WebAssembly decoder). */
  xz?(data: Uint8Array): Promise<Uint8Array>;
  /** Optional: the bytes of the demangler's WebAssembly module (default: fetched beside the package). */
  demanglerWasm?(): Promise<Uint8Array>;
  /** Optional: called when a source is no longer needed. */
  close?(source: ByteSource): void;
  /**
   * Optional: where modules' DWARF indexes are kept between runs (gdb's
   * `index-cache`), so a second run over the same binary neither inflates
   * nor decodes its DWARF (see `Module.saveIndex`). The Node
   * host's is `nodeIndexCache()`, a bounded folder under `~/.cache/elfkit`.
   */
  readonly indexCache?: IndexCacheStore;
}

/**
 * Bytes by name, for the index cache. A file's content is checked when it
 * is read (format, checksum, the full key), so a store may return anything,
 * damaged or foreign: that is ignored. `put` must replace whole files
 * (write elsewhere, then rename), so a reader never sees half of one.
 */
export interface IndexCacheStore {
  /** The bytes stored as `name`, or undefined when there are none (or they cannot be read). */
  get(name: string): Awaitable<Uint8Array | undefined>;
  /** Stores `bytes` as `name`, replacing the whole file at once; a failure only means no cache. */
  put(name: string, bytes: Uint8Array): Awaitable<void>;
  /**
   * The size and modification time of the file at `path` (undefined when
   * unknown: then nothing is cached for it) — with the build ids, what
   * tells one version of a file from another.
   */
  stamp(path: string): Awaitable<{ readonly size: number; readonly mtimeMs: number } | undefined>;
}
