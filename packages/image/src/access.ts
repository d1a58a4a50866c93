/**
 * Random access to the bytes of an image file or blob, asynchronous so a
 * browser `Blob` (`slice().arrayBuffer()`) or a fetch with `Range` can back
 * it as well as a file descriptor.
 */
export interface RandomAccess {
  /** Total size in bytes. */
  readonly size: number;
  /** Bytes `[offset, offset + length)`; the caller keeps the range inside `size`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A {@link RandomAccess} over bytes in memory. */
export function bytesAccess(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** `length` bytes of `access` from `offset` (`[offset, offset+length)` of a larger one), as its own {@link RandomAccess}. */
export function sliceAccess(access: RandomAccess, offset: number, length: number): RandomAccess {
  return { size: length, read: (o, n) => access.read(offset + o, Math.min(n, length - o)) };
}

/** The default read size for streaming a blob. */
export const CHUNK_SIZE = 1 << 20;

/**
 * Streams `[offset, offset + length)` of `access` in chunks, reading the
 * next chunk while the caller works on the current one.
 */
export async function* readChunks(access: RandomAccess, offset = 0, length = access.size - offset, chunk = CHUNK_SIZE): AsyncGenerator<Uint8Array> {
  const end = offset + length;
  let at = offset;
  const next = () => {
    if (at >= end) return undefined;
    const n = Math.min(chunk, end - at);
    const p = access.read(at, n);
    at += n;
    return p;
  };
  let pending = next();
  while (pending) {
    const bytes = await pending;
    pending = next();
    if (bytes.length > 0) yield bytes;
  }
}

/** Every byte of an async stream of chunks, joined (for small documents). */
export async function collect(chunks: AsyncIterable<Uint8Array>, limit = Infinity, what = 'data'): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > limit) throw new RangeError(`${what} is larger than ${limit} bytes`);
    parts.push(c);
  }
  return concat(parts, n);
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
