import { ParseError, Reader } from '@elfkit/binary';
import { unzlibSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import * as C from './constants.js';
import type { ElfLayouts } from './layouts.js';

/**
 * Decoders for compressed section payloads. Both receive the compressed
 * bytes and the declared uncompressed size and return exactly that many
 * bytes. The defaults are pure JavaScript (fflate, fzstd) so the package
 * runs in browsers; Node callers may pass `node:zlib`'s native inflate.
 */
export interface Decompressors {
  /** Inflates a zlib stream (`ELFCOMPRESS_ZLIB`, `.zdebug_*`) into `size` bytes. */
  zlib(data: Uint8Array, size: number): Uint8Array;
  /** Decompresses a zstd frame (`ELFCOMPRESS_ZSTD`) into `size` bytes. */
  zstd(data: Uint8Array, size: number): Uint8Array;
  /**
   * Optional: a zlib inflater fed a stream piece by piece, for readers
   * that walk a section once from front to back and need not hold all of
   * it ({@link ElfFile.sectionChunks}). Undefined when none can be made here
   * (the whole section is then inflated at once).
   */
  zlibStream?: () => InflateStream | undefined;
}

/** A zlib stream inflated as its compressed bytes arrive. */
export interface InflateStream {
  /** Inflates the next compressed bytes (`final` for the last of them); returns what they inflate to, in order. Throws on corrupt data. */
  push(chunk: Uint8Array, final: boolean): Uint8Array[];
  /** Lets go of the inflater's state. */
  close(): void;
}

/** fflate for zlib, fzstd for zstd. */
export const defaultDecompressors: Decompressors = {
  zlib: (data, size) => unzlibSync(data, { out: new Uint8Array(size) }),
  zstd: (data, size) => zstdDecompress(data, new Uint8Array(size)),
};

/** How a section is compressed. */
export interface SectionCompression {
  /** `zlib` / `zstd` for SHF_COMPRESSED (ELFCOMPRESS_*), `zlib-gnu` for legacy `.zdebug_*`. */
  readonly format: 'zlib' | 'zstd' | 'zlib-gnu' | 'unknown';
  /** ch_type (0 for `zlib-gnu`). */
  readonly type: number;
  /** Uncompressed size. */
  readonly size: number;
  /** Uncompressed alignment. */
  readonly addralign: number;
  /** Bytes of header before the compressed stream. */
  readonly headerSize: number;
}

/**
 * The largest expansion accepted before allocating: deflate cannot exceed
 * about 1032:1, zstd is bounded by its block format well below this. A
 * header claiming more is corrupt, and refusing it keeps a 100-byte input
 * from allocating gigabytes.
 */
export const MAX_RATIO = 1100;
/** Bytes a small stream may claim beyond {@link MAX_RATIO}. */
export const SLACK = 1 << 20;

/** Reads the compression header of an SHF_COMPRESSED section payload. */
export function readCompressionHeader(raw: Uint8Array, layouts: ElfLayouts, section: string): SectionCompression {
  const h = layouts.chdr.read(raw, 0, section, 0);
  const size = typeof h.ch_size === 'number' ? h.ch_size : h.ch_size > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(h.ch_size);
  const align = typeof h.ch_addralign === 'number' ? h.ch_addralign : Number(h.ch_addralign);
  if (size < 0) throw new ParseError('too-large', `compressed section claims ${h.ch_size} uncompressed bytes`, section, 0);
  const format = h.ch_type === C.ELFCOMPRESS_ZLIB ? 'zlib' : h.ch_type === C.ELFCOMPRESS_ZSTD ? 'zstd' : 'unknown';
  return { format, type: h.ch_type, size, addralign: align, headerSize: layouts.chdr.size };
}

/** Reads the `ZLIB` + big-endian u64 size header of a legacy `.zdebug_*` section; undefined when absent. */
export function readZdebugHeader(raw: Uint8Array, section: string): SectionCompression | undefined {
  if (raw.length < 12 || raw[0] !== 0x5a || raw[1] !== 0x4c || raw[2] !== 0x49 || raw[3] !== 0x42) return undefined;
  const r = new Reader(raw, { order: 'big', section });
  r.skip(4);
  const size = r.u64n('uncompressed size');
  return { format: 'zlib-gnu', type: 0, size, addralign: 1, headerSize: 12 };
}

/** Throws what {@link decompressSection} throws for a header it refuses before decoding: an unknown format, an impossible size. */
export function checkCompression(c: SectionCompression, payloadSize: number, section: string): void {
  if (c.format === 'unknown') throw new ParseError('unsupported', `unknown compression type ${c.type}`, section, 0);
  if (c.size > payloadSize * MAX_RATIO + SLACK) {
    throw new ParseError('too-large', `compressed section claims ${c.size} bytes from ${payloadSize} compressed bytes`, section, 0);
  }
}

/** The error for a stream that would not decode. */
export function corruptStream(c: SectionCompression, section: string, e: unknown): ParseError {
  return new ParseError('invalid', `${c.format === 'zstd' ? 'zstd' : 'zlib'} data is corrupt: ${(e as Error).message}`, section, c.headerSize);
}

/** The error for a stream that decoded to another size than its header gives. */
export function sizeMismatch(c: SectionCompression, size: number, section: string): ParseError {
  return new ParseError('invalid', `decompressed ${size} bytes, header says ${c.size}`, section, 0);
}

/** Decompresses a section payload whose header is `c`. */
export function decompressSection(raw: Uint8Array, c: SectionCompression, section: string, decoders: Decompressors): Uint8Array {
  const payload = raw.subarray(c.headerSize);
  checkCompression(c, payload.length, section);
  let out: Uint8Array;
  try {
    out = c.format === 'zstd' ? decoders.zstd(payload, c.size) : decoders.zlib(payload, c.size);
  } catch (e) {
    throw corruptStream(c, section, e);
  }
  if (out.length !== c.size) throw sizeMismatch(c, out.length, section);
  return out;
}
