import type { Reader } from '@elfkit/binary';

/**
 * How a unit's values are encoded (gimli's `Encoding`): the offset size
 * tells 32-bit (4) from 64-bit (8) DWARF, and it, the version and the
 * address size fix the size of every offset-, address- and reference-sized
 * form.
 */
export interface Encoding {
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  readonly offsetSize: 4 | 8;
  /** 2 to 5. */
  readonly version: number;
  /** Target address size in bytes. */
  readonly addressSize: number;
}

/** A DWARF initial length field: the length that follows it and the format it selects. */
export interface InitialLength {
  /** Byte count after the length field. */
  length: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit. */
  offsetSize: 4 | 8;
  /** Size of the length field itself (4 or 12). */
  fieldSize: 4 | 12;
}

/**
 * Reads an initial length: a u32 below 0xfffffff0 is the length of 32-bit
 * DWARF; 0xffffffff announces a u64 length and 64-bit DWARF; the values in
 * between are reserved and rejected.
 */
export function readInitialLength(r: Reader, what: string): InitialLength {
  const start = r.pos;
  const v = r.u32();
  if (v < 0xfffffff0) return { length: v, offsetSize: 4, fieldSize: 4 };
  if (v === 0xffffffff) return { length: r.u64n(`${what} length`), offsetSize: 8, fieldSize: 12 };
  throw r.error('invalid', `${what} has reserved initial length 0x${v.toString(16)}`, start);
}

/** Reads a section offset of `size` bytes (4 or 8) as a number. */
export function readOffset(r: Reader, size: 4 | 8, what = 'offset'): number {
  return size === 4 ? r.u32() : r.u64n(what);
}

/** True when `size` is an address size this reader accepts. */
export function validAddressSize(size: number): boolean {
  return size === 1 || size === 2 || size === 4 || size === 8;
}

/** Reads an unsigned LEB128 as a number, or as a bigint when it needs more than 53 bits. */
export function readUlebValue(r: Reader): number | bigint {
  const p = r.pos;
  try {
    return r.uleb();
  } catch {
    r.pos = p;
    return r.ulebBig();
  }
}

/** Reads a signed LEB128 as a number, or as a bigint when it is beyond ±2^53. */
export function readSlebValue(r: Reader): number | bigint {
  const p = r.pos;
  try {
    return r.sleb();
  } catch {
    r.pos = p;
    return r.slebBig();
  }
}
