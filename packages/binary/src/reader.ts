import { ParseError, type ParseErrorCode } from './errors.js';
import { decodeUtf8 } from './text.js';

/** Byte order of multi-byte values. */
export type ByteOrder = 'little' | 'big';

/** How a {@link Reader} interprets its bytes; fixed when it is created. */
export interface ReaderOptions {
  /** Byte order of every multi-byte read. */
  order: ByteOrder;
  /** Size in bytes of a target address, for {@link Reader.address}. Defaults to 8. */
  addressSize?: number;
  /** Section name used in errors. Defaults to `file`. */
  section?: string;
  /** Offset of `bytes[0]` inside `section`, so errors report section offsets. */
  base?: number;
  /** A DataView over exactly `bytes`, when the caller already has one (readers made by the thousand over one section share it). */
  view?: DataView;
}

const TWO_32 = 0x1_0000_0000;

/**
 * A bounds-checked cursor over a `Uint8Array`.
 *
 * Byte order and address size are fixed at creation (as gimli's
 * `EndianSlice` + `Encoding`), so a hot loop never branches on them. Every
 * read past the end throws {@link ParseError} `truncated` naming the section
 * and the section offset; nothing here throws `RangeError`.
 *
 * `pos` is relative to the start of `bytes`; `offset` adds `base`, giving the
 * position inside the section for messages.
 */
export class Reader {
  /** The bytes this reader walks. */
  readonly bytes: Uint8Array;
  private dataView: DataView | undefined;
  /** True for little-endian data. */
  readonly littleEndian: boolean;
  /** Address size in bytes (2, 4 or 8). */
  readonly addressSize: number;
  /** Section name for errors. */
  readonly section: string;
  /** Offset of `bytes[0]` inside the section. */
  readonly base: number;
  /** Current position, relative to `bytes`. */
  pos = 0;

  constructor(bytes: Uint8Array, options: ReaderOptions) {
    this.bytes = bytes;
    this.littleEndian = options.order === 'little';
    this.addressSize = options.addressSize ?? 8;
    this.section = options.section ?? 'file';
    this.base = options.base ?? 0;
    this.dataView = options.view;
  }

  /** Creates a reader; a shorthand for `new Reader(bytes, options)`. */
  static of(bytes: Uint8Array, options: ReaderOptions): Reader {
    return new Reader(bytes, options);
  }

  /**
   * A view over the same bytes, created on first use: the many short-lived
   * readers of a DWARF dump (one per expression or list) mostly read bytes
   * and LEB128s and never need one.
   */
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Byte order of this reader. */
  get order(): ByteOrder {
    return this.littleEndian ? 'little' : 'big';
  }
  /** Number of bytes. */
  get length(): number {
    return this.bytes.length;
  }
  /** Bytes left after `pos`. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  /** True when nothing is left. */
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  /** Current position inside the section (`base + pos`). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** A {@link ParseError} located at `pos` (or at `at`, relative to `bytes`). */
  error(code: ParseErrorCode, reason: string, at = this.pos): ParseError {
    return new ParseError(code, reason, this.section, this.base + at);
  }

  /** Throws `truncated` unless `n` more bytes are available. */
  need(n: number, what = 'data'): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw this.error('truncated', `${what} needs ${n} bytes, ${Math.max(0, this.remaining)} left`);
    }
  }

  /** Moves to `pos` (relative to `bytes`); it may equal the length. */
  seek(pos: number): this {
    if (!(pos >= 0 && pos <= this.bytes.length)) throw this.error('out-of-range', `seek to 0x${pos.toString(16)} outside ${this.bytes.length} bytes`, this.pos);
    this.pos = pos;
    return this;
  }

  /** Skips `n` bytes. */
  skip(n: number): this {
    this.need(n, 'skip');
    this.pos += n;
    return this;
  }

  u8(): number {
    if (this.pos >= this.bytes.length) throw this.error('truncated', 'u8 needs 1 byte, 0 left');
    return this.bytes[this.pos++]!;
  }
  i8(): number {
    const v = this.u8();
    return v >= 0x80 ? v - 0x100 : v;
  }
  u16(): number {
    if (this.pos + 2 > this.bytes.length) this.need(2, 'u16');
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  i16(): number {
    if (this.pos + 2 > this.bytes.length) this.need(2, 'i16');
    const v = this.view.getInt16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  /** Unsigned 24-bit value (DWARF `strx3`/`addrx3`). */
  u24(): number {
    if (this.pos + 3 > this.bytes.length) this.need(3, 'u24');
    const b = this.bytes;
    const p = this.pos;
    this.pos += 3;
    return this.littleEndian ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) : (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }
  u32(): number {
    if (this.pos + 4 > this.bytes.length) this.need(4, 'u32');
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  i32(): number {
    if (this.pos + 4 > this.bytes.length) this.need(4, 'i32');
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    if (this.pos + 8 > this.bytes.length) this.need(8, 'u64');
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    if (this.pos + 8 > this.bytes.length) this.need(8, 'i64');
    const v = this.view.getBigInt64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  /**
   * Unsigned 64-bit value as a number, for offsets and sizes; throws
   * `too-large` above 2^53 instead of silently losing precision.
   */
  u64n(what = 'value'): number {
    if (this.pos + 8 > this.bytes.length) this.need(8, 'u64');
    const lo = this.view.getUint32(this.pos + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(this.pos + (this.littleEndian ? 4 : 0), this.littleEndian);
    if (hi > 0x1fffff) throw this.error('too-large', `${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is too large`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }
  /** Unsigned value of `size` bytes (1, 2, 3, 4 or 8) as a number; 8-byte values must be below 2^53. */
  uint(size: number, what?: string): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 3:
        return this.u24();
      case 4:
        return this.u32();
      case 8:
        return this.u64n(what);
      default:
        throw this.error('unsupported', `unsupported ${what ?? 'integer'} size ${size}`);
    }
  }
  /** Unsigned value of `size` bytes (1, 2, 4 or 8) as a bigint. */
  uintBig(size: number): bigint {
    return size === 8 ? this.u64() : BigInt(this.uint(size));
  }
  /** A target address of `addressSize` bytes. */
  address(): bigint {
    const s = this.addressSize;
    if (s === 8) return this.u64();
    if (s === 4) return BigInt(this.u32());
    if (s === 2) return BigInt(this.u16());
    if (s === 1) return BigInt(this.u8());
    throw this.error('unsupported', `unsupported address size ${s}`);
  }

  /**
   * Unsigned LEB128 as a number. Throws `too-large` when the value needs
   * more than 53 bits (use {@link ulebBig} for 64-bit constants).
   */
  uleb(): number {
    const b = this.bytes;
    const end = b.length;
    let p = this.pos;
    if (p < end) {
      const b0 = b[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return b0;
      }
    }
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (p >= end) throw this.error('truncated', 'unterminated LEB128', this.pos);
      byte = b[p++]!;
      const bits = byte & 0x7f;
      if (shift < 28) result |= bits << shift;
      else if (bits !== 0) {
        if (shift >= 53) throw this.error('too-large', 'LEB128 value needs more than 53 bits', this.pos);
        result += bits * 2 ** shift;
      }
      shift += 7;
    } while (byte & 0x80);
    if (result > Number.MAX_SAFE_INTEGER) throw this.error('too-large', 'LEB128 value needs more than 53 bits', this.pos);
    this.pos = p;
    return result;
  }

  /** Signed LEB128 as a number; throws `too-large` outside ±2^53. */
  sleb(): number {
    const b = this.bytes;
    const end = b.length;
    const start = this.pos;
    let p = start;
    let result = 0;
    // Up to four bytes fit 32-bit integer arithmetic, which covers nearly every value.
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) throw this.error('truncated', 'unterminated LEB128', start);
      const byte = b[p++]!;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        this.pos = p;
        return byte & 0x40 ? result | (-1 << (shift + 7)) : result;
      }
    }
    const v = this.slebBig();
    if (v > 9007199254740991n || v < -9007199254740991n) {
      this.pos = start;
      throw this.error('too-large', 'signed LEB128 value needs more than 53 bits', start);
    }
    return Number(v);
  }

  /** Unsigned LEB128 as a bigint, wrapped to 64 bits. */
  ulebBig(): bigint {
    const b = this.bytes;
    const end = b.length;
    let p = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      if (p >= end) throw this.error('truncated', 'unterminated LEB128', this.pos);
      byte = b[p++]!;
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    this.pos = p;
    return BigInt.asUintN(64, result);
  }

  /** Signed LEB128 as a bigint, wrapped to 64 bits. */
  slebBig(): bigint {
    const b = this.bytes;
    const end = b.length;
    let p = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      if (p >= end) throw this.error('truncated', 'unterminated LEB128', this.pos);
      byte = b[p++]!;
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40 && shift < 64n) result |= -1n << shift;
    this.pos = p;
    return BigInt.asIntN(64, result);
  }

  /** Skips one LEB128 value without decoding it. */
  skipLeb(): void {
    const b = this.bytes;
    const end = b.length;
    let p = this.pos;
    while (true) {
      if (p >= end) throw this.error('truncated', 'unterminated LEB128', this.pos);
      if ((b[p++]! & 0x80) === 0) break;
    }
    this.pos = p;
  }

  /** NUL-terminated UTF-8 string; the NUL is consumed. */
  cstr(): string {
    const b = this.bytes;
    const start = this.pos;
    const nul = b.indexOf(0, start);
    if (nul < 0) throw this.error('truncated', 'unterminated string', start);
    this.pos = nul + 1;
    return decodeUtf8(b, start, nul);
  }

  /** Skips a NUL-terminated string. */
  skipCstr(): void {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0) throw this.error('truncated', 'unterminated string');
    this.pos = nul + 1;
  }

  /** The next `n` bytes, without copying. */
  bytesView(n: number): Uint8Array {
    this.need(n, 'block');
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A reader over the next `n` bytes (same order and address size); advances past them. */
  sub(n: number, section = this.section): Reader {
    this.need(n, 'sub-range');
    const r = new Reader(this.bytes.subarray(this.pos, this.pos + n), {
      order: this.order,
      addressSize: this.addressSize,
      section,
      base: section === this.section ? this.base + this.pos : 0,
    });
    this.pos += n;
    return r;
  }

  /** A new reader over the same bytes, positioned at `pos`. */
  at(pos: number): Reader {
    const r = this.clone();
    r.seek(pos);
    return r;
  }

  /** A copy of this reader at the same position. */
  clone(): Reader {
    // Same bytes, so the same DataView serves both (a view per reader is the cost of many short-lived readers).
    const r = new Reader(this.bytes, { order: this.order, addressSize: this.addressSize, section: this.section, base: this.base, view: this.dataView });
    r.pos = this.pos;
    return r;
  }

  /** A reader with a different address size over the same bytes, at the same position. */
  withAddressSize(addressSize: number): Reader {
    const r = new Reader(this.bytes, { order: this.order, addressSize, section: this.section, base: this.base });
    r.pos = this.pos;
    return r;
  }
}
