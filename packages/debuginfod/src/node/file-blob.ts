import { createReadStream } from 'node:fs';
import type { Blob } from '../blob.js';

// node:fs/promises at the first small read, not at import: it loads readline, the file watchers and the directory
// streams with it (~0.7 ms of the server's start, before any request).
const fsPromises = () => process.getBuiltinModule('node:fs/promises');

async function* nothing(): AsyncGenerator<Uint8Array> {}

/**
 * A byte range of a file on disk as a stream (`fs.createReadStream` with
 * `start`/`end`), so the server pipes it with back-pressure and never holds
 * the file in memory.
 */
export function fileRange(path: string, start: number, end: number): AsyncIterable<Uint8Array> {
  if (end <= start) return nothing();
  if (end - start <= 256 << 10) return preadOnce(path, start, end - start);
  return createReadStream(path, { start, end: end - 1, highWaterMark: 256 << 10 });
}

/** A small range in one read (the stream machinery costs more than the read). */
async function* preadOnce(path: string, start: number, length: number): AsyncGenerator<Uint8Array> {
  const fh = await fsPromises().open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, start + done);
      if (bytesRead === 0) throw new Error(`${path} ends before byte ${start + length}`);
      done += bytesRead;
    }
    yield buf;
  } finally {
    await fh.close();
  }
}

/** A file on disk as a {@link Blob}. */
export function fileBlob(path: string, size: number, mtimeMs: number, archive?: { path: string; offset: number; member: string }): Blob {
  if (archive) {
    return { size, mtimeMs, file: archive.member, archive: archive.path, chunks: (s, e) => fileRange(archive.path, archive.offset + s, archive.offset + Math.min(e, size)) };
  }
  return { size, mtimeMs, file: path, chunks: (s, e) => fileRange(path, s, Math.min(e, size)) };
}

/** Slices `[start, end)` out of a stream that begins at offset `at0`. */
export async function* sliceStream(chunks: AsyncIterable<Uint8Array>, at0: number, start: number, end: number, what: string): AsyncGenerator<Uint8Array> {
  let at = at0;
  if (end <= start) return;
  for await (const c of chunks) {
    const cEnd = at + c.length;
    if (cEnd > start) yield c.subarray(Math.max(0, start - at), Math.min(c.length, end - at));
    at = cEnd;
    if (at >= end) return;
  }
  throw new Error(`${what} ends before byte ${end}`);
}
