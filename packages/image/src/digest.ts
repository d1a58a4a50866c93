import { sha256, sha512 } from '@noble/hashes/sha2.js';

/** An incremental hash: bytes in, lowercase hex out. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  /** The hash of everything given, lowercase hex. */
  hex(): string;
}

/**
 * Makes a fresh {@link Hasher} for a digest algorithm (`sha256`, `sha512`),
 * or undefined for one it does not know. The Node host passes node:crypto's
 * (several times faster than JavaScript).
 */
export type HasherFactory = (algorithm: string) => Hasher | undefined;

/** SHA-256 and SHA-512 in pure JavaScript (@noble/hashes), for browsers and workers. */
export const jsHasher: HasherFactory = (algorithm) => {
  const h = algorithm === 'sha256' ? sha256.create() : algorithm === 'sha512' ? sha512.create() : undefined;
  if (!h) return undefined;
  return {
    update: (b) => void h.update(b),
    hex: () => toHex(h.digest()),
  };
};

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const x of bytes) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

/** A parsed `algorithm:encoded` digest (OCI `descriptor.md`). */
export interface Digest {
  readonly algorithm: string;
  readonly hex: string;
}

/** Parses a digest string; undefined when it is not `alg:hex`, or sha256/sha512 of the wrong length. */
export function parseDigest(d: unknown): Digest | undefined {
  if (typeof d !== 'string') return undefined;
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(d);
  if (!m) return undefined;
  const algorithm = m[1]!;
  const hex = m[2]!;
  if (algorithm === 'sha256' && !/^[0-9a-f]{64}$/.test(hex)) return undefined;
  if (algorithm === 'sha512' && !/^[0-9a-f]{128}$/.test(hex)) return undefined;
  return { algorithm, hex };
}

/** The digest of `bytes` as `alg:hex`. */
export function digestOf(bytes: Uint8Array, hasher: HasherFactory = jsHasher, algorithm = 'sha256'): string {
  const h = hasher(algorithm)!;
  h.update(bytes);
  return `${algorithm}:${h.hex()}`;
}
