import { zlibHandleClass } from '../core/pool-inflate.js';

// zlib.h's values, which node:zlib passes to the handle for a Gunzip with its defaults (the handle adds 16 to the window bits for gzip).
const GUNZIP = 4;
const Z_FINISH = 4;
const WINDOW_BITS = 15;
const LEVEL = -1;
const MEM_LEVEL = 8;
const STRATEGY = 0;

/**
 * A small gzip layer decoded by Node's zlib handle in one call, as
 * `zlib.gunzipSync` decodes it (the same handle, mode and flush), without
 * loading `node:zlib` and the stream modules it brings (~2 ms of `elfkit
 * image annotate` on a small layout). Only the plain case is taken: the
 * output must be exactly the size the gzip trailer gives (at most
 * `maxOutput`), with every input byte used and no error; a multi-member
 * file, trailing bytes, damage or no handle (see zlibHandleClass) give
 * undefined, and node:zlib decodes it as before, reporting what is wrong.
 */
export function gunzipHere(input: Uint8Array, maxOutput: number): Uint8Array | undefined {
  const Z = zlibHandleClass();
  if (!Z || input.length < 18) return undefined;
  const at = input.length - 4;
  const size = (input[at]! | (input[at + 1]! << 8) | (input[at + 2]! << 16) | (input[at + 3]! << 24)) >>> 0;
  if (size > maxOutput) return undefined;
  let handle;
  let failed = false;
  try {
    const out = Buffer.allocUnsafe(size + 1);
    const state = new Uint32Array(2);
    handle = new Z(GUNZIP);
    handle.onerror = () => void (failed = true);
    handle.init(WINDOW_BITS, LEVEL, MEM_LEVEL, STRATEGY, state, () => {}, undefined);
    handle.writeSync(Z_FINISH, input, 0, input.length, out, 0, size + 1);
    return !failed && state[0] === 1 && state[1] === 0 ? out.subarray(0, size) : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      handle?.close();
    } catch {
      // closed already
    }
  }
}
