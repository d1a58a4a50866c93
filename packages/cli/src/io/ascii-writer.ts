import { writeOut } from './output.js';

/** ASCII codes of the lowercase hex digits. */
export const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const HEX = HEX_DIGITS;
const encoder = new TextEncoder();
/** "00" … "99" as byte pairs. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

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

  /**
   * For hot loops that write a whole row themselves: makes room for `n`
   * bytes and returns the buffer and position to write at; {@link commit}
   * then takes the new position.
   */
  reserve(n: number): Uint8Array {
    this.room(n);
    return this.buf;
  }
  /** The position in the buffer returned by {@link reserve}. */
  get position(): number {
    return this.pos;
  }
  /** Ends a {@link reserve}d write at `pos`. */
  commit(pos: number): void {
    this.pos = pos;
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
    // Digit count by comparison and two digits per step from a table: the
    // index and size columns are written for every symbol.
    const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    const pad = width > digits ? width - digits : 0;
    this.room(pad + digits);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < pad; i++) buf[p++] = 0x20;
    let end = p + digits;
    this.pos = end;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) * 2;
      buf[--end] = PAIRS[r + 1]!;
      buf[--end] = PAIRS[r]!;
      v = q;
    }
    if (v >= 10) {
      buf[--end] = PAIRS[v * 2 + 1]!;
      buf[--end] = PAIRS[v * 2]!;
    } else {
      buf[--end] = 0x30 + v;
    }
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
