import { deflateSync } from 'node:zlib';

/** `n` bytes that compress some but not all the way (as DWARF does), and their zlib stream. */
export function compressible(n: number): { plain: Uint8Array; stream: Uint8Array } {
  const plain = new Uint8Array(n);
  for (let i = 0, x = 7; i < plain.length; i++) plain[i] = (x = (x * 1103515245 + 12345) >>> 0) % 7 === 0 ? x >>> 24 : i & 0x3f;
  return { plain, stream: new Uint8Array(deflateSync(plain)) };
}

/** Bad streams made of `stream` (of `size` bytes inflated): [what, stream, declared size], none of which inflates. */
export function badStreams(stream: Uint8Array, size: number): [string, Uint8Array, number][] {
  const damaged = stream.slice();
  damaged[stream.length >> 1] ^= 0xff;
  const trailing = new Uint8Array(stream.length + 4);
  trailing.set(stream);
  return [
    ['cut short', stream.subarray(0, stream.length - 100), size],
    ['no checksum', stream.subarray(0, stream.length - 4), size],
    ['more than declared', stream, size - 1],
    ['less than declared', stream, size + 1],
    ['bytes after the end', trailing, size],
    ['damaged', damaged, size],
    ['not zlib', new Uint8Array([1, 2, 3, 4, 5]), 10],
  ];
}
