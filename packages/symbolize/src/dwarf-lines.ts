import { isAbsolutePath as isAbsolute, joinPath, type LineProgram } from '@elfkit/dwarf';
import type { Tombstones } from './tombstone.js';

/** An empty column: reads of it give undefined, taken as 0. */
const NONE = new Uint16Array(0);

type Column = Uint16Array | Uint32Array;

/**
 * Growable typed arrays the rows of one line program are decoded into.
 * One set serves every build (builds are synchronous): it grows to the
 * largest program once (up to 65,536 rows; a larger one gets its own),
 * instead of a zeroed allocation, regrowths and a trimming copy per unit.
 */
class Scratch {
  addr: Float64Array;
  file: Uint32Array;
  line: Uint32Array;
  column: Uint32Array;
  disc: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    this.addr = new Float64Array(capacity);
    this.file = new Uint32Array(capacity);
    this.line = new Uint32Array(capacity);
    this.column = new Uint32Array(capacity);
    this.disc = new Uint32Array(capacity);
  }

  push(addr: number, file: number, line: number, column: number, disc: number): void {
    if (this.length === this.addr.length) this.grow();
    const i = this.length++;
    this.addr[i] = addr;
    this.file[i] = file;
    this.line[i] = line;
    this.column[i] = column;
    this.disc[i] = disc;
  }

  /** This scratch, or a larger one when `capacity` rows would not fit (for one large program). */
  resize(capacity: number): Scratch {
    return capacity <= this.addr.length ? this : new Scratch(capacity);
  }

  private grow(): void {
    const n = this.addr.length * 2;
    const g = <T extends Float64Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.addr = g(this.addr);
    this.file = g(this.file);
    this.line = g(this.line);
    this.column = g(this.column);
    this.disc = g(this.disc);
  }
}

let scratch: Scratch | undefined;

/**
 * The rows kept for the module's life, as narrow as their values allow: the
 * address as an offset from its sequence's start (32 bits), file and column
 * in 16 bits when they fit, and no column or discriminator array when every
 * row has 0 there (Go records neither).
 */
class Rows {
  /**
   * Address minus the start of the row's sequence: 16 or 32 bits, unless a
   * row lies below its sequence's start or 4 GiB past it (DW_LNE_set_address
   * may move backwards; lookups then see the same order as the addresses).
   */
  readonly offset: Uint16Array | Uint32Array | Float64Array;
  readonly file: Column;
  readonly line: Column;
  readonly column: Column;
  readonly disc: Column;

  constructor(s: Scratch, seqs: readonly { low: number; first: number; end: number }[]) {
    const n = s.length;
    const addr = s.addr;
    let max = 0;
    let exact = true;
    for (let k = 0; k < seqs.length && exact; k++) {
      const q = seqs[k]!;
      const low = q.low;
      for (let i = q.first; i < q.end; i++) {
        const d = addr[i]! - low;
        if (!(d >= 0 && d <= 0xffffffff)) {
          exact = false;
          break;
        }
        if (d > max) max = d;
      }
    }
    const offset = !exact ? new Float64Array(n) : max > 0xffff ? new Uint32Array(n) : new Uint16Array(n);
    for (let k = 0; k < seqs.length; k++) {
      const q = seqs[k]!;
      const low = q.low;
      for (let i = q.first; i < q.end; i++) offset[i] = addr[i]! - low;
    }
    this.offset = offset;
    this.file = narrow(s.file, n, false);
    this.line = narrow(s.line, n, false);
    this.column = narrow(s.column, n);
    this.disc = narrow(s.disc, n);
  }
}

/** The first `n` values of `a` in 16 bits when they fit; NONE when all are 0 and `drop`. */
function narrow(a: Uint32Array, n: number, drop = true): Column {
  let max = 0;
  for (let i = 0; i < n; i++) if (a[i]! > max) max = a[i]!;
  if (max === 0 && drop) return NONE;
  if (max > 0xffff) return a.slice(0, n);
  const b = new Uint16Array(n);
  b.set(a.subarray(0, n));
  return b;
}

/** The arrays a {@link UnitLines} is made of (see {@link UnitLines.columns}). */
export interface LineColumns {
  readonly offset: Uint16Array | Uint32Array | Float64Array;
  readonly file: Uint16Array | Uint32Array;
  readonly line: Uint16Array | Uint32Array;
  readonly column: Uint16Array | Uint32Array;
  readonly disc: Uint16Array | Uint32Array;
  readonly seqLow: Float64Array;
  readonly seqHigh: Float64Array;
  readonly seqFirst: Uint32Array;
  readonly seqEnd: Uint32Array;
}

/** One row of a line table as a lookup returns it. */
export interface LineLocation {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly discriminator: number;
}

/**
 * The rows of one unit's line program, decoded once into typed arrays and
 * grouped in sequences, for address lookups as LLVM's
 * `LineTable::lookupAddress` makes them: the sequence is the first one (by
 * end address) that ends above the address, the row the last one at or
 * below it (never the end-of-sequence row). Sequences that start at a
 * tombstone (code the linker discarded) are dropped, as are sequences
 * with an address at or beyond 2^53, which this index cannot hold.
 */
export class UnitLines {
  readonly program: LineProgram;
  /** Sequences starting at a tombstone, dropped. */
  readonly discarded: number;
  private readonly rows: Rows;
  private readonly seqLow: Float64Array;
  private readonly seqHigh: Float64Array;
  private readonly seqFirst: Uint32Array;
  /** One past the sequence's end row. */
  private readonly seqEnd: Uint32Array;

  private constructor(program: LineProgram, rows: Rows, seqs: { low: number; high: number; first: number; end: number }[], discarded: number) {
    this.program = program;
    this.rows = rows;
    this.discarded = discarded;
    seqs.sort((a, b) => a.high - b.high);
    const n = seqs.length;
    this.seqLow = new Float64Array(n);
    this.seqHigh = new Float64Array(n);
    this.seqFirst = new Uint32Array(n);
    this.seqEnd = new Uint32Array(n);
    seqs.forEach((s, i) => {
      this.seqLow[i] = s.low;
      this.seqHigh[i] = s.high;
      this.seqFirst[i] = s.first;
      this.seqEnd[i] = s.end;
    });
  }

  /**
   * Runs `program` once. Throws the program's ParseError when its opcodes are
   * damaged (the caller keeps the failure).
   */
  static build(program: LineProgram, tombstones: Tombstones, compDir?: string): UnitLines {
    // Sized for the program: a row takes at least one byte of opcodes, ~3.3 in the Go docker CLI's units and more
    // in C; half the bytes holds them without growing and copying the columns (a quarter did not, for Go).
    const want = ((program.header.end - program.header.programOffset) >> 1) + 16;
    let rows = (scratch ??= new Scratch(Math.max(1 << 12, Math.min(1 << 16, want))));
    if (rows.addr.length < want) rows = scratch = rows.resize(want);
    rows.length = 0;
    const seqs: { low: number; high: number; first: number; end: number }[] = [];
    const c = program.cursor();
    let first = 0;
    let big = false;
    let firstBig: bigint | undefined;
    let discarded = 0;
    while (c.next()) {
      const a = c.address;
      if (a < 0) {
        big = true;
        if (rows.length === first) firstBig = c.bigAddress;
      }
      rows.push(a < 0 ? 0 : a, c.file, c.line, c.column, c.discriminator);
      if (!c.endSequence) continue;
      const low = rows.addr[first]!;
      const high = rows.addr[rows.length - 1]!;
      const tomb = tombstones.isTombstoneStart(firstBig ?? low, program.header.addressSize);
      if (tomb) discarded++;
      if (tomb || big || !(low < high) || rows.length - first < 2) rows.length = first;
      else seqs.push({ low, high, first, end: rows.length });
      first = rows.length;
      big = false;
      firstBig = undefined;
    }
    rows.length = first;
    const lines = new UnitLines(program, new Rows(rows, seqs), seqs, discarded);
    // A scratch grown for one very large program is not kept for the life of the process.
    if (rows.addr.length > 1 << 16) scratch = undefined;
    lines.unitCompDir = compDir;
    return lines;
  }

  /** The rows and sequences, for the on-disk index cache (see index-cache.ts). */
  columns(): LineColumns {
    const r = this.rows;
    return { offset: r.offset, file: r.file, line: r.line, column: r.column, disc: r.disc, seqLow: this.seqLow, seqHigh: this.seqHigh, seqFirst: this.seqFirst, seqEnd: this.seqEnd };
  }

  /**
   * Rows from {@link UnitLines.columns} (views into a cache file) with the resolved
   * path of every file index a lookup can ask for (`paths[i]`; none beyond).
   * There is no line program behind them: `program` is undefined.
   */
  static fromColumns(c: LineColumns, paths: readonly (string | undefined)[], compDir: string | undefined, discarded: number): UnitLines {
    const l = Object.create(UnitLines.prototype) as UnitLines;
    const rows = { offset: c.offset, file: c.file, line: c.line, column: c.column, disc: c.disc };
    Object.assign(l, { program: undefined, discarded, rows, seqLow: c.seqLow, seqHigh: c.seqHigh, seqFirst: c.seqFirst, seqEnd: c.seqEnd, unitCompDir: compDir, paths: paths.map((p) => p ?? null) });
    return l;
  }

  /** The largest file index any row names (-1 without rows). */
  maxFileIndex(): number {
    const f = this.rows.file;
    let max = -1;
    for (let i = 0; i < f.length; i++) if (f[i]! > max) max = f[i]!;
    return max;
  }

  /** Index of the row for `address`, or -1. */
  rowAt(address: number): number {
    const highs = this.seqHigh;
    let lo = 0;
    let hi = highs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (highs[mid]! <= address) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= highs.length || address < this.seqLow[lo]!) return -1;
    const offset = this.rows.offset;
    const want = address - this.seqLow[lo]!;
    // upper_bound over (first, end - 1), minus one.
    let a = this.seqFirst[lo]! + 1;
    let b = this.seqEnd[lo]! - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (offset[mid]! <= want) a = mid + 1;
      else b = mid;
    }
    return a - 1;
  }

  /** The location of row `i`, written into `to` (a reused frame). */
  locationInto(i: number, to: { file?: string; line: number; column: number; discriminator: number }): void {
    const r = this.rows;
    to.file = this.filePath(r.file[i]!);
    to.line = r.line[i]!;
    to.column = r.column[i] ?? 0;
    to.discriminator = r.disc[i] ?? 0;
  }

  /**
   * The full path of file `index` as llvm-symbolizer spells it (LLVM's
   * `Prologue::getFileNameByIndex` with an absolute path kind): the unit's
   * DW_AT_comp_dir, unless the include directory is absolute or (DWARF 5)
   * the file uses directory 0; then the include directory and the name,
   * joined without normalization. Undefined when there is no such file.
   */
  filePath(index: number): string | undefined {
    const cache = (this.paths ??= []);
    if (index >= 0 && index < 1 << 16) {
      const hit = cache[index];
      if (hit !== undefined) return hit ?? undefined;
      const p = this.resolveFile(index);
      cache[index] = p ?? null;
      return p;
    }
    return this.resolveFile(index);
  }

  private paths?: (string | null | undefined)[];

  private resolveFile(index: number): string | undefined {
    try {
      const p = this.program;
      const e = p.file(index);
      if (!e) return undefined;
      if (isAbsolute(e.path)) return e.path;
      const v5 = p.header.version >= 5;
      const dir = p.directory(e.dirIndex) ?? '';
      const comp = (!v5 || e.dirIndex !== 0) && !isAbsolute(dir) ? (this.unitCompDir ?? '') : '';
      return joinPath(comp, dir, e.path);
    } catch {
      return undefined;
    }
  }

  /** The unit's DW_AT_comp_dir, which relative paths are joined to. */
  unitCompDir: string | undefined;

  /** The compilation directory the program's paths are joined to. */
  get compDir(): string | undefined {
    return this.unitCompDir;
  }

  /** Every sequence as `[low, high)` pairs (for coverage checks and tests). */
  *sequences(): Generator<{ low: number; high: number }> {
    for (let i = 0; i < this.seqLow.length; i++) yield { low: this.seqLow[i]!, high: this.seqHigh[i]! };
  }
}
