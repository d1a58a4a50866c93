import { writeOut } from './output.js';

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const encoder = new TextEncoder();

/**
 * Builds output bytes directly — hex and decimal digits, padding, and names
 * copied from string tables without decoding them — and writes them in
 * 64 KiB chunks. Listing tens of thousands of rows this way allocates
 * nothing per row, where string templates allocate several strings each.
 */
export class AsciiWriter {
  private buf: Uint8Array;
  private pos = 0;

  /** `size`: bytes buffered between writes (larger for output of hundreds of megabytes). */
  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = new Uint8Array(n);
    }
  }

  /** Writes `s` (UTF-8). */
  str(s: string): this {
    this.room(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
    return this;
  }

  /** Writes pre-encoded bytes. */
  raw(b: Uint8Array, start = 0, end = b.length): this {
    const n = end - start;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    // A loop beats subarray()+set() for the short runs (names, columns) this copies.
    if (n < 128) for (let i = start; i < end; i++) buf[p++] = b[i]!;
    else {
      buf.set(b.subarray(start, end), p);
      p += n;
    }
    this.pos = p;
    return this;
  }

  /**
   * Copies `src[start, end)` from a Node Buffer with one native call and no
   * view object (names from a string table wrapped once as a Buffer).
   */
  copy(src: Buffer, start: number, end: number): this {
    this.room(end - start);
    this.pos += src.copy(this.buf, this.pos, start, end);
    return this;
  }

  /** Writes `n` spaces. */
  spaces(n: number): this {
    if (n <= 0) return this;
    this.room(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.pos + i] = 0x20;
    this.pos += n;
    return this;
  }

  /** Writes an unsigned 32-bit value as `digits` zero-padded lowercase hex digits. */
  hex32(v: number, digits = 8): this {
    this.room(digits);
    for (let i = digits - 1; i >= 0; i--) {
      this.buf[this.pos + i] = HEX[v & 15]!;
      v >>>= 4;
    }
    this.pos += digits;
    return this;
  }

  /**
   * Writes a non-negative integer below 2^53 in lowercase hex, with as many
   * digits as it needs or zero-padded to `width` (addresses as `0x…` JSON).
   */
  hex(v: number, width = 0): this {
    const hi = v > 0xffffffff ? Math.floor(v / 0x1_0000_0000) : 0;
    const lo = v >>> 0;
    const digits32 = (x: number) => (x === 0 ? 1 : (35 - Math.clz32(x)) >> 2);
    const n = Math.max(hi ? 8 + digits32(hi) : digits32(lo), width);
    if (n <= 8 && hi === 0) return this.hex32(lo, n);
    this.room(n);
    this.pos += n - 8;
    this.hex32(lo, 8);
    const end = this.pos - 8;
    const buf = this.buf;
    let x = hi;
    for (let p = end - 1; p >= end - (n - 8); p--) {
      buf[p] = HEX[x & 15]!;
      x >>>= 4;
    }
    return this;
  }

  /** Writes a non-negative integer in decimal, right-aligned in `width` columns. */
  dec(v: number, width = 0): this {
    if (v > 0x7fffffff) return this.str(String(v).padStart(width));
    let digits = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
    const pad = width > digits ? width - digits : 0;
    this.room(pad + digits);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < pad; i++) buf[p++] = 0x20;
    for (let i = digits - 1; i >= 0; i--) {
      buf[p + i] = 0x30 + (v % 10);
      v = (v / 10) | 0;
    }
    this.pos = p + digits;
    return this;
  }

  /** Writes a newline. */
  nl(): this {
    this.room(1);
    this.buf[this.pos++] = 0x0a;
    return this;
  }

  /** Sends what is buffered to standard output. */
  flush(): void {
    if (this.pos === 0) return;
    writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
