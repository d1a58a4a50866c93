import { isParseError, type ParseError } from '@elfkit/binary';
import { GoFunc, PcValueStream, type GoSymbols } from '@elfkit/gosym';
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
 * docker CLI has 100,000 functions and about a million pieces); a table
 * several functions share appears once, for the first of them.
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

/** Pieces as they are found: growable typed arrays. */
class Pieces {
  func = new Int32Array(1024);
  kind = new Uint8Array(1024);
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  length = 0;
  add(f: number, kind: GoPartKind, start: number, end: number): void {
    if (!(end > start)) return;
    if (this.length === this.func.length) {
      const n = this.length * 2;
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.func = grow(this.func, new Int32Array(n));
      this.kind = grow(this.kind, new Uint8Array(n));
      this.start = grow(this.start, new Float64Array(n));
      this.end = grow(this.end, new Float64Array(n));
    }
    const i = this.length++;
    this.func[i] = f;
    this.kind[i] = KIND[kind];
    this.start[i] = start;
    this.end[i] = end;
  }
}

/**
 * Lays out the functions of `symbols` (a pclntab opened with
 * `openGoSymbols`). `sized(address)` gives the size of a symbol starting at
 * an address, used to bound funcdata blobs; `funcdataEnd` is where
 * `go:func.*` ends when known.
 */
export function goLayout(symbols: GoSymbols, ctx: ElfContext, sized: (address: number) => number | undefined, funcdataEnd?: number): GoLayout {
  const t = symbols.table;
  const h = t.header;
  const base = ctx.address(symbols.location.address);
  const n = t.funcCount;
  const damaged = new Set<number>();
  const entries = new Float64Array(n + 1);
  const errors: ParseError[] = [];
  const pieces = new Pieces();
  const ends = new Map<number, number>();
  const stream = new PcValueStream(t.data, h.quantum, t.section);
  // The end of the pcvalue table at pctab offset `off` (tables are shared, so each is decoded once).
  const tableEnd = (off: number, entry: number): number => {
    let e = ends.get(off);
    if (e === undefined) {
      stream.reset(h.pctab + off, entry);
      while (stream.next()) {
        /* to the end */
      }
      e = stream.pos;
      ends.set(off, e);
    }
    return e;
  };
  // From Go 1.16 the pcvalue tables are packed in pctab, before the
  // function table: each runs to the next one, so their ends need no
  // decoding. Older tables sit among the records and are decoded.
  const packed = h.format !== '1.2';
  const tables = { func: [] as number[], kind: [] as GoPartKind[], off: [] as number[] };
  const funcdata = { address: [] as number[], func: [] as number[] };
  const fixed = GoFunc.fixedSize(h);
  const relative = h.format === '1.18' || h.format === '1.20';
  for (let i = 0; i <= n; i++) entries[i] = ctx.addressNumber(safe(() => t.entryOf(i), 0));
  for (let i = 0; i < n; i++) {
    let f: GoFunc;
    try {
      f = t.func(i);
      const entry = f.entryPc;
      // The functab slot and the _func record with its pcdata and funcdata arrays.
      const slot = h.functab + 2 * i * h.functabFieldSize;
      pieces.add(i, 'header', base + slot, base + slot + 2 * h.functabFieldSize);
      const npcdata = f.npcdata;
      const nfuncdata = f.nfuncdata;
      let recordEnd = f.offset + fixed + 4 * npcdata;
      if (nfuncdata > 0) {
        if (relative) recordEnd += 4 * nfuncdata;
        else {
          if (h.ptrSize === 8 && ((Number(BigInt.asUintN(3, symbols.location.address)) + recordEnd) & 4) !== 0) recordEnd += 4;
          recordEnd += h.ptrSize * nfuncdata;
        }
      }
      pieces.add(i, 'header', base + f.offset, base + Math.min(recordEnd, t.data.length));
      const nameAt = h.funcnametab[0] + f.nameOff;
      const nul = t.data.indexOf(0, nameAt);
      if (nul >= 0) pieces.add(i, 'funcname', base + nameAt, base + nul + 1);
      const table = (kind: GoPartKind, off: number) => {
        if (off === 0) return;
        if (packed) {
          tables.func.push(i);
          tables.kind.push(kind);
          tables.off.push(off);
        } else pieces.add(i, kind, base + h.pctab + off, base + tableEnd(off, entry));
      };
      table('pcsp', f.pcsp);
      table('pcfile', f.pcfile);
      table('pcln', f.pcln);
      for (let k = 0; k < npcdata; k++) table('pcdata', f.pcdata(k));
      for (let k = 0; k < nfuncdata; k++) {
        const a = f.funcdata(k);
        if (a !== undefined) {
          funcdata.address.push(ctx.address(a));
          funcdata.func.push(i);
        }
      }
    } catch (e) {
      if (!isParseError(e)) throw e;
      errors.push(e);
      damaged.add(i);
    }
  }
  if (tables.off.length > 0) {
    const offs = Float64Array.from(tables.off);
    const order = sortIndexes(offs, offs.length);
    const nextStart = new Map<number, number>();
    for (let k = offs.length - 1, next = h.functab - h.pctab; k >= 0; k--) {
      const o = offs[order[k]!]!;
      if (!nextStart.has(o)) nextStart.set(o, next);
      next = o;
    }
    for (let k = 0; k < offs.length; k++) {
      const o = tables.off[k]!;
      pieces.add(tables.func[k]!, tables.kind[k]!, base + h.pctab + o, base + h.pctab + nextStart.get(o)!);
    }
  }
  addFuncdata(pieces, funcdata, sized, funcdataEnd);
  // In address order, and a table shared by several functions (the linker
  // stores identical tables once) listed once, for its first function:
  // what first-wins would give, without the cost of resolving overlaps.
  const order = sortIndexes(pieces.start, pieces.length);
  let count = 0;
  const pieceFunc = new Int32Array(pieces.length);
  const pieceKind = new Uint8Array(pieces.length);
  const pieceStart = new Float64Array(pieces.length);
  const pieceEnd = new Float64Array(pieces.length);
  for (let j = 0; j < order.length; j++) {
    const k = order[j]!;
    if (count > 0 && pieceStart[count - 1] === pieces.start[k] && pieceEnd[count - 1] === pieces.end[k]) continue;
    pieceFunc[count] = pieces.func[k]!;
    pieceKind[count] = pieces.kind[k]!;
    pieceStart[count] = pieces.start[k]!;
    pieceEnd[count] = pieces.end[k]!;
    count++;
  }
  return {
    symbols,
    funcCount: n,
    name: (i) => {
      if (!damaged.has(i)) {
        try {
          return t.funcName(i);
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }
      return `[Go function #${i}]`;
    },
    entries,
    pieceCount: count,
    pieceFunc,
    pieceKind,
    pieceStart,
    pieceEnd,
    tables: tableRanges(symbols, base),
    errors,
  };
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (!isParseError(e)) throw e;
    return fallback;
  }
}

/**
 * Funcdata blobs have no recorded size: each runs to the next blob any
 * function points to, bounded by a symbol starting there when the symbol
 * table sizes it, and by the end of `go:func.*`. The last blob is left
 * out when nothing bounds it. A blob shared by several functions goes to
 * the first.
 */
function addFuncdata(pieces: Pieces, refs: { address: number[]; func: number[] }, sized: (address: number) => number | undefined, regionEnd: number | undefined): void {
  const n = refs.address.length;
  if (n === 0) return;
  const addr = Float64Array.from(refs.address);
  const order = sortIndexes(addr, n);
  const out: { func: number; start: number; end: number }[] = [];
  for (let k = 0; k < n; k++) {
    const a = addr[order[k]!]!;
    if (k > 0 && addr[order[k - 1]!] === a) continue;
    let j = k + 1;
    while (j < n && addr[order[j]!] === a) j++;
    let end = j < n ? addr[order[j]!] : regionEnd;
    const size = sized(a);
    if (size !== undefined && (end === undefined || a + size < end)) end = a + size;
    if (regionEnd !== undefined && end !== undefined && a < regionEnd && end > regionEnd) end = regionEnd;
    if (end !== undefined) out.push({ func: refs.func[order[k]!]!, start: a, end });
  }
  for (const p of out) pieces.add(p.func, 'funcdata', p.start, p.end);
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
