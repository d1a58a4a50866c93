import { ImageError } from './errors.js';
import { parseDigest, type Hasher, type HasherFactory } from './digest.js';

/** What a blob should be: its digest and size, when known. */
export interface BlobExpectation {
  /** Name for messages: the digest, or the file name in a `docker save` tarball. */
  readonly name: string;
  /** `sha256:…` to check the bytes against; none for files only named by path. */
  readonly digest?: string;
  /** The descriptor's size. */
  readonly size?: number;
}

/**
 * A blob's bytes as they stream, hashed on the way. A consumer (a
 * decompressor, the tar reader) may stop early; {@link finish} then reads
 * the rest — without decompressing it — and checks the size and digest, so
 * a mismatch is reported for every blob however it was read.
 */
export class VerifiedStream implements AsyncIterable<Uint8Array> {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly hasher?: Hasher;
  private done = false;
  /** Bytes read so far. */
  bytesRead = 0;

  constructor(
    source: AsyncIterable<Uint8Array>,
    readonly expect: BlobExpectation,
    hashers: HasherFactory,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    if (expect.digest !== undefined) {
      const d = parseDigest(expect.digest);
      if (!d) throw new ImageError('invalid', `malformed digest ${JSON.stringify(expect.digest)}`, { blob: expect.name });
      this.hasher = hashers(d.algorithm);
      if (!this.hasher) throw new ImageError('unsupported', `digest algorithm ${d.algorithm} is not supported`, { blob: expect.name });
    }
  }

  private async pull(): Promise<Uint8Array | undefined> {
    if (this.done) return undefined;
    const r = await this.iterator.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    const chunk = r.value;
    this.bytesRead += chunk.length;
    const size = this.expect.size;
    if (size !== undefined && this.bytesRead > size) {
      throw new ImageError('size-mismatch', `blob is larger than its descriptor's size ${size}`, { blob: this.expect.name });
    }
    this.hasher?.update(chunk);
    return chunk;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        const c = await this.pull();
        return c ? { value: c, done: false } : { value: undefined, done: true };
      },
      // A consumer that stops early leaves the rest for finish().
      return: async () => ({ value: undefined, done: true }),
    };
  }

  /** Reads what is left and checks size and digest; throws {@link ImageError} on a mismatch. */
  async finish(): Promise<void> {
    while ((await this.pull()) !== undefined);
    const { size, digest, name } = this.expect;
    if (size !== undefined && this.bytesRead !== size) {
      throw new ImageError('truncated', `blob has ${this.bytesRead} bytes, its descriptor says ${size}`, { blob: name });
    }
    if (this.hasher && digest) {
      const got = `${parseDigest(digest)!.algorithm}:${this.hasher.hex()}`;
      if (got !== digest) throw new ImageError('digest-mismatch', `blob content has digest ${got}, expected ${digest}`, { blob: name });
    }
  }

  /** Stops reading (after an error elsewhere). */
  async close(): Promise<void> {
    this.done = true;
    await this.iterator.return?.();
  }
}
