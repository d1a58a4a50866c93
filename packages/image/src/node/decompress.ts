import type { Readable as ReadableType, Transform } from 'node:stream';
import { jsDecompressors, type Decompressors, type StreamDecoder } from '../compression.js';
import { nodeZlib } from './builtins.js';

/** Output chunk size of zlib's decoders: fewer, larger chunks than its 16 KiB default. */
const CHUNK = 256 << 10;

function viaTransform(make: () => Transform): StreamDecoder {
  return async function* (input) {
    const t = make();
    const { Readable } = process.getBuiltinModule('node:stream') as { Readable: typeof ReadableType };
    const src = Readable.from(input, { objectMode: false, highWaterMark: 1 });
    src.on('error', (e) => t.destroy(e));
    src.pipe(t);
    try {
      for await (const c of t) yield c as Uint8Array;
    } finally {
      src.destroy();
      t.destroy();
    }
  };
}

type ZstdFactory = (o: { chunkSize: number }) => Transform;

/**
 * node:zlib's gunzip (every member of a multi-member file; it runs on the
 * thread pool, beside the JavaScript that reads the tar), and its zstd
 * decoder where Node has one (22.15+/23.8+), else fzstd.
 */
export const nodeDecompressors: Decompressors = {
  gzip: viaTransform(() => nodeZlib().createGunzip({ chunkSize: CHUNK })),
  zstd: (input) => {
    const make = (nodeZlib() as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
    return typeof make === 'function' ? viaTransform(() => make({ chunkSize: CHUNK }))(input) : jsDecompressors.zstd(input);
  },
};
