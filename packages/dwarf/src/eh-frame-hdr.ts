import { Reader, type ByteOrder } from '@elfkit/binary';
import { DW_EH_PE_omit, encodedPointerSize, readEncodedPointer, validPointerEncoding, type PointerBases } from './eh-pointer.js';

/**
 * `.eh_frame_hdr` (PT_GNU_EH_FRAME; LSB "ehframehdr"): where `.eh_frame` is,
 * and a table of (initial location, FDE address) pairs sorted by location
 * that {@link EhFrameHdr.lookup} binary-searches. The table is read in
 * place: nothing is decoded until looked up.
 */
export class EhFrameHdr {
  /** 1. */
  readonly version: number;
  readonly ehFramePtrEncoding: number;
  readonly fdeCountEncoding: number;
  readonly tableEncoding: number;
  /** Address of `.eh_frame` (undefined when its encoding is omit). */
  readonly ehFrameAddress?: bigint;
  /** Entries in the search table (0 when the table is omitted). */
  readonly fdeCount: number;
  /** Address of the header (the base of its `datarel` pointers). */
  readonly address: bigint;
  private readonly r: Reader;
  private readonly tableAt: number;
  /** Bytes per table entry, or undefined when entries are not of fixed size (the table is then walked linearly). */
  private readonly entrySize?: number;
  private readonly bases: PointerBases;
  private readonly addressSize: number;

  /**
   * Reads the header of `bytes` loaded at `address`. Throws ParseError for
   * a bad version, an unknown encoding, or a table larger than the section.
   */
  constructor(bytes: Uint8Array, address: bigint, options: { order: ByteOrder; addressSize: number; name?: string }) {
    const r = new Reader(bytes, { order: options.order, addressSize: options.addressSize, section: options.name ?? '.eh_frame_hdr' });
    this.r = r;
    this.address = address;
    this.addressSize = options.addressSize;
    this.bases = { section: address, data: address };
    this.version = r.u8();
    if (this.version !== 1) throw r.error('unsupported', `.eh_frame_hdr version ${this.version} (expected 1)`, 0);
    this.ehFramePtrEncoding = r.u8();
    this.fdeCountEncoding = r.u8();
    this.tableEncoding = r.u8();
    for (const [enc, what] of [
      [this.ehFramePtrEncoding, 'eh_frame_ptr'],
      [this.fdeCountEncoding, 'fde_count'],
      [this.tableEncoding, 'table'],
    ] as const) {
      if (!validPointerEncoding(enc)) throw r.error('invalid', `invalid ${what} encoding 0x${enc.toString(16)}`, 1);
    }
    if (this.ehFramePtrEncoding !== DW_EH_PE_omit) this.ehFrameAddress = readEncodedPointer(r, this.ehFramePtrEncoding, this.bases, this.addressSize);
    let count = 0;
    if (this.fdeCountEncoding !== DW_EH_PE_omit && this.tableEncoding !== DW_EH_PE_omit) {
      const at = r.pos;
      const c = readEncodedPointer(r, this.fdeCountEncoding, this.bases, this.addressSize);
      if (c > BigInt(bytes.length)) throw r.error('too-large', `fde_count ${c} is more than the section could hold`, at);
      count = Number(c);
    }
    this.tableAt = r.pos;
    const size = encodedPointerSize(this.tableEncoding, this.addressSize);
    this.entrySize = size === undefined ? undefined : size * 2;
    if (this.entrySize !== undefined && this.tableAt + count * this.entrySize > bytes.length) {
      throw r.error('truncated', `search table of ${count} entries needs ${count * this.entrySize} bytes, ${bytes.length - this.tableAt} left`, this.tableAt);
    }
    this.fdeCount = count;
  }

  /** True when the table can be binary-searched (fixed-size entries; `datarel|sdata4` in practice). */
  get searchable(): boolean {
    return this.entrySize !== undefined && this.fdeCount > 0;
  }

  /** Entry `i` of the table: the initial location it is sorted by, and the FDE's address. */
  entry(i: number): { location: bigint; fde: bigint } {
    if (!(i >= 0 && i < this.fdeCount)) throw this.r.error('out-of-range', `table entry ${i} of ${this.fdeCount}`, this.tableAt);
    const r = this.r;
    if (this.entrySize !== undefined) r.pos = this.tableAt + i * this.entrySize;
    else {
      r.pos = this.tableAt;
      for (let k = 0; k < i; k++) {
        readEncodedPointer(r, this.tableEncoding, this.bases, this.addressSize);
        readEncodedPointer(r, this.tableEncoding, this.bases, this.addressSize);
      }
    }
    const location = readEncodedPointer(r, this.tableEncoding, this.bases, this.addressSize);
    const fde = readEncodedPointer(r, this.tableEncoding, this.bases, this.addressSize);
    return { location, fde };
  }

  /** Every table entry in order. */
  *entries(): Generator<{ location: bigint; fde: bigint }, void, undefined> {
    for (let i = 0; i < this.fdeCount; i++) yield this.entry(i);
  }

  /**
   * The address of the FDE whose initial location is the greatest at or
   * below `pc` (the caller checks the FDE's range covers `pc`), or
   * undefined when `pc` is below every entry or there is no table.
   */
  lookup(pc: bigint): bigint | undefined {
    const n = this.fdeCount;
    if (n === 0) return undefined;
    if (this.entrySize === undefined) {
      // LEB128 entries cannot be indexed: walk the table.
      let best: bigint | undefined;
      for (const e of this.entries()) if (e.location <= pc) best = e.fde;
      return best;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.locationAt(mid) <= pc) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.entry(lo - 1).fde;
  }

  private locationAt(i: number): bigint {
    const r = this.r;
    r.pos = this.tableAt + i * this.entrySize!;
    return readEncodedPointer(r, this.tableEncoding, this.bases, this.addressSize);
  }
}
