import type * as Zlib from 'node:zlib';
import type { InflateStream } from '@elfkit/elf';

let zlib: typeof Zlib | undefined;

/**
 * `node:zlib`, loaded on first use: importing it loads some twenty stream
 * modules, a few milliseconds of every command's start-up, while most runs
 * meet no compressed section and check no debug link's CRC.
 */
export function nodeZlib(): typeof Zlib {
  return (zlib ??= process.getBuiltinModule('node:zlib'));
}

/** CRC-32 by `node:zlib` where this Node has it (20.15 and later), else `fallback`. */
export function zlibCrc32(bytes: Uint8Array, fallback: (bytes: Uint8Array) => number): number {
  const crc32 = nodeZlib().crc32;
  return typeof crc32 === 'function' ? crc32(bytes) >>> 0 : fallback(bytes);
}

/** The parts of a zlib stream object that inflate synchronously, piece by piece (what `inflateSync` itself drives). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

/** Output piece size: a few pieces per large unit, little memory held. */
const INFLATE_PIECE = 1 << 18;

/**
 * A zlib inflater fed piece by piece, synchronously — native speed (the
 * pure-JS inflater takes ~0.8 s of CPU for the docker CLI's 13 MB
 * `.debug_info` in a one-shot run, native ~30 ms) without holding the
 * whole output. Node has no public synchronous streaming API, so this
 * drives the stream object's handle as `zlib.inflateSync` does; where that
 * handle is not there (another runtime), undefined, and the caller
 * inflates the whole section at once.
 */
export function nodeInflateStream(): InflateStream | undefined {
  const z = nodeZlib();
  const stream = z.createInflate() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array; close(): void };
  const handle = stream._handle;
  const state = stream._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !state) {
    stream.close();
    return undefined;
  }
  let error: Error | undefined;
  handle.onerror = (message) => {
    error = new Error(message);
  };
  const { Z_NO_FLUSH, Z_FINISH } = z.constants;
  return {
    push(chunk, final) {
      const out: Uint8Array[] = [];
      let inOff = 0;
      let availIn = chunk.length;
      for (;;) {
        const piece = new Uint8Array(INFLATE_PIECE);
        handle.writeSync(final ? Z_FINISH : Z_NO_FLUSH, chunk, inOff, availIn, piece, 0, INFLATE_PIECE);
        if (error) throw error;
        const availOut = state[0]!;
        const left = state[1]!;
        const have = INFLATE_PIECE - availOut;
        if (have > 0) out.push(have === INFLATE_PIECE ? piece : piece.slice(0, have));
        inOff += availIn - left;
        availIn = left;
        // Room left in the piece: zlib took all it could of this input.
        if (availOut !== 0) return out;
      }
    },
    close() {
      stream.close();
    },
  };
}
