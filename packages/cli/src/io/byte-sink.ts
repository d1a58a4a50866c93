import { writeOut } from './output.js';

const encoder = new TextEncoder();
const HEX = encoder.encode('0123456789abcdef');

/**
 * Builds output directly as bytes in a reused buffer and writes it to
 * standard output in large chunks: for streams of millions of similar
 * records (`elfkit go lines --ndjson`) where building, joining and
 * re-encoding JS strings costs more than the decoding that produced them.
 * Callers pre-encode their constant fragments once with {@link encode}.
 */
export class ByteSink {
  private buf: Uint8Array;
  private pos = 0;

  constructor(size = 1 << 20) {
    this.buf = new Uint8Array(size);
  }

  /** UTF-8 bytes of `s`, for fragments written many times. */
  static encode(s: string): Uint8Array {
    return encoder.encode(s);
  }

  /** Makes room for `n` more bytes, flushing (or growing for one oversized record). */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Appends pre-encoded bytes. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    if (b.length < 32) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += b.length;
    }
  }

  /** Appends an unsigned integer below 2^53 in lowercase hex, zero-padded to `width` digits. */
  hex(v: number, width = 0): void {
    const hi = v > 0xffffffff ? Math.floor(v / 0x1_0000_0000) : 0;
    const lo = v >>> 0;
    const digits32 = (x: number) => (x === 0 ? 1 : (35 - Math.clz32(x)) >> 2);
    const n = Math.max(hi ? 8 + digits32(hi) : digits32(lo), width);
    this.room(n);
    const buf = this.buf;
    let p = this.pos + n;
    this.pos = p;
    let x = lo;
    for (let i = 0; i < 8 && p > this.pos - n; i++) {
      buf[--p] = HEX[x & 15]!;
      x >>>= 4;
    }
    x = hi;
    while (p > this.pos - n) {
      buf[--p] = HEX[x & 15]!;
      x >>>= 4;
    }
  }

  /** Appends an integer (|v| < 2^31) in decimal. */
  dec(v: number): void {
    this.room(12);
    const buf = this.buf;
    if (v < 0) {
      buf[this.pos++] = 0x2d;
      v = -v;
    }
    let n = 1;
    for (let m = 10; m <= v; m *= 10) n++;
    let p = this.pos + n;
    this.pos = p;
    for (let i = 0; i < n; i++) {
      buf[--p] = 0x30 + (v % 10);
      v = (v / 10) | 0;
    }
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.pos === 0) return;
    writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
