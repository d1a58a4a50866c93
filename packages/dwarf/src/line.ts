import { decodeUtf8, ParseError, Reader, type ByteOrder } from '@elfkit/binary';
import type { AttrValue } from './attribute.js';
import * as C from './constants.js';
import { readInitialLength, readOffset, validAddressSize, type Encoding } from './encoding.js';
import { fixedFormSize, readFormValue } from './forms.js';
import { joinPath } from './paths.js';

/**
 * A DWARF 2–4 file entry whose name is decoded when first read: a Go
 * unit's table names hundreds of files, and a lookup needs a few.
 */
class StoredFileEntry implements FileEntry {
  private name?: string;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    readonly dirIndex: number,
    readonly mtime: number,
    readonly size: number,
  ) {}

  get path(): string {
    return (this.name ??= decodeUtf8(this.bytes, this.start, this.end));
  }
}

/** A DWARF 5 entry format: which content (DW_LNCT_*) is stored in which form. */
export interface EntryFormat {
  readonly type: number;
  readonly form: number;
}

/** One entry of a line table's file (or, in DWARF 5, directory) table. */
export interface FileEntry {
  /** The path as stored (DW_LNCT_path), resolved to a string. */
  readonly path: string;
  /** Index into the include directories (DW_LNCT_directory_index); 0 for directories. */
  readonly dirIndex: number;
  /** Modification time, 0 when absent. */
  readonly mtime: number | bigint;
  /** File size, 0 when absent. */
  readonly size: number | bigint;
  /** DW_LNCT_MD5, when present. */
  readonly md5?: Uint8Array;
  /** DW_LNCT_LLVM_source (embedded source), when present. */
  readonly source?: string;
}

/** The header of a line-number program, DWARF 2 to 5. */
export interface LineProgramHeader {
  /** Section offset of the program (its unit_length). */
  readonly offset: number;
  readonly unitLength: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  /** From the header in DWARF 5, otherwise from the unit (or set_address operands). */
  readonly addressSize: number;
  readonly segmentSelectorSize: number;
  readonly headerLength: number;
  readonly minInstLength: number;
  readonly maxOpsPerInst: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  /** Operand counts of standard opcodes 1 … opcode_base−1 (index 0 is opcode 1). */
  readonly standardOpcodeLengths: readonly number[];
  /** DWARF 5 directory entry format (empty before 5). */
  readonly directoryEntryFormat: readonly EntryFormat[];
  /** Include directories as stored; in DWARF 5 entry 0 is the compilation directory. */
  readonly includeDirectories: readonly string[];
  /** DWARF 5 file entry format (empty before 5). */
  readonly fileNameEntryFormat: readonly EntryFormat[];
  /** File entries; 1-based before DWARF 5 (entry 0 of this array is file 1), 0-based in DWARF 5. */
  readonly fileNames: readonly FileEntry[];
  /** Section offset of the first opcode. */
  readonly programOffset: number;
  /** Section offset just past the program. */
  readonly end: number;
}

/** One row of the line table, as the state machine emits it. */
export interface LineRow {
  address: bigint;
  opIndex: number;
  /** File register (1-based before DWARF 5, 0-based in 5). */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  isa: number;
  discriminator: number;
}

/** Resolves the string forms a DWARF 5 entry may use (`line_strp`, `strp`, `strx*`). */
export type LineStringResolver = (form: number, value: AttrValue) => string;

/** What a line program needs from its compilation unit. */
export interface LineProgramContext {
  /** The unit's address size, for DWARF 2–4 headers (which do not carry one). */
  readonly addressSize?: number;
  /**
   * DW_AT_comp_dir of the unit, prepended to relative paths of DWARF 2–4
   * tables (DWARF 5 tables carry it as directory 0). A function is called
   * only when a path needs it, so a caller can defer finding the unit.
   */
  readonly compDir?: string | (() => string | undefined);
  /** DW_AT_name of the unit: file 0 of DWARF 2–4 tables. */
  readonly compName?: string;
  /** String resolution for DWARF 5 entry formats. */
  readonly strings: LineStringResolver;
}

const MAX_SAFE = 9007199254740991;

/**
 * A line-number program: its header, its file table with full paths, and
 * a row stream from the state machine. Rows are decoded as iterated, never
 * stored (gimli's `IncompleteLineProgram::rows`).
 */
export class LineProgram {
  readonly header: LineProgramHeader;
  private readonly bytes: Uint8Array;
  private readonly order: ByteOrder;
  private readonly sectionName: string;
  private readonly ctx: LineProgramContext;
  private paths?: (string | undefined)[];
  /** Files added by DW_LNE_define_file while rows were streamed. */
  private defined: FileEntry[] = [];

  private constructor(header: LineProgramHeader, bytes: Uint8Array, order: ByteOrder, sectionName: string, ctx: LineProgramContext) {
    this.header = header;
    this.bytes = bytes;
    this.order = order;
    this.sectionName = sectionName;
    this.ctx = ctx;
  }

  /** Parses the header of the program at `offset` in `bytes` (the `.debug_line` section). */
  static parse(bytes: Uint8Array, order: ByteOrder, sectionName: string, offset: number, ctx: LineProgramContext): LineProgram {
    return new LineProgram(readLineHeader(bytes, order, sectionName, offset, ctx), bytes, order, sectionName, ctx);
  }

  /** The number of file entries (plus files defined by DW_LNE_define_file so far). */
  get fileCount(): number {
    return this.header.fileNames.length + this.defined.length;
  }

  /** The file entry for file register value `index`, or undefined when there is none. */
  file(index: number): FileEntry | undefined {
    const i = this.header.version >= 5 ? index : index - 1;
    const n = this.header.fileNames.length;
    if (i < 0) return undefined;
    return i < n ? this.header.fileNames[i] : this.defined[i - n];
  }

  /**
   * The full path of file `index`: the file name, joined (once) to its
   * include directory and, when that is relative, to the compilation
   * directory, as llvm-dwarfdump resolves it. Undefined for an index with
   * no entry (such as file 0 before DWARF 5).
   */
  filePath(index: number): string | undefined {
    const paths = (this.paths ??= []);
    if (index >= 0 && index < paths.length && paths[index] !== undefined) return paths[index];
    const e = this.file(index);
    if (!e) return undefined;
    const p = this.resolvePath(e);
    if (index >= 0 && index < 1 << 20) {
      while (paths.length <= index) paths.push(undefined);
      paths[index] = p;
    }
    return p;
  }

  /** The include directory `e` names, or '' when its index is out of range. */
  directory(dirIndex: number): string | undefined {
    const h = this.header;
    if (h.version >= 5) return dirIndex < h.includeDirectories.length ? h.includeDirectories[dirIndex] : undefined;
    if (dirIndex === 0) return undefined;
    return dirIndex <= h.includeDirectories.length ? h.includeDirectories[dirIndex - 1] : undefined;
  }

  private resolvePath(e: FileEntry): string {
    const name = e.path;
    if (isAbsolute(name)) return name;
    const v5 = this.header.version >= 5;
    const dir = this.directory(e.dirIndex) ?? '';
    // LLVM's Prologue::getFileNameByIndex: the compilation directory goes
    // first unless the include directory is absolute, or (DWARF 5) the entry
    // uses directory 0, which already is the compilation directory.
    const withComp = (!v5 || e.dirIndex !== 0) && !isAbsolute(dir);
    return joinPath(withComp ? this.compilationDirectory() ?? '' : '', dir, name);
  }

  private compDirValue?: { dir: string | undefined };

  /**
   * The compilation directory: DWARF 5's directory 0 (which the standard
   * defines as the compilation directory), else the unit's DW_AT_comp_dir.
   */
  compilationDirectory(): string | undefined {
    if (!this.compDirValue) {
      const h = this.header;
      const c = this.ctx.compDir;
      const dir = h.version >= 5 && h.includeDirectories.length > 0 ? h.includeDirectories[0] : typeof c === 'function' ? c() : c;
      this.compDirValue = { dir };
    }
    return this.compDirValue.dir;
  }

  /**
   * The rows of the program, in program order, each a fresh object. The
   * iterator throws ParseError (naming `.debug_line` and the offset) on a
   * truncated or invalid opcode, after yielding every row before it.
   */
  *rows(): Generator<LineRow, void, undefined> {
    const c = this.cursor();
    while (c.next()) yield c.row();
  }

  /**
   * A cursor over the rows: `next()` runs the state machine to the next row
   * and leaves its registers in the cursor's fields, allocating nothing
   * (for hot loops such as `elfkit lines`). Files added by
   * DW_LNE_define_file are registered as the cursor passes them.
   */
  cursor(): LineCursor {
    this.defined = [];
    return new LineCursor(this.header, this.bytes, this.order, this.sectionName, (e) => this.defined.push(e));
  }
}

const MASK64 = 0xffff_ffff_ffff_ffffn;

/**
 * The line-number state machine (DWARF 5 §6.2.2) over one program. Its
 * public fields are the registers of the current row after `next()`
 * returned true. The address lives in `address` (a number) while it is
 * below 2^53 and in `bigAddress` past that (tombstones such as
 * 0xffff…fffe), so the common case does no bigint arithmetic.
 */
export class LineCursor {
  /** The address when it fits a number exactly; -1 when `bigAddress` holds it. */
  address = 0;
  /** The address when it does not fit a number (else undefined). */
  bigAddress: bigint | undefined;
  opIndex = 0;
  file = 1;
  line = 1;
  column = 0;
  isStmt: boolean;
  basicBlock = false;
  endSequence = false;
  prologueEnd = false;
  epilogueBegin = false;
  isa = 0;
  discriminator = 0;

  private readonly r: Reader;
  private readonly b: Uint8Array;
  private readonly end: number;
  private readonly opcodeBase: number;
  private readonly lineRange: number;
  private readonly minInst: number;
  private readonly maxOps: number;
  private readonly lengths: readonly number[];
  private readonly std: boolean[];
  private readonly defaultIsStmt: boolean;
  private readonly version: number;
  /**
   * Per opcode value: the address and line advance of each special opcode,
   * computed once (the address advance is -1 where op_index makes it
   * depend on the state, for VLIW targets).
   */
  private readonly specialAddress = new Float64Array(256);
  private readonly specialLine = new Int32Array(256);
  /** The row just emitted resets some registers before the next opcode runs. */
  private pendingReset = false;
  private afterEnd = false;

  constructor(
    h: LineProgramHeader,
    bytes: Uint8Array,
    order: ByteOrder,
    sectionName: string,
    private readonly onDefineFile: (e: FileEntry) => void,
  ) {
    this.r = new Reader(bytes.subarray(0, h.end), { order, section: sectionName });
    this.r.pos = h.programOffset;
    this.b = this.r.bytes;
    this.end = h.end;
    this.opcodeBase = h.opcodeBase;
    this.lineRange = h.lineRange;
    this.minInst = h.minInstLength;
    this.maxOps = h.maxOpsPerInst || 1;
    this.lengths = h.standardOpcodeLengths;
    this.std = standardOpcodesUsable(h.standardOpcodeLengths);
    this.defaultIsStmt = h.defaultIsStmt;
    this.isStmt = h.defaultIsStmt;
    this.version = h.version;
    for (let op = h.opcodeBase; op < 256; op++) {
      const adjusted = op - h.opcodeBase;
      const range = h.lineRange;
      this.specialAddress[op] = range === 0 || this.maxOps !== 1 ? -1 : this.minInst * Math.floor(adjusted / range);
      this.specialLine[op] = range === 0 ? 0 : h.lineBase + (adjusted % range);
    }
  }

  /** The current row as a fresh object. */
  row(): LineRow {
    return {
      address: this.bigAddress ?? BigInt(this.address),
      opIndex: this.opIndex,
      file: this.file,
      line: this.line,
      column: this.column,
      isStmt: this.isStmt,
      basicBlock: this.basicBlock,
      endSequence: this.endSequence,
      prologueEnd: this.prologueEnd,
      epilogueBegin: this.epilogueBegin,
      isa: this.isa,
      discriminator: this.discriminator,
    };
  }

  /** The current row's address as a bigint. */
  get addressBig(): bigint {
    return this.bigAddress ?? BigInt(this.address);
  }

  private advance(operationAdvance: number): void {
    let delta: number;
    if (this.maxOps === 1) delta = this.minInst * operationAdvance;
    else {
      const total = this.opIndex + operationAdvance;
      delta = this.minInst * Math.floor(total / this.maxOps);
      this.opIndex = total % this.maxOps;
    }
    this.addDelta(delta);
  }

  private addDelta(delta: number): void {
    if (this.bigAddress !== undefined) this.bigAddress = (this.bigAddress + BigInt(delta)) & MASK64;
    else if (this.address + delta > MAX_SAFE) {
      this.bigAddress = (BigInt(this.address) + BigInt(delta)) & MASK64;
      this.address = -1;
    } else this.address += delta;
  }

  /**
   * Runs opcodes up to the next row; false at the end of the program.
   * Throws ParseError on a truncated or invalid opcode.
   */
  next(): boolean {
    if (this.pendingReset) {
      this.pendingReset = false;
      if (this.afterEnd) {
        // DW_LNE_end_sequence: every register back to its initial value.
        this.afterEnd = false;
        this.address = 0;
        this.bigAddress = undefined;
        this.opIndex = 0;
        this.file = 1;
        this.line = 1;
        this.column = 0;
        this.isStmt = this.defaultIsStmt;
        this.endSequence = false;
        this.isa = 0;
      }
      this.discriminator = 0;
      this.basicBlock = false;
      this.prologueEnd = false;
      this.epilogueBegin = false;
    }
    const r = this.r;
    const b = this.b;
    const end = this.end;
    const opcodeBase = this.opcodeBase;
    while (r.pos < end) {
      const opAt = r.pos;
      const op = b[r.pos++]!;
      if (op >= opcodeBase) {
        const delta = this.specialAddress[op]!;
        if (delta >= 0 && this.bigAddress === undefined && this.address + delta <= MAX_SAFE) this.address += delta;
        else {
          // VLIW op_index, a 2^53 crossing, or line_range 0: the general path.
          const lineRange = this.lineRange;
          if (lineRange === 0) throw r.error('invalid', 'special opcode with line_range 0', opAt);
          this.advance(Math.floor((op - opcodeBase) / lineRange));
        }
        this.line = (this.line + this.specialLine[op]!) >>> 0;
        this.pendingReset = true;
        return true;
      }
      if (op === 0) {
        const len = r.uleb();
        const extStart = r.pos;
        if (len === 0) continue;
        if (len > end - extStart) throw r.error('truncated', `extended opcode length ${len} runs past the end of the program`, opAt);
        const sub = r.u8();
        let row = false;
        switch (sub) {
          case C.DW_LNE_end_sequence:
            this.endSequence = true;
            this.pendingReset = true;
            this.afterEnd = true;
            row = true;
            break;
          case C.DW_LNE_set_address: {
            const size = len - 1;
            if (size === 1 || size === 2 || size === 4 || size === 8) {
              if (size === 8) {
                const a = r.u32();
                const b2 = r.u32();
                const lo = r.littleEndian ? a : b2;
                const hi = r.littleEndian ? b2 : a;
                if (hi <= 0x1fffff) {
                  this.address = hi * 0x100000000 + lo;
                  this.bigAddress = undefined;
                } else {
                  this.bigAddress = (BigInt(hi) << 32n) | BigInt(lo);
                  this.address = -1;
                }
              } else {
                this.address = r.uint(size);
                this.bigAddress = undefined;
              }
              this.opIndex = 0;
            }
            break;
          }
          case C.DW_LNE_define_file:
            if (this.version <= 4) {
              const path = r.cstr();
              const dirIndex = r.uleb();
              const mtime = r.uleb();
              const size = r.uleb();
              this.onDefineFile({ path, dirIndex, mtime, size });
            }
            break;
          case C.DW_LNE_set_discriminator:
            this.discriminator = r.uleb();
            break;
          default:
            break;
        }
        // Resynchronize on the declared length: skips unknown opcodes and
        // tolerates operands shorter or longer than expected.
        r.pos = extStart + len;
        if (row) return true;
        continue;
      }
      if (!this.std[op]) {
        // An opcode this reader does not know (or a standard one declared
        // with unusual operands): skip its declared ULEB128 operands.
        const n = this.lengths[op - 1] ?? 0;
        for (let i = 0; i < n; i++) r.skipLeb();
        continue;
      }
      switch (op) {
        case C.DW_LNS_copy:
          this.pendingReset = true;
          return true;
        case C.DW_LNS_advance_pc: {
          const p = r.pos;
          let n: number;
          try {
            n = r.uleb();
          } catch (e) {
            if (!(e instanceof ParseError) || e.code !== 'too-large') throw e;
            r.pos = p;
            const v = r.ulebBig();
            // A huge advance wraps the address; do it in bigint.
            this.bigAddress = (this.addressBig + BigInt(this.minInst) * v) & MASK64;
            this.address = -1;
            break;
          }
          this.advance(n);
          break;
        }
        case C.DW_LNS_advance_line:
          this.line = (this.line + r.sleb()) >>> 0;
          break;
        case C.DW_LNS_set_file:
          this.file = r.uleb();
          break;
        case C.DW_LNS_set_column:
          this.column = r.uleb();
          break;
        case C.DW_LNS_negate_stmt:
          this.isStmt = !this.isStmt;
          break;
        case C.DW_LNS_set_basic_block:
          this.basicBlock = true;
          break;
        case C.DW_LNS_const_add_pc:
          if (this.lineRange === 0) throw r.error('invalid', 'DW_LNS_const_add_pc with line_range 0', opAt);
          this.advance(Math.floor((255 - opcodeBase) / this.lineRange));
          break;
        case C.DW_LNS_fixed_advance_pc:
          this.addDelta(r.u16());
          this.opIndex = 0;
          break;
        case C.DW_LNS_set_prologue_end:
          this.prologueEnd = true;
          break;
        case C.DW_LNS_set_epilogue_begin:
          this.epilogueBegin = true;
          break;
        case C.DW_LNS_set_isa:
          this.isa = r.uleb();
          break;
      }
    }
    return false;
  }
}

/**
 * Which standard opcodes 1–12 can be executed with their standard meaning:
 * those below opcode_base whose declared operand count is the standard
 * one. Others are skipped by their declared lengths (gimli does the same).
 */
function standardOpcodesUsable(lengths: readonly number[]): boolean[] {
  const standard = [0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
  const ok: boolean[] = new Array(13).fill(false);
  for (let op = 1; op <= 12; op++) ok[op] = op - 1 < lengths.length && (lengths[op - 1] === standard[op] || op === C.DW_LNS_fixed_advance_pc);
  return ok;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Minimum encoded size of one value of `form` (LEB128 and strings take at least one byte). */
function minFormSize(form: number, enc: Encoding): number {
  const f = fixedFormSize(form, enc);
  return f >= 0 ? f : 1;
}

/** Reads a line program header (DWARF 2–5) at `offset`. */
export function readLineHeader(bytes: Uint8Array, order: ByteOrder, sectionName: string, offset: number, ctx: LineProgramContext): LineProgramHeader {
  const r = new Reader(bytes, { order, section: sectionName });
  if (!(offset >= 0 && offset < bytes.length)) throw r.error('out-of-range', `line program offset 0x${offset.toString(16)} is outside ${sectionName} (0x${bytes.length.toString(16)} bytes)`, 0);
  r.pos = offset;
  const il = readInitialLength(r, 'line program');
  const end = r.pos + il.length;
  if (end > bytes.length) throw r.error('truncated', `line program length 0x${il.length.toString(16)} runs past the end of ${sectionName}`, offset);
  const version = r.u16();
  if (version < 2 || version > 5) throw r.error('unsupported', `line table version ${version}`, r.pos - 2);
  let addressSize = ctx.addressSize ?? 8;
  let segmentSelectorSize = 0;
  if (version >= 5) {
    addressSize = r.u8();
    segmentSelectorSize = r.u8();
    if (!validAddressSize(addressSize)) throw r.error('unsupported', `line table address size ${addressSize}`, r.pos - 2);
  }
  const headerLength = readOffset(r, il.offsetSize, 'header length');
  const programOffset = r.pos + headerLength;
  if (programOffset > end) throw r.error('truncated', `header_length 0x${headerLength.toString(16)} runs past the end of the program`, r.pos - il.offsetSize);
  // The rest of the header must fit before the first opcode.
  const hr = new Reader(bytes.subarray(0, programOffset), { order, section: sectionName, addressSize });
  hr.pos = r.pos;
  const minInstLength = hr.u8();
  const maxOpsPerInst = version >= 4 ? hr.u8() : 1;
  const defaultIsStmt = hr.u8() !== 0;
  const lineBase = hr.i8();
  const lineRange = hr.u8();
  const opcodeBase = hr.u8();
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(hr.u8());
  const includeDirectories: string[] = [];
  const fileNames: FileEntry[] = [];
  const directoryEntryFormat: EntryFormat[] = [];
  const fileNameEntryFormat: EntryFormat[] = [];
  if (version <= 4) {
    for (;;) {
      const s = hr.cstr();
      if (s === '') break;
      includeDirectories.push(s);
    }
    for (;;) {
      const start = hr.pos;
      hr.skipCstr();
      const end = hr.pos - 1;
      if (end === start) break;
      const dirIndex = hr.uleb();
      const mtime = hr.uleb();
      const size = hr.uleb();
      fileNames.push(new StoredFileEntry(hr.bytes, start, end, dirIndex, mtime, size));
    }
  } else {
    const enc: Encoding = { offsetSize: il.offsetSize, version, addressSize };
    const readFormats = (into: EntryFormat[]) => {
      const n = hr.u8();
      for (let i = 0; i < n; i++) into.push({ type: hr.uleb(), form: hr.uleb() });
    };
    const readEntries = (formats: EntryFormat[], what: string): FileEntry[] => {
      const at = hr.pos;
      const count = hr.uleb();
      if (count === 0) return [];
      if (!formats.some((f) => f.type === C.DW_LNCT_path)) throw hr.error('invalid', `${what} entry format has no DW_LNCT_path`, at);
      const min = formats.reduce((s, f) => s + minFormSize(f.form, enc), 0);
      if (min === 0 || count > hr.remaining / min) throw hr.error('too-large', `${count} ${what} entries cannot fit in the header`, at);
      const out: FileEntry[] = [];
      for (let i = 0; i < count; i++) {
        let path = '';
        let dirIndex = 0;
        let mtime: number | bigint = 0;
        let size: number | bigint = 0;
        let md5: Uint8Array | undefined;
        let source: string | undefined;
        for (const f of formats) {
          const vAt = hr.pos;
          const v = readFormValue(hr, f.form, enc);
          switch (f.type) {
            case C.DW_LNCT_path:
              path = entryString(f.form, v, ctx, hr, vAt);
              break;
            case C.DW_LNCT_directory_index:
              if (typeof v !== 'number') throw hr.error('invalid', `directory index in form 0x${f.form.toString(16)}`, vAt);
              dirIndex = v;
              break;
            case C.DW_LNCT_timestamp:
              mtime = typeof v === 'number' || typeof v === 'bigint' ? v : 0;
              break;
            case C.DW_LNCT_size:
              size = typeof v === 'number' || typeof v === 'bigint' ? v : 0;
              break;
            case C.DW_LNCT_MD5:
              if (v instanceof Uint8Array) md5 = v;
              break;
            case C.DW_LNCT_LLVM_source:
              source = entryString(f.form, v, ctx, hr, vAt);
              break;
            default:
              break; // unknown content types are skipped by their form
          }
        }
        out.push(md5 || source !== undefined ? { path, dirIndex, mtime, size, md5, source } : { path, dirIndex, mtime, size });
      }
      return out;
    };
    readFormats(directoryEntryFormat);
    for (const d of readEntries(directoryEntryFormat, 'directory')) includeDirectories.push(d.path);
    readFormats(fileNameEntryFormat);
    fileNames.push(...readEntries(fileNameEntryFormat, 'file name'));
  }
  return {
    offset,
    unitLength: il.length,
    offsetSize: il.offsetSize,
    version,
    addressSize,
    segmentSelectorSize,
    headerLength,
    minInstLength,
    maxOpsPerInst,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardOpcodeLengths,
    directoryEntryFormat,
    includeDirectories,
    fileNameEntryFormat,
    fileNames,
    programOffset,
    end,
  };
}

function entryString(form: number, v: AttrValue, ctx: LineProgramContext, r: Reader, at: number): string {
  if (typeof v === 'string') return v;
  try {
    return ctx.strings(form, v);
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw r.error('invalid', `cannot resolve string in form 0x${form.toString(16)}`, at);
  }
}
