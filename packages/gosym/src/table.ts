import { ParseError } from '@elfkit/binary';
import { parsePclnHeader, type PclnHeader } from './header.js';
import { PcValueStream } from './pcvalue.js';
import { GoFunc } from './func.js';
import { inlineFrames, type GoFrame } from './inline.js';

/** One secondary text section (`moduledata.textsectmap`), for binaries with more than one. */
export interface TextSection {
  /** Offset of the section from the text start as the linker laid it out. */
  readonly vaddr: bigint;
  /** End of that range. */
  readonly end: bigint;
  /** Where the section actually is. */
  readonly baseaddr: bigint;
}

/** How to read a pclntab: everything the table itself does not record. */
export interface PcLnTableOptions {
  /**
   * Address of `runtime.text`, the base of the 32-bit entry offsets of the
   * 1.18+ formats. Defaults to the header's text start word (which is 0 in
   * Go 1.26 and later, and may be unrelocated in PIE).
   */
  textStart?: bigint;
  /** Virtual address of the pclntab (funcdata alignment, inline trees stored inside it). */
  address?: bigint;
  /** `moduledata.gofunc` (`go:func.*`): base of the 1.18+ funcdata offsets (inline trees). */
  gofunc?: bigint;
  /** Reads target memory outside the pclntab (inline trees of Go ≤ 1.25). */
  read?: (address: bigint, size: number) => Uint8Array | undefined;
  /** `moduledata.textsectmap` when the binary has several text sections. */
  textSections?: readonly TextSection[];
  /** Name used in errors (default `.gopclntab`). */
  section?: string;
}

/** A source position for a PC, as `go tool addr2line` reports it. */
export interface SourceLine {
  readonly func: GoFunc;
  /** File name; undefined when the pcfile table does not cover the PC or the file was dropped. */
  readonly file: string | undefined;
  /** Line; undefined when the pcln table does not cover the PC. */
  readonly line: number | undefined;
}

/** A half-open PC range `[start, end)` of one function. */
export interface PcRange {
  readonly func: GoFunc;
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Called by {@link PcLnTable.walkLines} for every row of the PC-to-line map:
 * `pc` is where the row starts, `end` marks the first PC past a function's
 * tables (file and line are those of the last row then).
 */
export type LineVisitor = (pc: number, file: string, line: number, end: boolean, func: number) => void;

const NO_CU = 0xffffffff;
// TextDecoder is a global in browsers, Node and Deno (the package has no DOM or Node typings).
const utf8 = new (globalThis as unknown as { TextDecoder: new (label: string) => { decode(b: Uint8Array): string } }).TextDecoder('utf-8');
const MAX_SAFE_TEXT = Number.MAX_SAFE_INTEGER - 0x2_0000_0000;

/**
 * A Go pclntab: the function table, names, files and pcvalue tables of
 * every format since Go 1.2 (`0xfffffffb`, `…fa`, `…f0`, `…f1`), in either
 * byte order, with 4- or 8-byte pointers and PC quantum 1, 2 or 4.
 *
 * Parsing reads only the header; functions, names, files and pcvalue
 * streams are decoded on demand straight from the bytes, and names and
 * file names are cached once read. Corrupt data throws {@link ParseError}
 * with the offset inside the table.
 *
 * PCs are numbers internally (every Go text address fits in 2^53); the
 * public API takes and returns bigints, and {@link walkLines} hands numbers
 * to its visitor for speed.
 */
export class PcLnTable {
  readonly header: PclnHeader;
  readonly data: Uint8Array;
  /** Name of the section in errors. */
  readonly section: string;
  /** The text start used for 1.18+ entry offsets (0 when unknown: PCs are then offsets). */
  readonly textStart: bigint;
  /** Where the pclntab is in memory, when known. */
  readonly address: bigint | undefined;
  /** `moduledata.gofunc`, when known. */
  readonly gofunc: bigint | undefined;
  /** `moduledata.textsectmap` when there are several text sections. */
  readonly textSections: readonly TextSection[] | undefined;

  /** @internal */ readonly view: DataView;
  /** @internal */ readonly le: boolean;
  /** @internal */ readonly text: number;
  /** @internal */ readonly stream: PcValueStream;
  /** @internal */ readonly reader: ((address: bigint, size: number) => Uint8Array | undefined) | undefined;
  /** @internal Size of the fixed part of a `_func` record. */
  readonly recordSize: number;
  /** @internal Offset inside a record of 32-bit field `n` (1 nameOff … 9 startLine) less `4 * n`: the field is at `fieldBase + 4 * n`. */
  readonly fieldBase: number;
  /** @internal Offsets inside a record of pcfile, pcln and cuOffset. */
  private readonly pcfileField: number;
  private readonly pclnField: number;
  private readonly cuField: number;
  private readonly names = new Map<number, string>();
  private readonly fileNames = new Map<number, string>();
  /** File names by CU table index (1.16+), filled as functions ask for them. */
  private cuFiles: (string | null | undefined)[] | undefined;
  private readonly funcCache = new Map<number, GoFunc>();
  private fileList: string[] | undefined;

  private constructor(data: Uint8Array, header: PclnHeader, options: PcLnTableOptions) {
    this.data = data;
    this.header = header;
    this.section = options.section ?? '.gopclntab';
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.le = header.order === 'little';
    this.address = options.address;
    this.gofunc = options.gofunc;
    this.reader = options.read;
    this.textSections = options.textSections && options.textSections.length > 1 ? options.textSections : undefined;
    const text = header.format === '1.18' || header.format === '1.20' ? (options.textStart ?? header.textStart ?? 0n) : 0n;
    if (text < 0n || text > BigInt(MAX_SAFE_TEXT)) throw new ParseError('unsupported', `text start 0x${text.toString(16)} is beyond 2^53`, this.section, 0);
    this.textStart = text;
    this.text = Number(text);
    this.stream = new PcValueStream(data, header.quantum, this.section);
    this.recordSize = GoFunc.fixedSize(header);
    this.fieldBase = GoFunc.fieldOffset(header, 1) - 4;
    this.pcfileField = GoFunc.fieldOffset(header, 5);
    this.pclnField = GoFunc.fieldOffset(header, 6);
    this.cuField = GoFunc.fieldOffset(header, 8);
  }

  /** Reads the header of `data` (a whole pclntab) and checks its table offsets. */
  static parse(data: Uint8Array, options: PcLnTableOptions = {}): PcLnTable {
    return new PcLnTable(data, parsePclnHeader(data, options.section ?? '.gopclntab'), options);
  }

  /** Number of functions. */
  get funcCount(): number {
    return this.header.nfunc;
  }

  /** The header's layout (`1.2`, `1.16`, `1.18`, `1.20`). */
  get format(): PclnHeader['format'] {
    return this.header.format;
  }

  /** @internal An error at `at` inside the table. */
  error(code: ParseError['code'], reason: string, at: number): ParseError {
    // A wild reference is reported inside the table (its end at most); the
    // reason carries the offset it pointed to.
    return new ParseError(code, reason, this.section, Math.max(0, Math.min(at, this.data.length)));
  }

  /** @internal A pointer-sized or 32-bit unsigned field as a number. */
  field(at: number, size: number): number {
    if (at < 0 || at + size > this.data.length) throw this.error('truncated', `field at 0x${at.toString(16)} is past the end of the pclntab`, at);
    if (size === 4) return this.view.getUint32(at, this.le);
    const lo = this.view.getUint32(at + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(at + (this.le ? 4 : 0), this.le);
    if (hi > 0x1fffff) throw this.error('too-large', `64-bit field at 0x${at.toString(16)} is beyond 2^53`, at);
    return hi * 0x1_0000_0000 + lo;
  }

  /** @internal u32 at `at` (bounds-checked). */
  u32(at: number): number {
    if (at < 0 || at + 4 > this.data.length) throw this.error('truncated', `u32 at 0x${at.toString(16)} is past the end of the pclntab`, at);
    return this.view.getUint32(at, this.le);
  }

  /** @internal Maps a 1.18+ text offset to an address (textsectmap aware). */
  textAddr(off: number): number {
    const ts = this.textSections;
    if (ts) {
      const o = BigInt(off);
      for (let i = 0; i < ts.length; i++) {
        const s = ts[i]!;
        if ((o >= s.vaddr && o < s.end) || (i === ts.length - 1 && o === s.end)) return Number(s.baseaddr + o - s.vaddr);
      }
    }
    return this.text + off;
  }

  /** Entry PC of function `i` (`i === funcCount` gives the end of the last function), as a number. */
  entryOf(i: number): number {
    const h = this.header;
    if (!(i >= 0 && i <= h.nfunc)) throw this.error('out-of-range', `function index ${i} outside 0..${h.nfunc}`, h.functab);
    const at = h.functab + 2 * i * h.functabFieldSize;
    if (h.functabFieldSize === 4) {
      const off = this.view.getUint32(at, this.le);
      return h.format === '1.16' ? off : this.textSections ? this.textAddr(off) : this.text + off;
    }
    return this.field(at, 8);
  }

  /** @internal Byte offset of function `i`'s `_func` record. */
  recordOffset(i: number): number {
    const h = this.header;
    const at = h.functab + (2 * i + 1) * h.functabFieldSize;
    const off = h.funcdataBase + (h.functabFieldSize === 4 ? this.view.getUint32(at, this.le) : this.field(at, 8));
    if (off + this.recordSize > this.data.length) {
      throw this.error('out-of-range', `_func record of function ${i} at 0x${off.toString(16)} is past the end of the pclntab`, at);
    }
    return off;
  }

  /** Function `i` (0-based, in PC order). Throws a ParseError when its record lies outside the table. */
  func(i: number): GoFunc {
    let f = this.funcCache.get(i);
    if (!f) {
      if (!(i >= 0 && i < this.header.nfunc)) throw this.error('out-of-range', `function index ${i} outside 0..${this.header.nfunc - 1}`, this.header.functab);
      f = new GoFunc(this, i, this.recordOffset(i));
      if (this.funcCache.size > 4096) this.funcCache.clear();
      this.funcCache.set(i, f);
    }
    return f;
  }

  /**
   * Every function in PC order. With `errors`, a function whose record,
   * name, entry or end is damaged is skipped and its ParseError collected,
   * so the rest still come out; without it, the first error is thrown.
   * (Its pcvalue tables and file are read when asked for, and can still
   * throw.)
   */
  *funcs(errors?: ParseError[]): Generator<GoFunc> {
    for (let i = 0; i < this.header.nfunc; i++) {
      let f: GoFunc;
      try {
        f = new GoFunc(this, i, this.recordOffset(i));
        void f.name;
        // A pointer-sized entry past 2^53 cannot be read: a function without an entry or an end is not listed.
        this.entryOf(i);
        this.entryOf(i + 1);
      } catch (e) {
        if (errors && e instanceof ParseError) {
          errors.push(e);
          continue;
        }
        throw e;
      }
      yield f;
    }
  }

  /**
   * Index of the function whose range `[entry, next entry)` contains `pc`,
   * or -1 (binary search over the function table, as debug/gosym).
   */
  funcIndexAt(pc: number): number {
    const h = this.header;
    const n = h.nfunc;
    if (n === 0 || pc < this.entryOf(0) || pc >= this.entryOf(n)) return -1;
    if (h.functabFieldSize === 4 && !this.textSections) {
      // Entries are 32-bit offsets from one base: search the table's words
      // themselves (a traceback asks thousands of PCs; a call to entryOf per
      // probe cost more than the search around it).
      const view = this.view;
      const le = this.le;
      const target = pc - (h.format === '1.16' ? 0 : this.text);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (view.getUint32(h.functab + 8 * mid, le) > target) hi = mid;
        else lo = mid + 1;
      }
      return lo - 1;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entryOf(mid) > pc) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  /** The function containing `pc` (its range ends at the next function's entry), or undefined. */
  funcAt(pc: bigint): GoFunc | undefined {
    const i = this.funcIndexAt(toPc(pc));
    return i < 0 ? undefined : this.func(i);
  }

  /** Name of function `i`, without creating a {@link GoFunc} (for walks over every function). */
  funcName(i: number): string {
    return this.readName(this.u32(this.recordOffset(i) + GoFunc.fieldOffset(this.header, 1)));
  }

  /** @internal Name at a function name table offset (cached: inline trees name the same callees again and again). */
  nameAt(off: number): string {
    return this.names.get(off) ?? this.cstring(off, this.header.funcnametab, 'function name', this.names);
  }

  /** @internal Name at a function name table offset, not cached (each function reads its own once). */
  readName(off: number): string {
    return this.cstring(off, this.header.funcnametab, 'function name');
  }

  /** @internal Name at a file name table offset (1.16+) or pclntab offset (1.2), cached. */
  fileAt(off: number): string {
    const h = this.header;
    return this.fileNames.get(off) ?? this.cstring(off, h.format === '1.2' ? [0, this.data.length] : h.filetab, 'file name', this.fileNames);
  }

  /** A NUL-terminated string at `off` inside the table `[start, end)`, stored in `cache`. */
  private cstring(off: number, [start, end]: readonly [number, number], what: string, cache?: Map<number, string>): string {
    const at = start + off;
    if (!(off >= 0 && at < end)) throw this.error('out-of-range', `${what} offset 0x${off.toString(16)} is outside its table`, start);
    // A native NUL search and one TextDecoder call: faster, on a hundred
    // thousand names, than any byte loop in JavaScript.
    const d = this.data;
    const i = d.indexOf(0, at);
    if (i < 0 || i >= end) throw this.error('truncated', `unterminated ${what}`, at);
    const s = utf8.decode(d.subarray(at, i));
    cache?.set(off, s);
    return s;
  }

  /**
   * @internal The file name offset for file number `k` of a function with
   * CU offset `cu` (1.16+) — or of the global table (1.2); -1 when there is
   * no file (k < 0, no CU, or a file the linker dropped).
   */
  fileOffset(cu: number, k: number): number {
    const h = this.header;
    if (h.format === '1.2') {
      if (k <= 0 || k >= h.nfiles) return -1;
      return this.u32(h.filetab[0] + 4 * k);
    }
    if (k < 0 || cu === NO_CU) return -1;
    const at = h.cutab[0] + (cu + k) * 4;
    if (at + 4 > h.cutab[1]) throw this.error('out-of-range', `file number ${k} of CU 0x${cu.toString(16)} is outside the CU table`, at);
    const off = this.view.getUint32(at, this.le);
    return off === NO_CU ? -1 : off;
  }

  /** @internal The file name for file number `k` of CU `cu`, or undefined. */
  fileName(cu: number, k: number): string | undefined {
    const h = this.header;
    if (h.format !== '1.2' && k >= 0 && cu !== NO_CU) {
      // One slot per CU table entry: bounded by the input, and an array
      // index is far cheaper than a map lookup on the hot row walk.
      const idx = cu + k;
      const files = (this.cuFiles ??= new Array((h.cutab[1] - h.cutab[0]) >>> 2));
      if (idx < files.length) {
        let f = files[idx];
        if (f === undefined) {
          const off = this.fileOffset(cu, k);
          f = files[idx] = off < 0 ? null : this.fileAt(off);
        }
        return f ?? undefined;
      }
    }
    const off = this.fileOffset(cu, k);
    return off < 0 ? undefined : this.fileAt(off);
  }

  /**
   * Every file name of the table, in table order (as debug/gosym's file
   * map). With `errors`, a name that cannot be read is skipped and its
   * ParseError collected (the list ends where the table does), so the rest
   * still come out; without it, the first error is thrown.
   */
  files(errors?: ParseError[]): string[] {
    if (this.fileList) return this.fileList;
    const h = this.header;
    const out: string[] = [];
    let damaged = false;
    // A name past the end of its table ends the list: the names after it are past the end too.
    const step = (read: () => void): boolean => {
      try {
        read();
        return true;
      } catch (e) {
        if (!errors || !(e instanceof ParseError)) throw e;
        errors.push(e);
        damaged = true;
        return e.code !== 'truncated';
      }
    };
    if (h.format === '1.2') {
      for (let k = 1; k < h.nfiles; k++) if (!step(() => out.push(this.fileAt(this.u32(h.filetab[0] + 4 * k))))) break;
    } else {
      let pos = 0;
      const len = h.filetab[1] - h.filetab[0];
      for (let k = 0; k < h.nfiles && pos < len; k++) {
        if (!step(() => out.push(this.fileAt(pos)))) break;
        const nul = this.data.indexOf(0, h.filetab[0] + pos);
        pos = nul - h.filetab[0] + 1;
      }
    }
    // A list with gaps is not kept: a later call reports the same damage.
    if (!damaged) this.fileList = out;
    return out;
  }

  /**
   * Function, file and line of `pc`, with debug/gosym's semantics (what
   * `go tool addr2line` prints): the function is found by entry ranges,
   * file and line come from its pcfile/pcln tables. Undefined when no
   * function contains `pc`.
   */
  lookup(pc: bigint): SourceLine | undefined {
    const p = toPc(pc);
    const i = this.funcIndexAt(p);
    if (i < 0) return undefined;
    const f = this.func(i);
    return { func: f, file: f.fileAtPc(p), line: f.lineAtPc(p) };
  }

  /**
   * The frames at `pc`, innermost first, as `runtime.CallersFrames` reports
   * them for a call PC: inlined calls through the inline tree, then the
   * function that contains them. Empty when no function contains `pc`.
   */
  frames(pc: bigint): GoFrame[] {
    const p = toPc(pc);
    const i = this.funcIndexAt(p);
    return i < 0 ? [] : inlineFrames(this.func(i), p);
  }

  /**
   * Every PC range whose file is `file` and line is `line` (debug/gosym's
   * LineToPC returns the first of them), merged per function.
   */
  lineToPCs(file: string, line: number): PcRange[] {
    const out: PcRange[] = [];
    let open: { func: number; start: number; end: number } | undefined;
    const flush = () => {
      if (open) out.push({ func: this.func(open.func), start: BigInt(open.start), end: BigInt(open.end) });
      open = undefined;
    };
    let prevPc = 0;
    let prevMatch = false;
    let prevFunc = -1;
    this.walkLines((pc, f, l, end, fi) => {
      if (prevMatch && fi === prevFunc) {
        if (open && open.func === fi && open.end === prevPc) open.end = pc;
        else {
          flush();
          open = { func: fi, start: prevPc, end: pc };
        }
      }
      prevMatch = !end && f === file && l === line;
      prevPc = pc;
      prevFunc = fi;
    });
    flush();
    return out;
  }

  /**
   * Walks the PC-to-line map of every function in PC order (or of functions
   * `from` to `to`), calling `visit` at each PC where the file or line
   * changes and once at the end of each function's tables. pcfile and pcln
   * are decoded together, straight from the bytes, with no allocation per
   * row. With `errors`, a function whose tables or entry are damaged, or
   * that `filter` throws on, is skipped (its error collected) and the walk
   * goes on.
   */
  walkLines(visit: LineVisitor, options: { errors?: ParseError[]; from?: number; to?: number; filter?: (func: number) => boolean } = {}): void {
    const h = this.header;
    const fs = new PcValueStream(this.data, h.quantum, this.section);
    const ls = new PcValueStream(this.data, h.quantum, this.section);
    const to = Math.min(options.to ?? h.nfunc, h.nfunc);
    const errors = options.errors;
    // An entry that cannot be read (a pointer-sized one past 2^53) is -1: the functions it starts and ends are stepped over.
    const entryAt = (i: number): number => {
      try {
        return this.entryOf(i);
      } catch (e) {
        if (errors && e instanceof ParseError) {
          errors.push(e);
          return -1;
        }
        throw e;
      }
    };
    let next = to > 0 ? entryAt(Math.max(0, options.from ?? 0)) : 0;
    for (let i = Math.max(0, options.from ?? 0); i < to; i++) {
      const entry = next;
      next = entryAt(i + 1);
      try {
        if (options.filter && !options.filter(i)) continue;
        if (entry < 0 || next < 0) continue;
        this.walkFunctionLines(i, entry, next, fs, ls, visit);
      } catch (e) {
        if (options.errors && e instanceof ParseError) {
          options.errors.push(e);
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * {@link walkLines} for function `i` (entered at `entry`, its successor at
   * `next`) with the two cursors `fs` and `ls`. A method of its own, small,
   * rather than the body of the walk's loop: V8 optimizes it as a whole
   * function a few hundred functions into a walk, where the loop of the
   * walk it was part of waited for an on-stack replacement compile of the
   * whole walk, which took longer (`elfkit go lines` on a 1.3 MB binary ran
   * half its rows in baseline code before it).
   */
  private walkFunctionLines(i: number, entry: number, next: number, fs: PcValueStream, ls: PcValueStream, visit: LineVisitor): void {
    const rec = this.recordOffset(i); // checks the fixed part is inside the table
    const view = this.view;
    const le = this.le;
    const pcfile = view.getUint32(rec + this.pcfileField, le);
    const pcln = view.getUint32(rec + this.pclnField, le);
    if (pcfile === 0 || pcln === 0) return;
    const cu = this.header.format !== '1.2' ? view.getUint32(rec + this.cuField, le) : 0;
    const base = this.header.pctab;
    fs.reset(base + pcfile, entry);
    ls.reset(base + pcln, entry);
    let pc = entry;
    let fileVal = -2;
    let file = '';
    let rowFile = '';
    let rowLine = 0;
    let first = true;
    // Advance each stream past `pc`; a stream that ends stops the function.
    while (fs.pc <= pc) if (!fs.next()) return;
    while (ls.pc <= pc) if (!ls.next()) return;
    for (;;) {
      if (fs.val !== fileVal) {
        fileVal = fs.val;
        file = this.fileName(cu, fileVal) ?? '';
      }
      if (first || ls.val !== rowLine || file !== rowFile) {
        visit(pc, file, ls.val, false, i);
        rowLine = ls.val;
        rowFile = file;
        first = false;
      }
      pc = fs.pc < ls.pc ? fs.pc : ls.pc;
      // Tables cover the function's code and end by its successor's entry.
      if (pc > next) throw this.error('invalid', `pcvalue tables of function ${i} run past its end (0x${next.toString(16)})`, rec);
      let done = false;
      while (fs.pc <= pc) if (!fs.next()) { done = true; break; }
      while (!done && ls.pc <= pc) if (!ls.next()) { done = true; break; }
      if (done) {
        visit(pc, rowFile, rowLine, true, i);
        return;
      }
    }
  }
}

/** A bigint PC as a number; PCs beyond 2^53 match no Go function. */
function toPc(pc: bigint): number {
  return pc >= 0n && pc <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pc) : -1;
}
