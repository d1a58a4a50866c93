import type { PclnHeader } from './header.js';
import type { PcLnTable } from './table.js';

/** `_func.args` when the size of the arguments is unknown (assembly functions). */
export const ARGS_SIZE_UNKNOWN = -0x80000000;

/**
 * One function of a pclntab: a lazy handle over its `_func` record. Fields
 * are read from the bytes when asked for; the name and file are decoded
 * once.
 *
 * Record layouts: the first field is the entry PC (pointer-sized before
 * 1.18, a 32-bit offset from the text start after), then 32-bit fields
 * nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata, cuOffset (1.16+),
 * startLine (1.20+), then funcID, flag, a pad byte and nfuncdata; then
 * `pcdata[npcdata]` (u32 pcvalue table offsets) and `funcdata[nfuncdata]`
 * (absolute pointers before 1.18, u32 offsets from `go:func.*` after).
 */
export class GoFunc {
  private cachedName: string | undefined;

  constructor(
    /** The table the function belongs to. */
    readonly table: PcLnTable,
    /** Index in the function table (PC order). */
    readonly index: number,
    /** Byte offset of the `_func` record in the pclntab. */
    readonly offset: number,
  ) {}

  /** Byte offset, inside a record, of 32-bit field `n` (1 nameOff … 9 startLine), as debug/gosym numbers them. */
  static fieldOffset(h: PclnHeader, n: number): number {
    const sz0 = h.format === '1.18' || h.format === '1.20' ? 4 : h.ptrSize;
    return sz0 + (n - 1) * 4;
  }

  /** Size of the fixed part of a record (before the pcdata array). */
  static fixedSize(h: PclnHeader): number {
    const fields = h.format === '1.2' ? 7 : h.format === '1.20' ? 9 : 8;
    return GoFunc.fieldOffset(h, fields + 1) + 4;
  }

  private u32(n: number): number {
    const t = this.table;
    return t.u32(this.offset + t.fieldBase + 4 * n);
  }

  private i32(n: number): number {
    return this.u32(n) | 0;
  }

  /** Entry PC as a number (from the function table, as debug/gosym and the runtime use). */
  get entryPc(): number {
    return this.table.entryOf(this.index);
  }

  /** End PC as a number: the next function's entry (or the table's end PC). */
  get endPc(): number {
    return this.table.entryOf(this.index + 1);
  }

  /** Entry address. */
  get entry(): bigint {
    return BigInt(this.entryPc);
  }

  /** End address (exclusive): the next function's entry, as debug/gosym's `Func.End`. */
  get end(): bigint {
    return BigInt(this.endPc);
  }

  /** Entry recorded in the `_func` record itself (should equal {@link entry}). */
  get recordEntry(): bigint {
    const t = this.table;
    const h = t.header;
    if (h.format === '1.18' || h.format === '1.20') return BigInt(t.textAddr(t.u32(this.offset)));
    return BigInt(t.field(this.offset, h.ptrSize));
  }

  /** Offset of the name in the function name table. */
  get nameOff(): number {
    return this.u32(1);
  }

  /** The function's name, as the linker recorded it (`main.main`, `runtime.gcBgMarkWorker.func1`). */
  get name(): string {
    return (this.cachedName ??= this.table.readName(this.nameOff));
  }

  /** Size of the arguments and results in bytes; {@link ARGS_SIZE_UNKNOWN} for some assembly functions. */
  get args(): number {
    return this.i32(2);
  }

  /** Offset from the entry of the deferreturn call, 0 if none (older releases: the frame size field). */
  get deferreturn(): number {
    return this.u32(3);
  }

  /** Offset of the pcsp table (SP delta by PC). */
  get pcsp(): number {
    return this.u32(4);
  }

  /** Offset of the pcfile table (file number by PC). */
  get pcfile(): number {
    return this.u32(5);
  }

  /** Offset of the pcln table (line by PC). */
  get pcln(): number {
    return this.u32(6);
  }

  /** Number of pcdata tables. */
  get npcdata(): number {
    return this.u32(7);
  }

  /** Offset of the function's CU in the CU table (`0xffffffff`: none); undefined before 1.16. */
  get cuOffset(): number | undefined {
    return this.table.header.format === '1.2' ? undefined : this.u32(8);
  }

  /** Line of the `func` keyword (1.20+); undefined before. */
  get startLine(): number | undefined {
    return this.table.header.format === '1.20' ? this.i32(9) : undefined;
  }

  private tailByte(i: number): number {
    const h = this.table.header;
    const at = this.offset + GoFunc.fixedSize(h) - 4 + i;
    if (at >= this.table.data.length) throw this.table.error('truncated', '_func record is truncated', this.offset);
    return this.table.data[at]!;
  }

  /** `abi.FuncID` of runtime-special functions (0 for ordinary ones). */
  get funcID(): number {
    return this.tailByte(0);
  }

  /** `abi.FuncFlag` bits (TopFrame 1, SPWrite 2, Asm 4); 0 before 1.17. */
  get flag(): number {
    return this.table.header.format === '1.2' ? 0 : this.tailByte(1);
  }

  /** Number of funcdata entries. */
  get nfuncdata(): number {
    return this.tailByte(3);
  }

  /** Offset of pcdata table `i` (0 when absent or `i >= npcdata`). */
  pcdata(i: number): number {
    if (i < 0 || i >= this.npcdata) return 0;
    return this.table.u32(this.offset + GoFunc.fixedSize(this.table.header) + 4 * i);
  }

  /**
   * Address of funcdata `i`, or undefined when absent — or unknown, for
   * 1.18+ tables read without `moduledata.gofunc`.
   */
  funcdata(i: number): bigint | undefined {
    const t = this.table;
    const h = t.header;
    if (i < 0 || i >= this.nfuncdata) return undefined;
    let at = this.offset + GoFunc.fixedSize(h) + 4 * this.npcdata;
    if (h.format === '1.18' || h.format === '1.20') {
      const off = t.u32(at + 4 * i);
      if (off === 0xffffffff || t.gofunc === undefined) return undefined;
      return t.gofunc + BigInt(off);
    }
    // Before 1.18 the array holds pointers, aligned to 8 on 64-bit targets
    // (alignment of the address in memory, so add the table's address).
    if (h.ptrSize === 8 && ((Number((t.address ?? 0n) & 7n) + at) & 4) !== 0) at += 4;
    const v = t.field(at + h.ptrSize * i, h.ptrSize);
    return v === 0 ? undefined : BigInt(v);
  }

  /** File number at `pc` (-1 when the pcfile table does not cover it). */
  fileNumberAt(pc: number): number {
    const off = this.pcfile;
    return off === 0 ? -1 : this.table.stream.valueAt(this.table.header.pctab + off, this.entryPc, pc);
  }

  /** File name at `pc`, or undefined. */
  fileAtPc(pc: number): string | undefined {
    const k = this.fileNumberAt(pc);
    return this.table.fileName(this.cuOffset ?? 0, k);
  }

  /** Line at `pc`, or undefined when the pcln table does not cover it. */
  lineAtPc(pc: number): number | undefined {
    const off = this.pcln;
    if (off === 0) return undefined;
    const v = this.table.stream.valueAt(this.table.header.pctab + off, this.entryPc, pc);
    return v === -1 && !this.covers(off, pc) ? undefined : v;
  }

  /** Value of pcdata table `table` at `pc` (-1 when absent), as the runtime's pcdatavalue. */
  pcdataAt(table: number, pc: number): number {
    const off = this.pcdata(table);
    return off === 0 ? -1 : this.table.stream.valueAt(this.table.header.pctab + off, this.entryPc, pc);
  }

  /** SP delta at `pc` from the pcsp table (-1 when not covered). */
  spDeltaAt(pc: number): number {
    const off = this.pcsp;
    return off === 0 ? -1 : this.table.stream.valueAt(this.table.header.pctab + off, this.entryPc, pc);
  }

  /** The largest SP delta of the function (its frame size, as the runtime's funcMaxSPDelta); 0 without a pcsp table. */
  get frameSize(): number {
    const off = this.pcsp;
    return off === 0 ? 0 : Math.max(0, this.table.stream.max(this.table.header.pctab + off, this.entryPc));
  }

  /** The file at the function's entry (where its code starts). */
  get file(): string | undefined {
    return this.fileAtPc(this.entryPc);
  }

  /** The line at the function's entry. */
  get entryLine(): number | undefined {
    return this.lineAtPc(this.entryPc);
  }

  /**
   * {@link file}, {@link frameSize} and `line`, the {@link startLine} or,
   * before Go 1.20, the {@link entryLine}, read together: the entry and the
   * record's fields once, for listings of every function, which run mostly
   * in baseline code where each getter's calls cost more than the tables
   * they read. The same values, and the same error first when a part is
   * damaged (file, frame size, line: the getters' order).
   */
  entryFields(): { readonly file: string | undefined; readonly frameSize: number; readonly line: number | undefined } {
    const t = this.table;
    const h = t.header;
    const s = t.stream;
    const entry = t.entryOf(this.index);
    const fields = this.offset + t.fieldBase;
    const pcfile = t.u32(fields + 20);
    const k = pcfile === 0 ? -1 : s.valueAt(h.pctab + pcfile, entry, entry);
    const file = t.fileName(h.format === '1.2' ? 0 : t.u32(fields + 32), k);
    const pcsp = t.u32(fields + 16);
    const frameSize = pcsp === 0 ? 0 : Math.max(0, s.max(h.pctab + pcsp, entry));
    const line = h.format === '1.20' ? t.u32(fields + 36) | 0 : this.entryLine;
    return { file, frameSize, line };
  }

  private covers(off: number, pc: number): boolean {
    const s = this.table.stream.reset(this.table.header.pctab + off, this.entryPc);
    while (s.next()) if (pc < s.pc) return true;
    return false;
  }
}
