import { isParseError, type ParseError } from '@elfkit/binary';
import { GoFunc, PcValueStream, type GoSymbols, type PcLnTable } from '@elfkit/gosym';
import type { ElfContext } from './elf-context.js';
import { sortIndexes } from './range-map.js';

/**
 * What a Go function's bytes are, as shotizam splits them: its machine
 * code, its `_func` record with its function-table slot (`header`), its
 * name, its pcvalue tables (SP deltas, files, lines, the other pcdata
 * tables) and the funcdata blobs it points to (stack maps, inline trees,
 * argument info).
 */
export type GoPartKind = 'text' | 'header' | 'funcname' | 'pcsp' | 'pcfile' | 'pcln' | 'pcdata' | 'funcdata';

/** Part kinds by the number {@link GoLayout.pieceKind} stores. */
export const GO_PART_KINDS: readonly GoPartKind[] = ['text', 'header', 'funcname', 'pcsp', 'pcfile', 'pcln', 'pcdata', 'funcdata'];

/** A range of the pclntab that belongs to no one function. */
export interface GoTableRange {
  readonly label: string;
  /** Address range. */
  readonly start: number;
  readonly end: number;
}

/**
 * Every Go function of a pclntab with where its bytes are: its text
 * `[entry, next entry)` and its pieces of the pclntab and of `go:func.*`,
 * as addresses. Pieces are kept in typed arrays in address order (the
 * docker CLI has 35,000 functions and a quarter of a million pieces); a
 * table several functions share appears once, for the first of them.
 */
export interface GoLayout {
  readonly symbols: GoSymbols;
  readonly funcCount: number;
  /** The name of function `i` (decoded on first use). */
  name(i: number): string;
  /** Entry addresses, with the end of the last function at `funcCount`. */
  readonly entries: Float64Array;
  readonly pieceCount: number;
  readonly pieceFunc: Int32Array;
  /** Index into {@link GO_PART_KINDS}. */
  readonly pieceKind: Uint8Array;
  readonly pieceStart: Float64Array;
  readonly pieceEnd: Float64Array;
  /** Header, file and CU tables, and the pclntab as a whole (last, as the fallback). */
  readonly tables: readonly GoTableRange[];
  /** Functions whose records were damaged (skipped). */
  readonly errors: readonly ParseError[];
}

const KIND = Object.fromEntries(GO_PART_KINDS.map((k, i) => [k, i])) as Record<GoPartKind, number>;
const HEADER = KIND.header;
const FUNCNAME = KIND.funcname;
const FUNCDATA = KIND.funcdata;
const PCSP = KIND.pcsp; // pcfile and pcln follow it
const PCDATA = KIND.pcdata;

/**
 * Pieces as they are found: growable typed arrays (a quarter of a million
 * pieces are four arrays, not a quarter of a million objects). `end` is 0
 * for a reference whose end is found later (a packed pcvalue table, a
 * funcdata blob).
 */
class Pieces {
  func: Int32Array;
  kind: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.func = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
  }
  /** Appends `[start, end)`; empty and inverted ranges are dropped. */
  add(f: number, kind: number, start: number, end: number): void {
    if (end > start) this.push(f, kind, start, end);
  }
  push(f: number, kind: number, start: number, end: number): void {
    if (this.length === this.func.length) this.grow();
    const i = this.length++;
    this.func[i] = f;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
  }
  private grow(): void {
    const n = Math.max(1024, this.length * 2);
    this.func = grown(this.func, n);
    this.kind = grown(this.kind, n);
    this.start = grown(this.start, n);
    this.end = grown(this.end, n);
  }
}

/** A copy of `a` with room for `n` elements. */
function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}

/** The fixed facts of a pclntab's `_func` records, computed once. */
interface RecordLayout {
  readonly t: PcLnTable;
  readonly data: Uint8Array;
  readonly view: DataView;
  readonly le: boolean;
  /** Address of the pclntab's first byte. */
  readonly base: number;
  readonly fixed: number;
  readonly nameField: number;
  readonly pcspField: number;
  readonly npcdataField: number;
  readonly slotSize: number;
  /** Go 1.18+: funcdata are u32 offsets from `go:func.*` (at `gofunc`; NaN when unknown). */
  readonly relative: boolean;
  readonly gofunc: number;
  /** From Go 1.16 the pcvalue tables are packed in pctab. */
  readonly packed: boolean;
  /** The pclntab's address modulo 8 (older funcdata arrays are aligned in memory). */
  readonly align: number;
}

/** What the walk over the function table finds. */
interface Found {
  /** Each function's slot, record and name (and, before 1.16, its pcvalue tables), in function order. */
  readonly own: Pieces;
  /** Packed pcvalue tables: pctab offsets in `start`, ends found by {@link endPackedTables}. */
  readonly tables: Pieces;
  /** Funcdata blob addresses in `start`, ends found by {@link endFuncdata}. */
  readonly funcdata: Pieces;
  readonly damaged: Set<number>;
  readonly errors: ParseError[];
}

/**
 * Lays out the functions of `symbols` (a pclntab opened with
 * `openGoSymbols`, or a function giving it: the layout then asks it each
 * time it needs the table — for names and line tables — so that the
 * caller may drop the pclntab while the layout's arrays are all it uses). `sized(address)` gives the size of a symbol starting at
 * an address, used to bound funcdata blobs; `funcdataEnd` is where
 * `go:func.*` ends when known.
 *
 * One pass over the function table reads each `_func` record's fields in
 * place; every list is a typed array, and shared tables and blobs are
 * resolved by sorting, not by maps keyed on offsets. Each stage is a
 * function of its own, so that a one-shot run gets each loop compiled
 * on its own instead of deoptimizing one large function stage by stage.
 */
export function goLayout(symbols: GoSymbols | (() => GoSymbols), ctx: ElfContext, sized: (address: number) => number | undefined, funcdataEnd?: number): GoLayout {
  const current = typeof symbols === 'function' ? symbols : () => symbols;
  const opened = current();
  const t = opened.table;
  const h = t.header;
  const data = t.data;
  const relative = h.format === '1.18' || h.format === '1.20';
  const layout: RecordLayout = {
    t,
    data,
    view: new DataView(data.buffer, data.byteOffset, data.byteLength),
    le: h.order === 'little',
    base: ctx.address(opened.location.address),
    fixed: GoFunc.fixedSize(h),
    nameField: GoFunc.fieldOffset(h, 1),
    pcspField: GoFunc.fieldOffset(h, 4),
    npcdataField: GoFunc.fieldOffset(h, 7),
    slotSize: 2 * h.functabFieldSize,
    relative,
    gofunc: relative && t.gofunc !== undefined ? ctx.address(t.gofunc) : NaN,
    packed: h.format !== '1.2',
    align: h.ptrSize === 8 ? Number(BigInt.asUintN(3, opened.location.address)) : 0,
  };
  const n = t.funcCount;
  const entries = readEntries(t, ctx);
  const found = readRecords(layout, ctx);
  const { damaged } = found;
  const pieces = inAddressOrder([
    [found.own, sortIndexes(found.own.start, found.own.length)],
    [found.tables, endPackedTables(found.tables, layout)],
    [found.funcdata, endFuncdata(found.funcdata, sized, funcdataEnd)],
  ]);
  const tables = tableRanges(opened, layout.base);
  return {
    // Through `current` (not the table read above), so that a provider may let the pclntab go between uses.
    get symbols() {
      return current();
    },
    funcCount: n,
    name: (i) => {
      if (!damaged.has(i)) {
        try {
          return current().table.funcName(i);
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }
      return `[Go function #${i}]`;
    },
    entries,
    ...pieces,
    tables,
    errors: found.errors,
  };
}

/** Entry addresses of every function and the end of the last (a damaged slot reads as address 0). */
function readEntries(t: PcLnTable, ctx: ElfContext): Float64Array {
  const n = t.funcCount;
  const entries = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    let e = 0;
    try {
      e = t.entryOf(i);
    } catch (err) {
      if (!isParseError(err)) throw err;
    }
    entries[i] = ctx.addressNumber(e);
  }
  return entries;
}

/** Walks the function table: each function's own pieces, and references to its tables and blobs. */
function readRecords(l: RecordLayout, ctx: ElfContext): Found {
  const n = l.t.funcCount;
  const refs = countRefs(l);
  const found: Found = {
    // A slot, a record and a name per function (and before 1.16 its tables, about five).
    own: new Pieces(Math.max(16, n * (l.packed ? 3 : 8))),
    // Sized from the records: a guess too small grows each list to twice what it needs (the docker CLI's blob list to 277,000 slots for 154,000).
    tables: new Pieces(l.packed ? Math.max(16, refs.tables) : 16),
    funcdata: new Pieces(Math.max(16, refs.funcdata)),
    damaged: new Set(),
    errors: [],
  };
  const ends = l.packed ? undefined : new TableEnds(l.t);
  for (let i = 0; i < n; i++) {
    try {
      readRecord(l, i, found, ends, ctx);
    } catch (e) {
      if (!isParseError(e)) throw e;
      found.errors.push(e);
      found.damaged.add(i);
    }
  }
  return found;
}

/**
 * How many table and blob references the records hold (each function's
 * pcsp, pcfile, pcln and pcdata slots; its funcdata count), read from two
 * fields of each record; at most 64 per function each, so that a damaged
 * count cannot size a list (the walk itself checks every reference).
 */
function countRefs(l: RecordLayout): { tables: number; funcdata: number } {
  const { t, data, view, le, fixed } = l;
  let tables = 0;
  let funcdata = 0;
  for (let i = 0; i < t.funcCount; i++) {
    let rec: number;
    try {
      rec = t.recordOffset(i);
    } catch (e) {
      if (!isParseError(e)) throw e;
      continue;
    }
    tables += 3 + Math.min(64, view.getUint32(rec + l.npcdataField, le));
    funcdata += data[rec + fixed - 1]!;
  }
  return { tables, funcdata };
}

/**
 * Function `i`'s slot, record and name, and its tables and blobs. The
 * fixed fields lie inside the record (`recordOffset` checks that); the
 * pcdata and funcdata arrays are read with bounds checks, so a damaged
 * count throws.
 */
function readRecord(l: RecordLayout, i: number, found: Found, ends: TableEnds | undefined, ctx: ElfContext): void {
  const { t, data, view, le, base, fixed } = l;
  const h = t.header;
  const own = found.own;
  const rec = t.recordOffset(i);
  const slot = h.functab + i * l.slotSize;
  own.add(i, HEADER, base + slot, base + slot + l.slotSize);
  const npcdata = view.getUint32(rec + l.npcdataField, le);
  const nfuncdata = data[rec + fixed - 1]!;
  let recordEnd = rec + fixed + 4 * npcdata;
  if (nfuncdata > 0) {
    if (l.relative) recordEnd += 4 * nfuncdata;
    else {
      if (h.ptrSize === 8 && ((l.align + recordEnd) & 4) !== 0) recordEnd += 4;
      recordEnd += h.ptrSize * nfuncdata;
    }
  }
  own.add(i, HEADER, base + rec, base + Math.min(recordEnd, data.length));
  const nameAt = h.funcnametab[0] + view.getUint32(rec + l.nameField, le);
  const nul = data.indexOf(0, nameAt);
  if (nul >= 0) own.add(i, FUNCNAME, base + nameAt, base + nul + 1);
  // pcsp, pcfile and pcln, then the pcdata tables.
  for (let k = -3; k < npcdata; k++) {
    const off = k < 0 ? view.getUint32(rec + l.pcspField + 4 * (k + 3), le) : t.u32(rec + fixed + 4 * k);
    if (off === 0) continue;
    const kind = k < 0 ? PCSP + k + 3 : PCDATA;
    if (ends) own.add(i, kind, base + h.pctab + off, base + ends.of(off, t.entryOf(i)));
    else found.tables.push(i, kind, off, 0);
  }
  if (nfuncdata === 0) return;
  if (l.relative) {
    const at = rec + fixed + 4 * npcdata;
    for (let k = 0; k < nfuncdata; k++) {
      const off = t.u32(at + 4 * k);
      if (off !== 0xffffffff && !Number.isNaN(l.gofunc)) found.funcdata.push(i, FUNCDATA, l.gofunc + off, 0);
    }
  } else {
    const f = new GoFunc(t, i, rec);
    for (let k = 0; k < nfuncdata; k++) {
      const a = f.funcdata(k);
      if (a !== undefined) found.funcdata.push(i, FUNCDATA, ctx.address(a), 0);
    }
  }
}

/** Before Go 1.16 pcvalue tables sit among the records: each table's end is found by decoding it (once: tables are shared). */
class TableEnds {
  private readonly ends = new Map<number, number>();
  private readonly stream: PcValueStream;
  constructor(private readonly t: PcLnTable) {
    this.stream = new PcValueStream(t.data, t.header.quantum, t.section);
  }
  of(off: number, entry: number): number {
    let e = this.ends.get(off);
    if (e === undefined) {
      this.stream.reset(this.t.header.pctab + off, entry);
      while (this.stream.next()) {
        /* to the end */
      }
      e = this.stream.pos;
      this.ends.set(off, e);
    }
    return e;
  }
}

/**
 * Packed tables run to the next distinct offset (the last to the function
 * table); a shared one is listed for each function naming it. Sets each
 * table's address range in place and returns the tables' order by address.
 */
function endPackedTables(tables: Pieces, l: RecordLayout): Uint32Array {
  const m = tables.length;
  const order = sortIndexes(tables.start, m);
  const h = l.t.header;
  const at = l.base + h.pctab;
  const offs = tables.start;
  for (let k = 0; k < m; ) {
    // order[k .. j) share one offset, in the order they were found (function order).
    const o = offs[order[k]!]!;
    let j = k + 1;
    while (j < m && offs[order[j]!] === o) j++;
    const end = at + (j < m ? offs[order[j]!]! : h.functab - h.pctab);
    for (; k < j; k++) {
      const x = order[k]!;
      offs[x] = at + o;
      tables.end[x] = end;
    }
  }
  return order;
}

/**
 * Funcdata blobs have no recorded size: each runs to the next blob any
 * function points to, bounded by a symbol starting there when the symbol
 * table sizes it, and by the end of `go:func.*`. The last blob is left
 * out when nothing bounds it. A blob shared by several functions goes to
 * the first. Sets the ends in place (0, which drops the piece, for the
 * others and for an unbounded last blob) and returns the blobs' order by
 * address.
 */
function endFuncdata(refs: Pieces, sized: (address: number) => number | undefined, regionEnd: number | undefined): Uint32Array {
  const n = refs.length;
  const addr = refs.start;
  const order = sortIndexes(addr, n);
  for (let k = 0; k < n; ) {
    const a = addr[order[k]!]!;
    let j = k + 1;
    while (j < n && addr[order[j]!] === a) j++;
    let end = j < n ? addr[order[j]!]! : regionEnd ?? 0;
    const size = sized(a);
    if (size !== undefined && (end === 0 || a + size < end)) end = a + size;
    if (regionEnd !== undefined && end !== 0 && a < regionEnd && end > regionEnd) end = regionEnd;
    refs.end[order[k]!] = end;
    for (k++; k < j; k++) refs.end[order[k]!] = 0;
  }
  return order;
}

/** The first position from `q` in `order` whose piece is not empty (`order.length` when none is). */
function nextPiece(p: Pieces, order: Uint32Array, q: number): number {
  for (; q < order.length; q++) {
    const x = order[q]!;
    if (p.end[x]! > p.start[x]!) return q;
  }
  return q;
}

type PieceColumns = Pick<GoLayout, 'pieceFunc' | 'pieceKind' | 'pieceStart' | 'pieceEnd'>;

/**
 * The pieces of the lists merged in address order — each list read
 * through its order, empty pieces dropped; on equal addresses the earlier
 * list first (a stable sort of the lists one after the other) — a table
 * shared by several functions (the linker stores identical tables once)
 * listed once, for its first function: what first-wins would give,
 * without the cost of resolving overlaps. Merged twice, to count and then
 * to write into arrays of that size, rather than through one list of
 * every piece and its sorted order.
 */
function inAddressOrder(lists: readonly (readonly [Pieces, Uint32Array])[]): Pick<GoLayout, 'pieceCount'> & PieceColumns {
  const none: PieceColumns = { pieceFunc: new Int32Array(0), pieceKind: new Uint8Array(0), pieceStart: new Float64Array(0), pieceEnd: new Float64Array(0) };
  const count = mergePieces(lists, none, false);
  const out: PieceColumns = { pieceFunc: new Int32Array(count), pieceKind: new Uint8Array(count), pieceStart: new Float64Array(count), pieceEnd: new Float64Array(count) };
  mergePieces(lists, out, true);
  return { pieceCount: count, ...out };
}

function mergePieces(lists: readonly (readonly [Pieces, Uint32Array])[], out: PieceColumns, write: boolean): number {
  const k = lists.length;
  const pos = new Int32Array(k);
  for (let i = 0; i < k; i++) pos[i] = nextPiece(lists[i]![0], lists[i]![1], 0);
  let c = 0;
  let lastStart = NaN;
  let lastEnd = NaN;
  for (;;) {
    let best = -1;
    let bestStart = Infinity;
    for (let i = 0; i < k; i++) {
      const order = lists[i]![1];
      const q = pos[i]!;
      if (q >= order.length) continue;
      const s = lists[i]![0].start[order[q]!]!;
      if (best < 0 || s < bestStart) {
        best = i;
        bestStart = s;
      }
    }
    if (best < 0) return c;
    const p = lists[best]![0];
    const order = lists[best]![1];
    const x = order[pos[best]!]!;
    const e = p.end[x]!;
    if (bestStart !== lastStart || e !== lastEnd) {
      if (write) {
        out.pieceFunc[c] = p.func[x]!;
        out.pieceKind[c] = p.kind[x]!;
        out.pieceStart[c] = bestStart;
        out.pieceEnd[c] = e;
      }
      c++;
      lastStart = bestStart;
      lastEnd = e;
    }
    pos[best] = nextPiece(p, order, pos[best]! + 1);
  }
}

/** The pclntab's shared tables, then the whole table as the fallback. */
function tableRanges(symbols: GoSymbols, base: number): GoTableRange[] {
  const h = symbols.table.header;
  const size = symbols.table.data.length;
  const out: GoTableRange[] = [];
  const add = (label: string, s: number, e: number) => {
    if (e > s) out.push({ label, start: base + s, end: base + e });
  };
  if (h.format === '1.2') {
    add('[Go pclntab header]', 0, h.functab);
    add('[Go pclntab file table]', h.filetab[0], h.filetab[1]);
  } else {
    add('[Go pclntab header]', 0, h.funcnametab[0]);
    add('[Go pclntab CU table]', h.cutab[0], h.cutab[1]);
    add('[Go pclntab file table]', h.filetab[0], h.filetab[1]);
  }
  add('[Go pclntab function table]', h.functab, h.functabEnd);
  add('[Go pclntab]', 0, size);
  return out;
}
