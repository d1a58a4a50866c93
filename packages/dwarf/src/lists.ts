import { Reader, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { readInitialLength, readOffset } from './encoding.js';

/** A half-open address range `[begin, end)`. */
export interface AddressRange {
  readonly begin: bigint;
  readonly end: bigint;
}

/** What a range or location list needs to turn its entries into addresses. */
export interface ListContext {
  readonly order: ByteOrder;
  readonly addressSize: number;
  /** 4 or 8: the size of offsets in the list's header and offset table. */
  readonly offsetSize: 4 | 8;
  /** 2–5; lists of DWARF 5 units live in `.debug_rnglists`/`.debug_loclists`. */
  readonly version: number;
  /** The unit's base address (its DW_AT_low_pc), which offset pairs add to. */
  readonly baseAddress: bigint | undefined;
  /** Resolves a `.debug_addr` index (through the unit's addr_base). */
  address(index: number): bigint;
}

/**
 * One entry of a range list, in the DWARF 5 vocabulary: pre-5
 * `.debug_ranges` entries are reported as `DW_RLE_offset_pair` (a pair
 * relative to the base), `DW_RLE_base_address` (the base selection entry)
 * and `DW_RLE_end_of_list`.
 */
export interface RangeListEntry {
  /** Section offset of the entry. */
  readonly offset: number;
  /** DW_RLE_*. */
  readonly kind: number;
  /** The entry's operands as stored (addresses, indexes, offsets, lengths). */
  readonly values: readonly bigint[];
  /** The range the entry denotes, with base addresses and indexes applied; undefined for base and end entries. */
  readonly range?: AddressRange;
}

/** One entry of a location list; as {@link RangeListEntry} with DW_LLE_* kinds and an expression. */
export interface LocationListEntry {
  readonly offset: number;
  /** DW_LLE_*. */
  readonly kind: number;
  readonly values: readonly bigint[];
  /** The range the location applies to; undefined for base and end entries and for `default_location` (which applies everywhere else). */
  readonly range?: AddressRange;
  /** The DWARF expression bytes (a view into the section); undefined for base and end entries. */
  readonly expression?: Uint8Array;
  /** Section offset of the expression bytes. */
  readonly expressionOffset?: number;
}

const mask = (size: number) => (size >= 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n);
const MAX_ENTRIES = 1 << 24;

/**
 * Walks the range list at `offset` of `section` (`.debug_ranges` for
 * DWARF 2–4, `.debug_rnglists` for DWARF 5, chosen by `rnglists`) up to
 * its end entry. Throws ParseError naming the section and offset for a
 * truncated list or an unknown entry kind.
 */
export function* rangeList(bytes: Uint8Array, sectionName: string, offset: number, rnglists: boolean, ctx: ListContext): Generator<RangeListEntry> {
  const r = new Reader(bytes, { order: ctx.order, addressSize: ctx.addressSize, section: sectionName });
  if (!(offset >= 0 && offset < bytes.length)) throw r.error('out-of-range', `range list offset 0x${offset.toString(16)} is outside ${sectionName} (0x${bytes.length.toString(16)} bytes)`, 0);
  r.pos = offset;
  const m = mask(ctx.addressSize);
  let base = ctx.baseAddress ?? 0n;
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const at = r.pos;
    if (!rnglists) {
      const b = r.address();
      const e = r.address();
      if (b === 0n && e === 0n) {
        yield { offset: at, kind: C.DW_RLE_end_of_list, values: [] };
        return;
      }
      if (b === m) {
        base = e;
        yield { offset: at, kind: C.DW_RLE_base_address, values: [e] };
        continue;
      }
      yield { offset: at, kind: C.DW_RLE_offset_pair, values: [b, e], range: { begin: (base + b) & m, end: (base + e) & m } };
      continue;
    }
    const kind = r.u8();
    switch (kind) {
      case C.DW_RLE_end_of_list:
        yield { offset: at, kind, values: [] };
        return;
      case C.DW_RLE_base_addressx: {
        const i = r.uleb();
        base = ctx.address(i);
        yield { offset: at, kind, values: [BigInt(i)] };
        break;
      }
      case C.DW_RLE_startx_endx: {
        const i = r.uleb();
        const j = r.uleb();
        yield { offset: at, kind, values: [BigInt(i), BigInt(j)], range: { begin: ctx.address(i), end: ctx.address(j) } };
        break;
      }
      case C.DW_RLE_startx_length: {
        const i = r.uleb();
        const len = r.ulebBig();
        const b = ctx.address(i);
        yield { offset: at, kind, values: [BigInt(i), len], range: { begin: b, end: (b + len) & m } };
        break;
      }
      case C.DW_RLE_offset_pair: {
        const b = r.ulebBig();
        const e = r.ulebBig();
        yield { offset: at, kind, values: [b, e], range: { begin: (base + b) & m, end: (base + e) & m } };
        break;
      }
      case C.DW_RLE_base_address:
        base = r.address();
        yield { offset: at, kind, values: [base] };
        break;
      case C.DW_RLE_start_end: {
        const b = r.address();
        const e = r.address();
        yield { offset: at, kind, values: [b, e], range: { begin: b, end: e } };
        break;
      }
      case C.DW_RLE_start_length: {
        const b = r.address();
        const len = r.ulebBig();
        yield { offset: at, kind, values: [b, len], range: { begin: b, end: (b + len) & m } };
        break;
      }
      default:
        throw r.error('invalid', `unknown range list entry kind 0x${kind.toString(16)}`, at);
    }
  }
  throw r.error('too-large', 'range list has too many entries', offset);
}

/**
 * Walks the location list at `offset`: `.debug_loc` (DWARF 2–4: address
 * pairs and a u16 expression length), `.debug_loc.dwo` of pre-standard
 * split DWARF (`DW_LLE_GNU_*` kinds, index operands, u32 lengths), or
 * `.debug_loclists` (DWARF 5: DW_LLE_* with ULEB128 expression lengths).
 */
export function* locationList(bytes: Uint8Array, sectionName: string, offset: number, format: 'loc' | 'loc.dwo' | 'loclists', ctx: ListContext): Generator<LocationListEntry> {
  const r = new Reader(bytes, { order: ctx.order, addressSize: ctx.addressSize, section: sectionName });
  if (!(offset >= 0 && offset < bytes.length)) throw r.error('out-of-range', `location list offset 0x${offset.toString(16)} is outside ${sectionName} (0x${bytes.length.toString(16)} bytes)`, 0);
  r.pos = offset;
  const m = mask(ctx.addressSize);
  let base = ctx.baseAddress ?? 0n;
  const expr = (lengthSize: 'u16' | 'uleb' | 'u32') => {
    const n = lengthSize === 'u16' ? r.u16() : lengthSize === 'u32' ? r.u32() : r.uleb();
    const at = r.pos;
    return { expression: r.bytesView(n), expressionOffset: at };
  };
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const at = r.pos;
    if (format === 'loc') {
      const b = r.address();
      const e = r.address();
      if (b === 0n && e === 0n) {
        yield { offset: at, kind: C.DW_LLE_end_of_list, values: [] };
        return;
      }
      if (b === m) {
        base = e;
        yield { offset: at, kind: C.DW_LLE_base_address, values: [e] };
        continue;
      }
      yield { offset: at, kind: C.DW_LLE_offset_pair, values: [b, e], range: { begin: (base + b) & m, end: (base + e) & m }, ...expr('u16') };
      continue;
    }
    const kind = r.u8();
    const lengthSize = format === 'loclists' ? 'uleb' : 'u16';
    switch (kind) {
      case C.DW_LLE_end_of_list:
        yield { offset: at, kind, values: [] };
        return;
      case C.DW_LLE_base_addressx: {
        const i = r.uleb();
        base = ctx.address(i);
        yield { offset: at, kind, values: [BigInt(i)] };
        break;
      }
      case C.DW_LLE_startx_endx: {
        const i = r.uleb();
        const j = r.uleb();
        yield { offset: at, kind, values: [BigInt(i), BigInt(j)], range: { begin: ctx.address(i), end: ctx.address(j) }, ...expr(lengthSize) };
        break;
      }
      case C.DW_LLE_startx_length: {
        const i = r.uleb();
        // Pre-standard split DWARF (.debug_loc.dwo) stores a u32 length.
        const len = format === 'loclists' ? r.ulebBig() : BigInt(r.u32());
        const b = ctx.address(i);
        yield { offset: at, kind, values: [BigInt(i), len], range: { begin: b, end: (b + len) & m }, ...expr(lengthSize) };
        break;
      }
      case C.DW_LLE_offset_pair: {
        const b = r.ulebBig();
        const e = r.ulebBig();
        yield { offset: at, kind, values: [b, e], range: { begin: (base + b) & m, end: (base + e) & m }, ...expr(lengthSize) };
        break;
      }
      case C.DW_LLE_default_location:
        yield { offset: at, kind, values: [], ...expr(lengthSize) };
        break;
      case C.DW_LLE_base_address:
        base = r.address();
        yield { offset: at, kind, values: [base] };
        break;
      case C.DW_LLE_start_end: {
        const b = r.address();
        const e = r.address();
        yield { offset: at, kind, values: [b, e], range: { begin: b, end: e }, ...expr(lengthSize) };
        break;
      }
      case C.DW_LLE_start_length: {
        const b = r.address();
        const len = r.ulebBig();
        yield { offset: at, kind, values: [b, len], range: { begin: b, end: (b + len) & m }, ...expr(lengthSize) };
        break;
      }
      case C.DW_LLE_GNU_view_pair: {
        const v1 = r.ulebBig();
        const v2 = r.ulebBig();
        yield { offset: at, kind, values: [v1, v2] };
        break;
      }
      default:
        throw r.error('invalid', `unknown location list entry kind 0x${kind.toString(16)}`, at);
    }
  }
  throw r.error('too-large', 'location list has too many entries', offset);
}

/** The header of one contribution to `.debug_rnglists` or `.debug_loclists`. */
export interface ListsHeader {
  /** Offset of the header in the section. */
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  readonly addressSize: number;
  readonly segmentSelectorSize: number;
  readonly offsetEntryCount: number;
  /** Offset of the offsets table (the unit's rnglists_base / loclists_base). */
  readonly base: number;
  /** Offset just past the contribution. */
  readonly end: number;
}

/** Reads the `.debug_rnglists`/`.debug_loclists` contribution header at `offset`. */
export function readListsHeader(r: Reader, offset: number): ListsHeader {
  r.seek(offset);
  const il = readInitialLength(r, 'list table');
  const end = r.pos + il.length;
  if (end > r.length) throw r.error('truncated', `list table length 0x${il.length.toString(16)} runs past the end of ${r.section}`, offset);
  const version = r.u16();
  const addressSize = r.u8();
  const segmentSelectorSize = r.u8();
  const offsetEntryCount = r.u32();
  const base = r.pos;
  if (offsetEntryCount * il.offsetSize > end - base) throw r.error('too-large', `offset_entry_count ${offsetEntryCount} does not fit the table`, offset);
  return { offset, length: il.length, offsetSize: il.offsetSize, version, addressSize, segmentSelectorSize, offsetEntryCount, base, end };
}

/**
 * The section offset of list `index` of a DWARF 5 `rnglistx`/`loclistx`:
 * the offsets table at `base` holds offsets relative to `base`.
 */
export function listOffset(bytes: Uint8Array, order: ByteOrder, sectionName: string, base: number, index: number, offsetSize: 4 | 8): number {
  const r = new Reader(bytes, { order, section: sectionName });
  const at = base + index * offsetSize;
  if (!(at >= 0 && at + offsetSize <= bytes.length)) throw r.error('out-of-range', `list index ${index} (base 0x${base.toString(16)}) is outside ${sectionName}`, Math.max(0, Math.min(at, bytes.length)));
  r.pos = at;
  return base + readOffset(r, offsetSize);
}
