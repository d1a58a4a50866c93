import { Reader, type ByteOrder } from '@elfkit/binary';
import { readInitialLength, readOffset, validAddressSize } from './encoding.js';

/** One address range of a `.debug_aranges` set. */
export interface ArangeEntry {
  readonly offset: number;
  readonly address: bigint;
  readonly length: bigint;
  /** Segment selector, when the set has one. */
  readonly segment?: bigint;
}

/** One set of `.debug_aranges`: the ranges covered by one compilation unit. */
export interface ArangeSet {
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  /** Offset of the unit in `.debug_info`. */
  readonly debugInfoOffset: number;
  readonly addressSize: number;
  readonly segmentSelectorSize: number;
  /** The ranges, without the terminating (0, 0) entry. */
  readonly entries: readonly ArangeEntry[];
}

/** A set's header fields and where its tuples start and end. */
interface SetHeader {
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  readonly debugInfoOffset: number;
  readonly addressSize: number;
  readonly segmentSelectorSize: number;
  /** Offset of the first tuple (aligned to the tuple size from the set's start). */
  readonly tuples: number;
  /** Offset just past the set. */
  readonly end: number;
}

/**
 * Walks the sets of `.debug_aranges`: `body` gets each set whose header
 * reads. A set whose header is bad but whose length is readable is reported
 * through `onError` and skipped; a bad length ends the walk (there is no
 * way to find the next set).
 */
function* setHeaders(r: Reader, bytes: Uint8Array, sectionName: string, onError?: (e: Error) => void): Generator<SetHeader> {
  while (r.pos < bytes.length) {
    const header = readSetHeader(r, bytes, sectionName, onError);
    if (header) yield header;
  }
}

/**
 * The set header at `r.pos` (see {@link setHeaders}), leaving `r.pos` past
 * the set; undefined for a bad header reported through `onError`.
 */
function readSetHeader(r: Reader, bytes: Uint8Array, sectionName: string, onError?: (e: Error) => void): SetHeader | undefined {
  const offset = r.pos;
  const il = readInitialLength(r, 'address range set');
  const end = r.pos + il.length;
  if (end > bytes.length) throw r.error('truncated', `address range set length 0x${il.length.toString(16)} runs past the end of ${sectionName}`, offset);
  let header: SetHeader | undefined;
  try {
    const version = r.u16();
    if (version !== 2 && version !== 3) throw r.error('unsupported', `address range set version ${version}`, r.pos - 2);
    const debugInfoOffset = readOffset(r, il.offsetSize);
    const addressSize = r.u8();
    const segmentSelectorSize = r.u8();
    if (!validAddressSize(addressSize)) throw r.error('unsupported', `address size ${addressSize}`, r.pos - 2);
    if (segmentSelectorSize !== 0 && !validAddressSize(segmentSelectorSize)) throw r.error('unsupported', `segment selector size ${segmentSelectorSize}`, r.pos - 1);
    // Tuples start at a multiple of their size from the start of the set.
    const tuple = addressSize * 2 + segmentSelectorSize;
    const pad = (tuple - ((r.pos - offset) % tuple)) % tuple;
    header = { offset, length: il.length, offsetSize: il.offsetSize, version, debugInfoOffset, addressSize, segmentSelectorSize, tuples: r.pos + pad, end };
  } catch (e) {
    if (!onError) throw e;
    onError(e as Error);
  }
  r.pos = end;
  return header;
}

/**
 * The sets of `.debug_aranges`, one at a time. A set whose header is bad
 * but whose length is readable is reported through `onError` and skipped;
 * a bad length ends the walk (there is no way to find the next set).
 */
export function* arangeSets(bytes: Uint8Array, order: ByteOrder, sectionName = '.debug_aranges', onError?: (e: Error) => void): Generator<ArangeSet> {
  const r = new Reader(bytes, { order, section: sectionName });
  for (const h of setHeaders(r, bytes, sectionName, onError)) {
    const { offset, end, addressSize, segmentSelectorSize } = h;
    const tuple = addressSize * 2 + segmentSelectorSize;
    const body = new Reader(bytes.subarray(0, end), { order, section: sectionName, addressSize });
    body.pos = h.tuples;
    const entries: ArangeEntry[] = [];
    while (body.pos + tuple <= end) {
      const at = body.pos;
      const segment = segmentSelectorSize ? body.uintBig(segmentSelectorSize) : undefined;
      const address = body.address();
      const length = body.uintBig(addressSize);
      if (address === 0n && length === 0n && !segment) break;
      entries.push(segment !== undefined ? { offset: at, address, length, segment } : { offset: at, address, length });
    }
    yield { offset, length: h.length, offsetSize: h.offsetSize, version: h.version, debugInfoOffset: h.debugInfoOffset, addressSize, segmentSelectorSize, entries };
  }
}

/**
 * Every range of `.debug_aranges` as plain numbers, in section order: what
 * an address-to-unit index needs, without an object or a bigint per range
 * (libc's section holds thousands). Empty ranges and ranges whose end
 * passes 2^53 are left out; segment selectors are ignored. Errors as
 * {@link arangeSets}.
 */
export interface ArangeSpans {
  readonly count: number;
  /** Start address of each range. */
  readonly lows: Float64Array;
  /** End address (exclusive) of each range. */
  readonly highs: Float64Array;
  /** Offset in `.debug_info` of the unit each range belongs to. */
  readonly unitOffsets: Float64Array;
  /** Address size of the set each range is in. */
  readonly addressSizes: Uint8Array;
}

/** True where typed arrays are little-endian (the machine's byte order). */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `b` holding `a`'s elements first. */
function grown<T extends Float64Array | Uint8Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

/** The ranges of `.debug_aranges` as {@link ArangeSpans}. */
export function arangeSpans(bytes: Uint8Array, order: ByteOrder, sectionName = '.debug_aranges', onError?: (e: Error) => void): ArangeSpans {
  const r = new Reader(bytes, { order, section: sectionName });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = order === 'little';
  // At most one range per smallest tuple (two 1-byte addresses).
  const cap = bytes.length >>> 1;
  let lows = new Float64Array(Math.min(cap, 1024));
  let highs = new Float64Array(lows.length);
  let units = new Float64Array(lows.length);
  let sizes = new Uint8Array(lows.length);
  let n = 0;
  const word = (at: number, size: number): number => {
    if (size === 8) {
      const hi = v.getUint32(le ? at + 4 : at, le);
      const lo = v.getUint32(le ? at : at + 4, le);
      // A zero high word (every address of a shared library) is returned as is: no double arithmetic, which allocates a number in the interpreter.
      return hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
    }
    if (size === 4) return v.getUint32(at, le);
    if (size === 2) return v.getUint16(at, le);
    return v.getUint8(at);
  };
  // Doubles the columns (up to cap) when full: rare, so a call here costs nothing per tuple.
  const grow = (): void => {
    const m = Math.min(cap, n * 2);
    lows = grown(lows, new Float64Array(m));
    highs = grown(highs, new Float64Array(m));
    units = grown(units, new Float64Array(m));
    sizes = grown(sizes, new Uint8Array(m));
  };
  // Little-endian words of a little-endian file on a little-endian machine, where the bytes start at a multiple of 4:
  // an element read each, not a DataView call (a call from the interpreter costs several times the read).
  const words = le && HOST_LE && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : undefined;
  // libc's section is two thousand sets of a range or two, read once per run mostly by the interpreter: the usual
  // header (DWARF 32, version 2, no segment selector, a valid address size) is read here in place; any other goes
  // through readSetHeader, which reads (and reports) every case.
  // The position and the length in locals (the reader's field and the array's length are a call each in the
  // interpreter); the reader is moved only for readSetHeader.
  const total = bytes.length;
  let pos = 0;
  while (pos < total) {
    const offset = pos;
    let addressSize = 0;
    let segmentSelectorSize = 0;
    let end = 0;
    let tuples = 0;
    let debugInfoOffset = 0;
    const length = offset + 12 <= total ? (words && offset % 4 === 0 ? words[offset >>> 2]! : v.getUint32(offset, le)) : 0;
    const version = length >= 8 ? (le ? bytes[offset + 4]! | (bytes[offset + 5]! << 8) : v.getUint16(offset + 4, le)) : 0;
    const size = length >= 8 ? bytes[offset + 10]! : 0;
    if (length >= 8 && length < 0xfffffff0 && offset + 4 + length <= total && (version === 2 || version === 3) && (size === 4 || size === 8) && bytes[offset + 11] === 0) {
      addressSize = size;
      debugInfoOffset = le ? (bytes[offset + 6]! | (bytes[offset + 7]! << 8) | (bytes[offset + 8]! << 16)) + bytes[offset + 9]! * 0x1000000 : v.getUint32(offset + 6, le);
      end = offset + 4 + length;
      // Tuples start at a multiple of their size from the start of the set (the header is 12 bytes).
      const tuple = size * 2;
      tuples = offset + 12 + ((tuple - (12 % tuple)) % tuple);
      pos = end;
    } else {
      r.pos = offset;
      const h = readSetHeader(r, bytes, sectionName, onError);
      pos = r.pos;
      if (!h) continue;
      ({ addressSize, segmentSelectorSize, end, tuples, debugInfoOffset } = h);
    }
    const tuple = addressSize * 2 + segmentSelectorSize;
    if (words && tuple === 16 && segmentSelectorSize === 0 && tuples % 4 === 0) {
      // 8-byte addresses as words (what `word` reads, without a call per word).
      for (let at = tuples; at + 16 <= end; at += 16) {
        const i = at >>> 2;
        const loLow = words[i]!;
        const loHigh = words[i + 1]!;
        const lenLow = words[i + 2]!;
        const lenHigh = words[i + 3]!;
        const lo = loHigh === 0 ? loLow : loHigh * 0x1_0000_0000 + loLow;
        const len = lenHigh === 0 ? lenLow : lenHigh * 0x1_0000_0000 + lenLow;
        if (lo === 0 && len === 0) break;
        if (len === 0 || lo > Number.MAX_SAFE_INTEGER || lo + len > Number.MAX_SAFE_INTEGER) continue;
        if (n === lows.length) grow();
        lows[n] = lo;
        highs[n] = lo + len;
        units[n] = debugInfoOffset;
        sizes[n] = 8;
        n++;
      }
      continue;
    }
    for (let at = tuples; at + tuple <= end; at += tuple) {
      const segment = segmentSelectorSize ? word(at, segmentSelectorSize) : 0;
      const lo = word(at + segmentSelectorSize, addressSize);
      const len = word(at + segmentSelectorSize + addressSize, addressSize);
      if (lo === 0 && len === 0 && segment === 0) break;
      // Above 2^53 the words are inexact: such ranges are left out (as the bigint ones an index cannot hold).
      if (len === 0 || lo > Number.MAX_SAFE_INTEGER || lo + len > Number.MAX_SAFE_INTEGER) continue;
      if (n === lows.length) grow();
      lows[n] = lo;
      highs[n] = lo + len;
      units[n] = debugInfoOffset;
      sizes[n] = addressSize;
      n++;
    }
  }
  return { count: n, lows, highs, unitOffsets: units, addressSizes: sizes };
}
