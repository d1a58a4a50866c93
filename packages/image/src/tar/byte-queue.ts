const EMPTY = new Uint8Array(0);

/**
 * A pull cursor over a stream of chunks: exact reads for headers (copied
 * only when they straddle chunks), zero-copy slices for entry data, and
 * skips. `offset` counts bytes consumed from the start of the stream.
 */
export class ByteQueue {
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  private ended = false;
  /** Bytes consumed so far. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Makes at least one byte available; false at the end of the stream. */
  private async more(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      if (this.ended) return false;
      const r = await this.source.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  /**
   * Exactly `n` bytes, or fewer when the stream ends first (the caller
   * decides whether that is an error). The result is valid until the next call.
   */
  async read(n: number): Promise<Uint8Array> {
    if (this.pos + n <= this.chunk.length) {
      const out = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let have = 0;
    while (have < n && (await this.more())) {
      const take = Math.min(n - have, this.chunk.length - this.pos);
      out.set(this.chunk.subarray(this.pos, this.pos + take), have);
      this.pos += take;
      have += take;
    }
    this.offset += have;
    return have === n ? out : out.subarray(0, have);
  }

  /** The next up to `max` bytes as a view (at least one unless the stream ended: then empty). */
  async take(max: number): Promise<Uint8Array> {
    if (!(await this.more())) return EMPTY;
    const n = Math.min(max, this.chunk.length - this.pos);
    const out = this.chunk.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.offset += n;
    return out;
  }

  /** Skips `n` bytes; returns how many were skipped (fewer at the end of the stream). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0 && (await this.more())) {
      const k = Math.min(left, this.chunk.length - this.pos);
      this.pos += k;
      left -= k;
    }
    this.offset += n - left;
    return n - left;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.more());
  }

  /** The bytes buffered but not consumed (to peek at a stream's start). */
  peekBuffered(): Uint8Array {
    return this.chunk.subarray(this.pos);
  }
}
