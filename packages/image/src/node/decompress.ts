import type { Transform } from 'node:stream';
import { jsDecompressors, type Decompressors, type StreamDecoder } from '../compression.js';
import { nodeZlib } from './builtins.js';

/** Output chunk size of zlib's decoders: fewer, larger chunks than its 16 KiB default. */
const CHUNK = 256 << 10;

/** Compressed inputs up to this size are decoded in one synchronous call when they end within it (see viaTransform). */
const SMALL_INPUT = 256 << 10;

/**
 * Runs `input` through the transform `make` gives. The chunks are written
 * in by hand, not by `Readable.from(input).pipe(t)`: Node's `pipe` reads
 * `process.stdout` and `process.stderr` (to leave them open at the end),
 * and their first read makes the stdio streams — a socket, with Node's
 * net modules, when standard error is a pipe; ~5 ms of a small image's
 * `elfkit image attach-debug`. One chunk is read ahead, as `Readable.from`
 * with a high-water mark of 1 did; the transform's own buffer bounds the
 * rest (a full one is waited on until it drains).
 *
 * With `sync` (zlib's one-call decoder), an input that ends within
 * SMALL_INPUT bytes is decoded by it instead, on this thread: a small
 * image's layers do not pay for the stream and its async iteration (their
 * code, compiled on first use, and the hand-off to the thread pool: ~15M
 * instructions, 1.5 ms, per layer). Its output is bounded by `maxOutput`
 * (the input's size); past that, or on any error, the stream decodes it as
 * for a larger input, so bombs and damage are met as before.
 */
function viaTransform(make: () => Transform, sync?: (input: Uint8Array, maxOutput: number) => Uint8Array): StreamDecoder {
  return async function* (input) {
    const source = input[Symbol.asyncIterator]();
    // Chunks read ahead for the one-call decoder, written to the stream first when it declines.
    const ahead: Uint8Array[] = [];
    if (sync) {
      let size = 0;
      let r = await source.next();
      for (; !r.done && size + r.value.length <= SMALL_INPUT; r = await source.next()) {
        ahead.push(r.value);
        size += r.value.length;
      }
      if (r.done) {
        let out: Uint8Array | undefined;
        try {
          out = sync(ahead.length === 1 ? ahead[0]! : Buffer.concat(ahead), size * 250);
        } catch {
          // too large for one call, or damaged: the stream decodes it and reports what it meets
        }
        if (out) {
          if (out.length) yield out;
          return;
        }
      } else ahead.push(r.value);
    }
    const t = make();
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
        for (const c of ahead) if (!t.write(c) && !stopped) await drained();
        ahead.length = 0;
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
 * A one-call gunzip tried before node:zlib's for a small input: the bytes
 * gunzipSync would give, or undefined to leave the input to node:zlib
 * (whose gunzipSync, then stream, decode it and report what is wrong).
 */
export type GunzipHere = (input: Uint8Array, maxOutput: number) => Uint8Array | undefined;

/**
 * node:zlib's gunzip (every member of a multi-member file; it runs on the
 * thread pool, beside the JavaScript that reads the tar), and its zstd
 * decoder where Node has one (22.15+/23.8+), else fzstd. With `here`, a
 * small gzip input goes to it first: node:zlib loads the stream modules,
 * ~2 ms of a small image's command.
 */
export function nodeDecompressorsWith(here?: GunzipHere): Decompressors {
  return {
    gzip: viaTransform(
      () => nodeZlib().createGunzip({ chunkSize: CHUNK }),
      (b, maxOutputLength) => here?.(b, maxOutputLength) ?? nodeZlib().gunzipSync(b, { chunkSize: CHUNK, maxOutputLength }),
    ),
    zstd: nodeDecompressors.zstd,
  };
}

/** {@link nodeDecompressorsWith} without a one-call gunzip of its own. */
export const nodeDecompressors: Decompressors = {
  gzip: viaTransform(
    () => nodeZlib().createGunzip({ chunkSize: CHUNK }),
    (b, maxOutputLength) => nodeZlib().gunzipSync(b, { chunkSize: CHUNK, maxOutputLength }),
  ),
  zstd: (input) => {
    const make = (nodeZlib() as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
    return typeof make === 'function' ? viaTransform(() => make({ chunkSize: CHUNK }))(input) : jsDecompressors.zstd(input);
  },
};
