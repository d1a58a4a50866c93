import type { ByteSource } from '@elfkit/binary';
import type { HasherFactory } from '../digest.js';
import type { ImageHost } from '../host.js';
import { nodeCrypto, nodeZlib } from './builtins.js';
import { nodeDecompressors, nodeDecompressorsWith, type GunzipHere } from './decompress.js';
import { TempStore } from './spill.js';

/** node:crypto's SHA-256 and SHA-512. */
export const nodeHasher: HasherFactory = (algorithm) => {
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return undefined;
  const h = nodeCrypto().createHash(algorithm);
  return { update: (b) => void h.update(b), hex: () => h.digest('hex') };
};

/** zlib's CRC-32 of a whole source (Node ≥ 20.15), for `.gnu_debuglink` checks. */
export function nodeCrc32(source: ByteSource): number {
  const crc = (nodeZlib() as unknown as { crc32?: (b: Uint8Array, v?: number) => number }).crc32;
  if (!crc) throw new Error('zlib.crc32 needs Node 20.15 or later');
  let v = 0;
  for (let at = 0; at < source.size; at += 1 << 22) v = crc(source.read(at, Math.min(1 << 22, source.size - at)), v);
  return v >>> 0;
}

/** The Node host: native hashing and gunzip, temporary files for large ELF files and compressed archives. */
export interface NodeImageHost extends ImageHost {
  /** Removes the temporary directory. */
  dispose(): void;
}

/** Makes the Node host; `tmpdir` is where its private temporary directory goes; `gunzipHere` decodes small gzip inputs before node:zlib does (see {@link GunzipHere}). */
export function nodeImageHost(options: { tmpdir?: string; memoryLimit?: number; gunzipHere?: GunzipHere } = {}): NodeImageHost {
  const store = new TempStore(options.tmpdir);
  return {
    hasher: nodeHasher,
    decompressors: options.gunzipHere ? nodeDecompressorsWith(options.gunzipHere) : nodeDecompressors,
    spill: () => store.create(),
    memoryLimit: options.memoryLimit ?? 64 << 20,
    dispose: () => store.dispose(),
  };
}
