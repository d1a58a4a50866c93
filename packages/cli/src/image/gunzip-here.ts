import { decodeHere, GUNZIP } from '../core/pool-inflate.js';

/**
 * A small gzip layer decoded by Node's zlib handle in one call, as
 * `zlib.gunzipSync` decodes it (the same handle, mode and flush), without
 * loading `node:zlib` and the stream modules it brings (~2 ms of `elfkit
 * image annotate` on a small layout). Only the plain case is taken: the
 * output must be exactly the size the gzip trailer gives (at most
 * `maxOutput`), with every input byte used and no error; a multi-member
 * file, trailing bytes, damage or no handle (see decodeHere) give
 * undefined, and node:zlib decodes it as before, reporting what is wrong.
 */
export function gunzipHere(input: Uint8Array, maxOutput: number): Uint8Array | undefined {
  if (input.length < 18) return undefined;
  const at = input.length - 4;
  const size = (input[at]! | (input[at + 1]! << 8) | (input[at + 2]! << 16) | (input[at + 3]! << 24)) >>> 0;
  return size > maxOutput ? undefined : decodeHere(GUNZIP, input, size);
}
