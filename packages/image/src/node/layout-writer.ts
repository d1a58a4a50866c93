import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LayoutWriter } from '../write/layout-writer.js';
import { FileDescriptor, removeFile, renameFile } from './fs-calls.js';
import { nodeCrypto } from './builtins.js';

async function writeAtomically(path: string, chunks: AsyncIterable<Uint8Array> | Uint8Array, onChunk?: (c: Uint8Array) => void, after?: Promise<unknown>, onWritten?: (size: number) => void): Promise<number> {
  after?.catch(() => {}); // awaited below; a rejection before then is not unhandled
  const tmp = `${path}.tmp-${nodeCrypto().randomBytes(6).toString('hex')}`;
  const fh = await FileDescriptor.open(tmp, 'wx', 0o644);
  let size = 0;
  try {
    const list = chunks instanceof Uint8Array ? [chunks] : chunks;
    for await (const c of list) {
      onChunk?.(c);
      let done = 0;
      while (done < c.length) done += await fh.write(c, done, c.length - done);
      size += c.length;
    }
    onWritten?.(size);
    await fh.sync();
    await fh.close();
    await after;
    await renameFile(tmp, path);
    return size;
  } catch (e) {
    await fh.close().catch(() => {});
    await removeFile(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes into an OCI layout directory: each blob to a temporary file in
 * `blobs/<alg>/`, fsync'd and renamed to its digest; index.json likewise.
 * Nothing is written outside `root`.
 */
export function directoryLayoutWriter(root: string): LayoutWriter {
  const blobDir = (alg: string) => {
    if (!/^[a-z0-9]+$/.test(alg)) throw new Error(`bad digest algorithm ${alg}`);
    const d = join(root, 'blobs', alg);
    mkdirSync(d, { recursive: true });
    return d;
  };
  return {
    async writeBlob(digest, bytes) {
      const [alg, hex] = digest.split(':');
      if (!alg || !hex || !/^[0-9a-f]+$/.test(hex)) throw new Error(`bad digest ${digest}`);
      const path = join(blobDir(alg), hex);
      if (existsSync(path)) return;
      await writeAtomically(path, bytes);
    },
    writeBlobStream(chunks) {
      const dir = blobDir('sha256');
      const h = nodeCrypto().createHash('sha256');
      const staging = join(dir, `.staging-${nodeCrypto().randomBytes(6).toString('hex')}`);
      // The digest is known once the last chunk is written: the caller goes on while the blob is flushed.
      return new Promise((resolve, reject) => {
        const flushed = writeAtomically(staging, chunks, (c) => h.update(c), undefined, (size) => {
          const hex = h.digest('hex');
          const stored = flushed.then(() => renameFile(staging, join(dir, hex)));
          resolve({ digest: `sha256:${hex}`, size, stored });
        });
        flushed.catch(reject); // before the chunks are written: the stream's failure; after, `stored`'s
      });
    },
    async writeIndex(bytes, after) {
      await writeAtomically(join(root, 'index.json'), bytes, undefined, after);
    },
  };
}
