import { writeOut } from './output.js';

/** ASCII codes of the lowercase hex digits. */
export const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const HEX = HEX_DIGITS;
/** "00" … "99" as byte pairs. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));
const encoder = new TextEncoder();

/**
 * Node's own UTF-8 writer, `Buffer.prototype.utf8Write(string, offset, length)`,
 * which writes into any Uint8Array (undefined where a runtime lacks it).
 */
const nativeUtf8Write = (globalThis.Buffer?.prototype as { utf8Write?: (this: Uint8Array, s: string, offset: number, length: number) => number } | undefined)?.utf8Write;

/** Characters `escapeString` changes. */
const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/;

/**
 * C-style escaping as LLVM's `write_escaped`: `\\`, `\"`, `\t`, `\n`,
 * and every other byte outside printable ASCII (so each byte of a
 * multi-byte UTF-8 character) as a three-digit octal escape.
 */
export function escapeString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  for (const b of encoder.encode(s)) out += escapeByte(b);
  return out;
}

function escapeByte(b: number): string {
  if (b === 0x5c) return '\\\\';
  if (b === 0x22) return '\\"';
  if (b === 0x09) return '\\t';
  if (b === 0x0a) return '\\n';
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  return '\\' + b.toString(8).padStart(3, '0');
}

/**
 * Writes the decimal digits of an integer 0 ≤ v ≤ 2^31−1 at `pos` of `buf`
 * and returns the position after them: the digit count by comparison, then
 * two digits per step from a table (row numbers, lines, sizes — written
 * millions of times by the listings).
 */
export function putDecimal(buf: Uint8Array, pos: number, v: number): number {
  const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  let end = pos + digits;
  const after = end;
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
  } else buf[--end] = 0x30 + v;
  return after;
}

/** Writes at least `digits` lowercase hex digits of `x` (0 ≤ x < 2^32) at `pos` of `buf`; returns the position after them. */
function putHex32(buf: Uint8Array, pos: number, x: number, digits: number): number {
  let n = x === 0 ? 1 : (35 - Math.clz32(x)) >> 2;
  if (digits > n) n = digits;
  for (let i = n - 1; i >= 0; i--) {
    buf[pos + i] = HEX[x & 15]!;
    x >>>= 4;
  }
  return pos + n;
}

/**
 * Writes exactly eight lowercase hex digits of `x` (0 ≤ x < 2^32) at `pos`
 * of `buf`; returns the position after them. A loop in a function this
 * small: V8 optimizes a function of under 81 bytes of bytecode at its
 * first budget tick ("small function"), so the frame headers that call it
 * thousands of times get optimized code after a few hundred calls; the
 * eight digits straight (202 bytes) waited for four ticks, a quarter of a
 * libc dump (callgrind --single-threaded, libc text dump: 318.2M -> 310.1M).
 */
export function putHex8(buf: Uint8Array, pos: number, x: number): number {
  for (let i = pos + 7; i >= pos; i--) {
    buf[i] = HEX[x & 15]!;
    x >>>= 4;
  }
  return pos + 8;
}

/**
 * Writes at least `w` lowercase hex digits (no prefix) of a non-negative
 * integer below 2^53 at `pos` of `buf` (which has room for `w` + 14) and
 * returns the position after them; `w` is 1 when not given.
 */
export function putHex(buf: Uint8Array, pos: number, v: number, w = 1): number {
  if (v <= 0xffffffff) return putHex32(buf, pos, v >>> 0, w);
  return putHex32(buf, putHex32(buf, pos, Math.floor(v / 0x100000000), w > 8 ? w - 8 : 1), v >>> 0, 8);
}

/** Writes the ASCII string `s` at `pos` of `buf`; returns the position after it. */
export function putAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/**
 * Output built as bytes (`elfkit dwarf info`, `symbols`, `lines`: up to
 * millions of lines): digits are computed in place, names and strings
 * copied — from string tables without decoding them — and the buffer goes
 * to standard output in large chunks. Building the same text as JavaScript
 * strings costs a string per piece, then flattening and UTF-8 encoding;
 * this costs neither, and a row allocates nothing.
 */
export class TextOut {
  private buf: Uint8Array;
  private pos = 0;
  /**
   * `buf.length`, kept as a field: a typed array's length is a getter call
   * after the property load in the baseline code most writers run in
   * (twice the cost of a field), and {@link room} asks it on every write.
   */
  private size: number;

  /**
   * `size`: bytes buffered between writes. `growable`: never write to
   * standard output, grow instead (text built to be {@link take}n).
   */
  constructor(
    size = 1 << 16,
    private readonly growable = false,
  ) {
    this.buf = new Uint8Array(size);
    this.size = size;
  }

  /**
   * For hot loops that write a whole row themselves: makes room for `n`
   * bytes and returns the buffer to write at {@link position}; {@link commit}
   * then takes the new position.
   */
  reserve(n: number): Uint8Array {
    this.room(n);
    return this.buf;
  }
  /** Where the next byte goes in the buffer {@link reserve} returned. */
  get position(): number {
    return this.pos;
  }
  /** Ends a {@link reserve}d write at `pos`. */
  commit(pos: number): void {
    this.pos = pos;
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.size) return;
    if (this.growable) {
      const b = new Uint8Array(Math.max(this.size * 2, this.pos + n));
      b.set(this.buf.subarray(0, this.pos));
      this.buf = b;
      this.size = b.length;
      return;
    }
    this.flush();
    if (n > this.size) {
      this.buf = new Uint8Array(n);
      this.size = n;
    }
  }

  byte(c: number): this {
    this.room(1);
    this.buf[this.pos++] = c;
    return this;
  }

  /** Pre-encoded bytes: `b[start, end)`. */
  raw(b: Uint8Array, start = 0, end = b.length): this {
    const n = end - start;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    // A loop beats subarray()+set() for the short runs (names, columns) most calls copy.
    if (n < 32) for (let i = start; i < end; i++) buf[p++] = b[i]!;
    else {
      buf.set(start === 0 && end === b.length ? b : b.subarray(start, end), p);
      p += n;
    }
    this.pos = p;
    return this;
  }

  /**
   * All of `b`, copied by the runtime in one call: for text kept as bytes
   * and written many times over by code that runs before the optimizing
   * compiler has got to it (a loop there costs far more per byte).
   */
  copy(b: Uint8Array): this {
    const n = b.length;
    this.room(n);
    this.buf.set(b, this.pos);
    this.pos += n;
    return this;
  }

  /** A newline. */
  nl(): this {
    this.room(1);
    this.buf[this.pos++] = 0x0a;
    return this;
  }

  /** A string known to be ASCII (names, constants). */
  ascii(s: string): this {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  /** Any string, UTF-8 encoded. */
  utf8(s: string): this {
    this.room(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
    return this;
  }

  /**
   * Any string from character `start` on, UTF-8 encoded: copied while it is
   * ASCII (names and paths nearly always are), encoded from the first other
   * character — no encoder call for a short ASCII string.
   */
  text(s: string, start = 0): this {
    const n = s.length;
    this.room(n - start);
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p;
        return this.utf8(s.slice(i));
      }
      buf[p++] = c;
    }
    this.pos = p;
    return this;
  }

  /**
   * Any string, UTF-8 encoded, by one native call: for long strings written
   * again and again (the source paths and function names of a symbolizer's
   * answers), which are often slices of a larger text — a loop reads such a
   * string's characters at two to three times the cost of a plain one (see
   * {@link text} for short strings, where the call costs more than the loop).
   */
  long(s: string): this {
    if (!nativeUtf8Write) return this.text(s);
    const n = s.length * 3;
    this.room(n);
    this.pos += nativeUtf8Write.call(this.buf, s, this.pos, n);
    return this;
  }

  /** A string escaped as LLVM's `write_escaped` (see {@link escapeString}). */
  escaped(s: string): this {
    // Copy while the characters need no escaping; fall back at the first that does.
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x5c || c === 0x22) return this.ascii(escapeString(s));
      buf[p + i] = c;
    }
    this.pos = p + n;
    return this;
  }

  /** The NUL-terminated string at `start` of `bytes` (a string section), escaped, without decoding it. */
  escapedBytes(bytes: Uint8Array, start: number): this {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = bytes.length;
    this.room((end - start) * 4);
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x22) buf[p++] = b;
      else {
        const e = escapeByte(b);
        for (let k = 0; k < e.length; k++) buf[p++] = e.charCodeAt(k);
      }
    }
    this.pos = p;
    return this;
  }

  spaces(n: number): this {
    if (n <= 0) return this;
    this.room(n);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) buf[p + i] = 0x20;
    this.pos = p + n;
    return this;
  }

  /** At least `w` lowercase hex digits (no prefix) of a non-negative integer below 2^53. */
  hexDigits(v: number, w = 0): this {
    this.room(w + 14);
    this.pos = putHex(this.buf, this.pos, v, w);
    return this;
  }

  /** `0x` and at least `w` hex digits of a non-negative integer below 2^53 or a bigint. */
  hex(v: number | bigint, w: number): this {
    this.room(w + 20);
    this.buf[this.pos++] = 0x30;
    this.buf[this.pos++] = 0x78;
    if (typeof v === 'bigint') {
      if (v >= 0n && v <= 0x1fffffffffffffn) v = Number(v);
      else return this.ascii(BigInt.asUintN(64, v).toString(16).padStart(w, '0'));
    }
    this.pos = putHex(this.buf, this.pos, v, w);
    return this;
  }




  /** A decimal integer (number or bigint, either sign), right-aligned in `width` columns. */
  dec(v: number | bigint, width = 0): this {
    if (typeof v !== 'number' || v < 0 || v > 0x7fffffff || v !== Math.floor(v)) return this.ascii(String(v).padStart(width));
    const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    const pad = width > digits ? width - digits : 0;
    this.room(pad + 10);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < pad; i++) buf[p++] = 0x20;
    this.pos = putDecimal(buf, p, v);
    return this;
  }

  /** A signed decimal with its sign (`+8`, `-20`), as llvm-dwarfdump prints signed operands. */
  signed(v: number | bigint): this {
    if (v < 0) return this.byte(0x2d).dec(-v);
    return this.byte(0x2b).dec(v);
  }

  /** A copy of what is buffered, which is then dropped (for text built once and written many times). */
  take(): Uint8Array {
    const b = this.buf.slice(0, this.pos);
    this.pos = 0;
    return b;
  }

  /** Sends what is buffered to standard output. */
  flush(): void {
    if (this.pos === 0) return;
    writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
