import { ParseError } from './errors.js';

/**
 * Synchronous random access to the bytes of a file, so a reader can fetch
 * only the ranges it needs (the header and the symbol table of a 90 MB
 * binary, not the whole of it). The CLI backs it with a file descriptor; in
 * a browser it is a `Uint8Array`.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Bytes `[offset, offset + length)`. The range is checked by the caller
   * against `size`; implementations may return a view (no copy).
   */
  read(offset: number, length: number): Uint8Array;
  /**
   * Optional: the same bytes read off the caller's thread (a file read on
   * Node's thread pool), for a caller that reads a large range ahead of
   * need — an ELF file inflating a debug section while other work runs.
   */
  readAsync?(offset: number, length: number): Promise<Uint8Array>;
}

/** A {@link ByteSource} over bytes already in memory; reads are zero-copy views. */
export class BytesSource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
}

/** Wraps bytes as a source; passes sources through. */
export function toByteSource(input: Uint8Array | ByteSource): ByteSource {
  return input instanceof Uint8Array ? new BytesSource(input) : input;
}

/**
 * Reads `[offset, offset + length)` from `source` after checking it lies
 * inside the source; `what` names the structure for the error.
 */
export function readRange(source: ByteSource, offset: number, length: number, what: string, section = 'file'): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    const hex = (v: number) => (Number.isSafeInteger(v) ? `0x${v.toString(16)}` : String(v));
    throw new ParseError(
      'truncated',
      `${what} (${hex(length)} bytes at ${hex(offset)}) extends past the end of the data (0x${source.size.toString(16)} bytes)`,
      section,
      // An offset that is no position at all (negative, past 2^53) is placed at the end of the data, where reading stopped.
      Number.isSafeInteger(offset) && offset >= 0 ? offset : source.size,
    );
  }
  return source.read(offset, length);
}
