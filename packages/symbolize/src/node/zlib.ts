import type * as Zlib from 'node:zlib';

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
