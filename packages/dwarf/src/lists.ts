import { Reader, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { readInitialLength, readOffset, readUlebValue } from './encoding.js';

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

const MAX_SAFE = 9007199254740991;
const MAX_SAFE_BIG = 9007199254740991n;
const MAX_ENTRIES = 1 << 24;

/** The encodings of range and location lists. */
export type ListFormat = 'ranges' | 'rnglists' | 'loc' | 'loc.dwo' | 'loclists';

/**
 * A cursor over one range or location list (gimli's `RawRngListIter` and
 * `RngListIter` in one): `next()` decodes the next entry into the fields,
 * allocating nothing while addresses stay below 2^53 (numbers), so a dump
 * of hundreds of thousands of location entries costs no garbage.
 * Pre-DWARF-5 entries are reported with DWARF 5 kinds: a pair relative to
 * the base is `offset_pair`, a base selection `base_address`.
 */
export class ListCursor {
  /** Section offset of the current entry. */
  entryOffset = 0;
  /** DW_RLE_* (range lists) or DW_LLE_* (location lists); the values coincide where both exist. */
  kind = 0;
  /** The entry's operands as stored (addresses, indexes, offsets, lengths). */
  op0: number | bigint = 0;
  op1: number | bigint = 0;
  opCount = 0;
  /** True when the entry denotes an address range. */
  hasRange = false;
  /** `[begin, end)`: numbers while below 2^53; otherwise -1 and the bigints below hold them. */
  begin = 0;
  end = 0;
  beginBig: bigint | undefined;
  endBig: bigint | undefined;
  /** The location expression: `exprLength` bytes at section offset `exprStart` (-1: none). */
  exprStart = 0;
  exprLength = -1;

  private readonly r: Reader;
  private readonly mask: bigint;
  private base: number | bigint;
  private count = 0;
  private done = false;

  constructor(
    readonly bytes: Uint8Array,
    readonly sectionName: string,
    readonly offset: number,
    readonly format: ListFormat,
    private readonly ctx: ListContext,
    view?: DataView,
    /** Section offset of `bytes[0]`: 0 for the whole section, the start of a window of it otherwise (offsets stay section offsets). */
    readonly bytesBase = 0,
  ) {
    this.r = new Reader(bytes, { order: ctx.order, addressSize: ctx.addressSize, section: sectionName, view, base: bytesBase });
    if (!(offset - bytesBase >= 0 && offset - bytesBase < bytes.length)) {
      throw this.r.error('out-of-range', `${format.startsWith('r') ? 'range' : 'location'} list offset 0x${offset.toString(16)} is outside ${sectionName} (0x${(bytesBase + bytes.length).toString(16)} bytes)`, -bytesBase);
    }
    this.r.pos = offset - bytesBase;
    this.mask = ctx.addressSize >= 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(ctx.addressSize * 8)) - 1n;
    const b = ctx.baseAddress ?? 0n;
    this.base = this.initialBase = b <= MAX_SAFE_BIG ? Number(b) : b;
    this.start = offset;
  }

  private readonly initialBase: number | bigint;
  private start: number;

  /** Offset of the list being read (where the cursor started, or was last reset to). */
  get listOffset(): number {
    return this.start;
  }

  /**
   * Restarts the cursor on the list at `offset` of the same section, with
   * the same context — for a printer that reads thousands of lists, one
   * cursor per section instead of one per list.
   */
  reset(offset: number): this {
    const base = this.bytesBase;
    if (!(offset - base >= 0 && offset - base < this.bytes.length)) {
      throw this.r.error('out-of-range', `${this.format.startsWith('r') ? 'range' : 'location'} list offset 0x${offset.toString(16)} is outside ${this.sectionName} (0x${(base + this.bytes.length).toString(16)} bytes)`, -base);
    }
    this.r.pos = offset - base;
    this.start = offset;
    this.base = this.initialBase;
    this.count = 0;
    this.done = false;
    return this;
  }

  /** The range start as a bigint. */
  get beginAddress(): bigint {
    return this.beginBig ?? BigInt(this.begin);
  }
  /** The range end as a bigint. */
  get endAddress(): bigint {
    return this.endBig ?? BigInt(this.end);
  }
  /** The expression bytes (a view into the section), or undefined. */
  get expression(): Uint8Array | undefined {
    const at = this.exprStart - this.bytesBase;
    return this.exprLength < 0 ? undefined : this.bytes.subarray(at, at + this.exprLength);
  }

  /** An address-sized value: a number below 2^53, else a bigint. */
  private address(): number | bigint {
    const r = this.r;
    if (this.ctx.addressSize !== 8) return r.uint(this.ctx.addressSize);
    const first = r.u32();
    const second = r.u32();
    const l = r.littleEndian ? first : second;
    const h = r.littleEndian ? second : first;
    // h === 0 keeps the value an integer (a small integer, usually), not a computed double.
    if (h === 0) return l;
    return h <= 0x1fffff ? h * 0x100000000 + l : (BigInt(h) << 32n) | BigInt(l);
  }

  private uleb(): number | bigint {
    return readUlebValue(this.r);
  }

  /** The all-ones address: a base address selection entry of pre-5 lists. */
  private isMax(v: number | bigint): boolean {
    return typeof v === 'bigint' ? v === this.mask : this.ctx.addressSize < 8 && v === Number(this.mask);
  }

  private setRange(b: number | bigint, e: number | bigint): void {
    this.hasRange = true;
    if (typeof b === 'number' && typeof e === 'number') {
      this.begin = b;
      this.end = e;
      this.beginBig = this.endBig = undefined;
    } else {
      this.begin = this.end = -1;
      this.beginBig = BigInt(b) & this.mask;
      this.endBig = BigInt(e) & this.mask;
    }
  }

  /** `base + off` (wrapping at the address size), a number while it stays exact. */
  private add(base: number | bigint, off: number | bigint): number | bigint {
    if (typeof base === 'number' && typeof off === 'number') {
      const s = base + off;
      if (s <= MAX_SAFE && (this.ctx.addressSize >= 8 || s <= Number(this.mask))) return s;
    }
    const v = (BigInt(base) + BigInt(off)) & this.mask;
    return v <= MAX_SAFE_BIG ? Number(v) : v;
  }

  private indexed(i: number | bigint): number | bigint {
    const a = this.ctx.address(Number(i));
    return a <= MAX_SAFE_BIG ? Number(a) : a;
  }

  private expr(lengthSize: 'u16' | 'uleb'): void {
    const r = this.r;
    const n = lengthSize === 'u16' ? r.u16() : r.uleb();
    r.need(n, 'location expression');
    this.exprStart = r.offset;
    this.exprLength = n;
    r.pos += n;
  }

  /**
   * Decodes the next entry (the end-of-list entry included); false after
   * it. Throws ParseError naming the section and offset for a truncated
   * list or an unknown entry kind.
   */
  next(): boolean {
    if (this.done) return false;
    if (++this.count > MAX_ENTRIES) throw this.r.error('too-large', 'list has too many entries', this.offset - this.bytesBase);
    const r = this.r;
    this.entryOffset = r.offset;
    this.hasRange = false;
    this.exprLength = -1;
    this.opCount = 0;
    const f = this.format;
    if (f === 'ranges' || f === 'loc') {
      const b = this.address();
      const e = this.address();
      this.op0 = b;
      this.op1 = e;
      this.opCount = 2;
      if (b === 0 && e === 0) {
        this.kind = C.DW_RLE_end_of_list;
        this.opCount = 0;
        this.done = true;
        return true;
      }
      if (this.isMax(b)) {
        this.kind = C.DW_RLE_base_address;
        this.base = e;
        this.op0 = e;
        this.opCount = 1;
        return true;
      }
      this.kind = C.DW_RLE_offset_pair;
      this.setRange(this.add(this.base, b), this.add(this.base, e));
      if (f === 'loc') this.expr('u16');
      return true;
    }
    const kind = r.u8();
    this.kind = kind;
    const lengthSize = f === 'loclists' ? 'uleb' : 'u16';
    const loc = f !== 'rnglists';
    // DW_RLE_* and DW_LLE_* agree on 0–4; from 5 on they differ.
    switch (kind) {
      case 0: // end_of_list
        this.done = true;
        return true;
      case 1: // base_addressx
        this.op0 = this.uleb();
        this.opCount = 1;
        this.base = this.indexed(this.op0);
        return true;
      case 2: // startx_endx
        this.op0 = this.uleb();
        this.op1 = this.uleb();
        this.opCount = 2;
        this.setRange(this.indexed(this.op0), this.indexed(this.op1));
        break;
      case 3: {
        // startx_length: pre-standard split DWARF (.debug_loc.dwo) stores a u32 length.
        this.op0 = this.uleb();
        this.op1 = f === 'loc.dwo' ? r.u32() : this.uleb();
        this.opCount = 2;
        const b = this.indexed(this.op0);
        this.setRange(b, this.add(b, this.op1));
        break;
      }
      case 4: // offset_pair
        this.op0 = this.uleb();
        this.op1 = this.uleb();
        this.opCount = 2;
        this.setRange(this.add(this.base, this.op0), this.add(this.base, this.op1));
        break;
      default:
        if (!loc) return this.rnglistsTail(kind);
        return this.loclistsTail(kind, lengthSize);
    }
    if (loc) this.expr(lengthSize);
    return true;
  }

  private rnglistsTail(kind: number): boolean {
    switch (kind) {
      case C.DW_RLE_base_address:
        this.op0 = this.address();
        this.opCount = 1;
        this.base = this.op0;
        return true;
      case C.DW_RLE_start_end:
        this.op0 = this.address();
        this.op1 = this.address();
        this.opCount = 2;
        this.setRange(this.op0, this.op1);
        return true;
      case C.DW_RLE_start_length:
        this.op0 = this.address();
        this.op1 = this.uleb();
        this.opCount = 2;
        this.setRange(this.op0, this.add(this.op0, this.op1));
        return true;
      default:
        throw this.r.error('invalid', `unknown range list entry kind 0x${kind.toString(16)}`, this.entryOffset - this.bytesBase);
    }
  }

  private loclistsTail(kind: number, lengthSize: 'u16' | 'uleb'): boolean {
    switch (kind) {
      case C.DW_LLE_default_location:
        this.expr(lengthSize);
        return true;
      case C.DW_LLE_base_address:
        this.op0 = this.address();
        this.opCount = 1;
        this.base = this.op0;
        return true;
      case C.DW_LLE_start_end:
        this.op0 = this.address();
        this.op1 = this.address();
        this.opCount = 2;
        this.setRange(this.op0, this.op1);
        this.expr(lengthSize);
        return true;
      case C.DW_LLE_start_length:
        this.op0 = this.address();
        this.op1 = this.uleb();
        this.opCount = 2;
        this.setRange(this.op0, this.add(this.op0, this.op1));
        this.expr(lengthSize);
        return true;
      case C.DW_LLE_GNU_view_pair:
        this.op0 = this.uleb();
        this.op1 = this.uleb();
        this.opCount = 2;
        return true;
      default:
        throw this.r.error('invalid', `unknown location list entry kind 0x${kind.toString(16)}`, this.entryOffset - this.bytesBase);
    }
  }
}

const ops = (c: ListCursor): bigint[] => (c.opCount === 0 ? [] : c.opCount === 1 ? [BigInt(c.op0)] : [BigInt(c.op0), BigInt(c.op1)]);

/**
 * Walks the range list at `offset` of `section` (`.debug_ranges` for
 * DWARF 2–4, `.debug_rnglists` for DWARF 5, chosen by `rnglists`) up to
 * its end entry, one entry object each. Throws ParseError naming the
 * section and offset for a truncated list or an unknown entry kind.
 */
export function* rangeList(bytes: Uint8Array, sectionName: string, offset: number, rnglists: boolean, ctx: ListContext): Generator<RangeListEntry> {
  const c = new ListCursor(bytes, sectionName, offset, rnglists ? 'rnglists' : 'ranges', ctx);
  while (c.next()) {
    yield c.hasRange ? { offset: c.entryOffset, kind: c.kind, values: ops(c), range: { begin: c.beginAddress, end: c.endAddress } } : { offset: c.entryOffset, kind: c.kind, values: ops(c) };
  }
}

/**
 * Walks the location list at `offset`: `.debug_loc` (DWARF 2–4: address
 * pairs and a u16 expression length), `.debug_loc.dwo` of pre-standard
 * split DWARF (`DW_LLE_GNU_*` kinds, index operands, u32 lengths), or
 * `.debug_loclists` (DWARF 5: DW_LLE_* with ULEB128 expression lengths).
 */
export function* locationList(bytes: Uint8Array, sectionName: string, offset: number, format: 'loc' | 'loc.dwo' | 'loclists', ctx: ListContext): Generator<LocationListEntry> {
  const c = new ListCursor(bytes, sectionName, offset, format, ctx);
  while (c.next()) {
    const e: { offset: number; kind: number; values: bigint[]; range?: AddressRange; expression?: Uint8Array; expressionOffset?: number } = { offset: c.entryOffset, kind: c.kind, values: ops(c) };
    if (c.hasRange) e.range = { begin: c.beginAddress, end: c.endAddress };
    if (c.exprLength >= 0) {
      e.expression = c.expression;
      e.expressionOffset = c.exprStart;
    }
    yield e;
  }
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
