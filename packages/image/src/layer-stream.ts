import { readChunks, type RandomAccess } from './access.js';
import { sniffCompression, type Compression, type Decompressors } from './compression.js';
import { parseDigest, type HasherFactory } from './digest.js';
import { ImageError, isImageError } from './errors.js';
import { TarReader, type TarLimits } from './tar/reader.js';
import { VerifiedStream } from './verified-stream.js';

/** A layer of the chosen image, and how to find and check its bytes. */
export interface LayerRef {
  /** Position from the base (0) to the top. */
  readonly index: number;
  /** The blob's name for messages and reports: its digest, or its path in a `docker save` tarball. */
  readonly name: string;
  /** Where the blob is among the image's files. */
  readonly path: string;
  /** Digest of the blob as stored (compressed), when the format names one. */
  readonly digest?: string;
  /** Size of the blob as stored, from its descriptor. */
  readonly size?: number;
  readonly mediaType?: string;
  /** Digest of the uncompressed tar (the config's `rootfs.diff_ids`). */
  readonly diffId?: string;
}

/** Limits against compression bombs. */
export interface ExpansionLimits {
  /** Most uncompressed bytes per stored byte (default 250). */
  readonly maxRatio?: number;
  /** Output below this many bytes is never a bomb (default 512 MiB). */
  readonly ratioFloor?: number;
  /** Most uncompressed bytes in one layer (default: no limit). */
  readonly maxLayerBytes?: number;
}

/** What opening a layer needs. */
export interface LayerEnvironment {
  readonly hasher: HasherFactory;
  readonly decompressors: Decompressors;
  readonly tar?: TarLimits;
  readonly expansion?: ExpansionLimits;
}

/** An open layer: its tar entries, and a check to run after reading them. */
export interface LayerStream {
  readonly tar: TarReader;
  readonly compression: Compression;
  /** Reads whatever is left, then checks the uncompressed digest (diff id), the blob's size and digest. */
  finish(): Promise<void>;
  /** Stops reading after an error. */
  close(): Promise<void>;
  /** Uncompressed bytes read so far. */
  readonly uncompressedBytes: number;
  /** Stored (compressed) bytes read so far. */
  readonly storedBytes: number;
}

async function* prepend(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length) yield first;
  yield* rest;
}

/**
 * Opens a layer blob for reading: sha256 checked as it streams,
 * compression found from its first bytes (gzip, zstd or none, whatever the
 * media type says), decoded through a guard against bombs, the
 * uncompressed stream checked against the diff id, and a tar reader over it.
 */
export async function openLayerStream(access: RandomAccess, layer: LayerRef, env: LayerEnvironment): Promise<LayerStream> {
  const blob = layer.name;
  const raw = new VerifiedStream(readChunks(access), { name: blob, digest: layer.digest, size: layer.size }, env.hasher);
  const it = raw[Symbol.asyncIterator]();
  const head = await it.next();
  const first = head.done ? new Uint8Array(0) : head.value;
  const compression = sniffCompression(first);
  const stored = prepend(first, raw);
  let plain: AsyncIterable<Uint8Array>;
  if (compression === 'none') plain = stored;
  else if (compression === 'gzip' || compression === 'zstd') plain = env.decompressors[compression](stored);
  else throw new ImageError('unsupported', `layer is ${compression}-compressed (gzip, zstd or none are read)`, { blob });
  // An uncompressed blob named by its digest is its own diff id: one hash is enough.
  const diff = layer.diffId && !(compression === 'none' && layer.digest === layer.diffId) ? parseDigest(layer.diffId) : undefined;
  const diffHasher = diff ? env.hasher(diff.algorithm) : undefined;
  let out = 0;
  const maxRatio = env.expansion?.maxRatio ?? 250;
  const floor = env.expansion?.ratioFloor ?? 512 << 20;
  const maxBytes = env.expansion?.maxLayerBytes ?? Infinity;
  const label = compression === 'none' ? 'tar' : compression;
  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      for await (const c of plain) {
        out += c.length;
        if (out > maxBytes) throw new ImageError('too-large', `layer decompresses to more than ${maxBytes} bytes`, { blob, offset: out });
        if (out > floor && out > maxRatio * raw.bytesRead) {
          throw new ImageError('too-large', `layer decompresses to more than ${maxRatio} times its ${raw.bytesRead} stored bytes (a compression bomb?)`, { blob, offset: out });
        }
        diffHasher?.update(c);
        yield c;
      }
    } catch (e) {
      if (isImageError(e)) throw e;
      const msg = (e as Error).message ?? String(e);
      const truncated = /unexpected end|end of file|truncat/i.test(msg);
      throw new ImageError(truncated ? 'truncated' : 'invalid', `${label} data ${truncated ? 'ends early' : 'is corrupt'}: ${msg}`, { blob, offset: out });
    }
  }
  const source = guarded();
  const tar = new TarReader(source, blob, env.tar);
  return {
    tar,
    compression,
    get uncompressedBytes() {
      return out;
    },
    get storedBytes() {
      return raw.bytesRead;
    },
    async finish() {
      // The rest of the decompressed stream (record padding after the end
      // blocks) belongs to the diff id; the guard still bounds it.
      await tar.rest();
      await raw.finish();
      const got = diff && diffHasher ? `${diff.algorithm}:${diffHasher.hex()}` : undefined;
      if (got && got !== layer.diffId) {
        throw new ImageError('digest-mismatch', `uncompressed layer has digest ${got}, the config's diff id is ${layer.diffId}`, { blob });
      }
    },
    async close() {
      await source.return(undefined);
      await raw.close();
    },
  };
}
