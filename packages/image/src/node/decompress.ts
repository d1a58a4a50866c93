import type { Transform } from 'node:stream';
import { jsDecompressors, type Decompressors, type StreamDecoder } from '../compression.js';
import { nodeZlib } from './builtins.js';

/** Output chunk size of zlib's decoders: fewer, larger chunks than its 16 KiB default. */
const CHUNK = 256 << 10;

/**
 * Runs `input` through the transform `make` gives. The chunks are written
 * in by hand, not by `Readable.from(input).pipe(t)`: Node's `pipe` reads
 * `process.stdout` and `process.stderr` (to leave them open at the end),
 * and their first read makes the stdio streams — a socket, with Node's
 * net modules, when standard error is a pipe; ~5 ms of a small image's
 * `elfkit image attach-debug`. One chunk is read ahead, as `Readable.from`
 * with a high-water mark of 1 did; the transform's own buffer bounds the
 * rest (a full one is waited on until it drains).
 */
function viaTransform(make: () => Transform): StreamDecoder {
  return async function* (input) {
    const t = make();
    const source = input[Symbol.asyncIterator]();
    let stopped = false;
    const drained = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          t.off('drain', done);
          t.off('close', done);
          resolve();
        };
        t.on('drain', done);
        t.on('close', done);
      });
    const feed = async () => {
      try {
        for (let r = await source.next(); !r.done && !stopped; r = await source.next()) {
          if (!t.write(r.value) && !stopped) await drained();
        }
        if (!stopped) t.end();
      } catch (e) {
        t.destroy(e as Error);
      }
    };
    void feed();
    try {
      for await (const c of t) yield c as Uint8Array;
    } finally {
      stopped = true;
      t.destroy();
      // Closes the input (a file read in flight finishes first), as destroying Readable.from's stream did.
      source.return?.().catch(() => {});
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
