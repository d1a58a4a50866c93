import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

let crypto: typeof Crypto | undefined;
let zlib: typeof Zlib | undefined;

/**
 * `node:crypto` and `node:zlib`, loaded on first use: each loads some
 * twenty stream modules, while a command on an image with uncompressed
 * layers and nothing to verify needs neither.
 */
export function nodeCrypto(): typeof Crypto {
  return (crypto ??= process.getBuiltinModule('node:crypto'));
}

/** See {@link nodeCrypto}. */
export function nodeZlib(): typeof Zlib {
  return (zlib ??= process.getBuiltinModule('node:zlib'));
}
