/**
 * A file the server can send: a file on disk, an entry of a tar archive, a
 * file in a container image, a cached answer from an upstream server. Its
 * bytes are streamed from a range, never read whole.
 */
export interface Blob {
  readonly size: number;
  /** Modification time (ms since the epoch), for `Last-Modified`. */
  readonly mtimeMs: number;
  /** `X-DEBUGINFOD-FILE`: the path on disk, or inside the archive. */
  readonly file: string;
  /** `X-DEBUGINFOD-ARCHIVE`: the archive or image holding it. */
  readonly archive?: string;
  /**
   * The bytes `[start, end)` as chunks. Node hosts may return a `Readable`
   * (which is an async iterable too) so the server can pipe it.
   */
  chunks(start: number, end: number): AsyncIterable<Uint8Array>;
}

/** `length` bytes of `blob` from `offset`, as a blob of its own (a section of an ELF file). */
export function subBlob(blob: Blob, offset: number, length: number, file = blob.file): Blob {
  return {
    size: length,
    mtimeMs: blob.mtimeMs,
    file,
    archive: blob.archive,
    chunks: (start, end) => blob.chunks(offset + start, offset + Math.min(end, length)),
  };
}
