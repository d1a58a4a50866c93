import { attrNumber, DW_AT_call_column, DW_AT_call_file, DW_AT_call_line, DW_AT_GNU_discriminator, DW_AT_high_pc, DW_AT_low_pc, DW_AT_ranges, DW_TAG_inlined_subroutine, DW_TAG_subprogram, type ListCursor, type MutableAttribute, type Unit } from '@elfkit/dwarf';
import type { Tombstones } from './tombstone.js';

/** A subprogram or inlined subroutine with code, as the unit's walk found it. */
export interface FunctionNode {
  /** Section offset of the DIE (in the split file for a split unit). */
  readonly offset: number;
  readonly inlined: boolean;
  /** Nearest enclosing node, or -1. */
  readonly parent: number;
  /** Where the node's `[begin, end)` pairs are in {@link UnitFunctions.ranges}: `[rangeStart, rangeEnd)`. */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly callFile: number;
  /** DW_AT_call_line of an inlined call (0 when absent). */
  readonly callLine: number;
  /** DW_AT_call_column of an inlined call (0 when absent). */
  readonly callColumn: number;
  /** DW_AT_GNU_discriminator (0 when absent). */
  readonly discriminator: number;
  /** DW_AT_low_pc when the DIE has one (LLVM's StartAddress). */
  readonly lowPc: bigint | undefined;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** The attributes the walk decodes; all others are skipped undecoded (names, frame bases, types). */
const WANTED = new Uint8Array(DW_AT_GNU_discriminator + 1);
for (const a of [DW_AT_low_pc, DW_AT_high_pc, DW_AT_ranges, DW_AT_call_file, DW_AT_call_line, DW_AT_call_column, DW_AT_GNU_discriminator]) WANTED[a] = 1;

type Column = Uint16Array | Uint32Array;

/** An empty column: reads of it give undefined, taken as 0. */
const NONE = new Uint16Array(0);

/** The first `n` of `values` in 16 bits when they fit, 32 otherwise; NONE when all are 0. */
function narrowColumn(values: Uint32Array, n: number): Column {
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
  if (max === 0) return NONE;
  return max > 0xffff ? values.slice(0, n) : Uint16Array.from(values.subarray(0, n));
}

/**
 * Growable typed columns, one value per node, that the walk writes into.
 * One set serves every build (builds are synchronous), so a module's
 * hundreds of units do not each grow nine arrays from empty.
 */
class NodeColumns {
  length = 0;
  offset: Float64Array;
  parent: Int32Array;
  rangeEnd: Uint32Array;
  callFile: Uint32Array;
  callLine: Uint32Array;
  callColumn: Uint32Array;
  disc: Uint32Array;
  /** DW_AT_low_pc, NaN when absent, -1 when beyond 2^53 (then in `bigLow`). */
  low: Float64Array;
  inlined: Uint8Array;
  bigLow = new Map<number, bigint>();
  /** Every node's `[begin, end)` pairs, one after the other. */
  pool: Float64Array;
  poolLength = 0;

  constructor(capacity: number) {
    this.offset = new Float64Array(capacity);
    this.parent = new Int32Array(capacity);
    this.rangeEnd = new Uint32Array(capacity);
    this.callFile = new Uint32Array(capacity);
    this.callLine = new Uint32Array(capacity);
    this.callColumn = new Uint32Array(capacity);
    this.disc = new Uint32Array(capacity);
    this.low = new Float64Array(capacity);
    this.inlined = new Uint8Array(capacity);
    this.pool = new Float64Array(capacity * 2);
  }

  /** Emptied for the next build. */
  reset(): this {
    this.length = 0;
    this.poolLength = 0;
    this.bigLow = new Map();
    return this;
  }

  addRange(b: number, e: number): void {
    if (this.poolLength + 2 > this.pool.length) this.pool = grown(this.pool, this.pool.length * 2);
    this.pool[this.poolLength++] = b;
    this.pool[this.poolLength++] = e;
  }

  /** Makes room for one more node. */
  room(): void {
    if (this.length < this.offset.length) return;
    const n = this.offset.length * 2;
    this.offset = grown(this.offset, n);
    this.parent = grown(this.parent, n);
    this.rangeEnd = grown(this.rangeEnd, n);
    this.callFile = grown(this.callFile, n);
    this.callLine = grown(this.callLine, n);
    this.callColumn = grown(this.callColumn, n);
    this.disc = grown(this.disc, n);
    this.low = grown(this.low, n);
    this.inlined = grown(this.inlined, n);
  }
}

function grown<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

let scratch: NodeColumns | undefined;

/** The tags the walk reads; every other DIE is passed over undecoded. */
const FUNCTION_TAGS = new Uint8Array(256);
FUNCTION_TAGS[DW_TAG_subprogram] = FUNCTION_TAGS[DW_TAG_inlined_subroutine] = 1;

/** `nearest` grown to hold depth `depth`. */
function deeper(nearest: Int32Array, depth: number): Int32Array {
  const grown = new Int32Array(Math.max(nearest.length * 2, depth + 1)).fill(-1);
  grown.set(nearest);
  return grown;
}

/** The arrays a {@link UnitFunctions} is made of (see {@link UnitFunctions.columns}). */
export interface FunctionColumns {
  readonly ranges: Float64Array;
  readonly offsets: Uint32Array | Float64Array;
  readonly parents: Int32Array;
  readonly rangeEnds: Uint32Array;
  readonly callFiles: Uint16Array | Uint32Array;
  readonly callLines: Uint16Array | Uint32Array;
  readonly callColumns: Uint16Array | Uint32Array;
  readonly discs: Uint16Array | Uint32Array;
  readonly lows: Float64Array;
  readonly inlinedFlags: Uint8Array;
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  readonly spanLows: Float64Array;
  readonly spanHighs: Float64Array;
  readonly spanOwners: Int32Array;
  readonly maxHigh: Float64Array;
}

/**
 * The code-bearing subprograms of one unit and the inlined calls inside
 * them, found by one walk over the unit's DIEs (LLVM's `AddrDieMap`,
 * gimli addr2line's `Functions`): a lookup finds the subprogram holding an
 * address by binary search and descends through the inlined calls that
 * contain it. Where ranges overlap the DIE met later in the walk wins, as
 * in LLVM (a child after its parent, so the innermost). Nodes are kept
 * as columns of typed arrays, not an object each: a Go binary has
 * hundreds of thousands of them.
 */
export class UnitFunctions {
  /** Number of nodes. */
  readonly count: number;
  /** Every node's `[begin, end)` pairs, one after the other. */
  readonly ranges: Float64Array;
  /** DIE offsets: 32 bits unless the section is larger than 4 GiB. */
  private readonly offsets: Uint32Array | Float64Array;
  private readonly parents: Int32Array;
  /** Node i's pairs are `[rangeEnds[i-1] (0 for the first), rangeEnds[i])`. */
  private readonly rangeEnds: Uint32Array;
  /** Narrowed as line rows are: 16 bits when every value fits, empty when all are 0 (Go records no columns or discriminators). */
  private readonly callFiles: Column;
  private readonly callLines: Column;
  private readonly callColumns: Column;
  private readonly discs: Column;
  private readonly lows: Float64Array;
  private readonly inlinedFlags: Uint8Array;
  private readonly bigLow: Map<number, bigint>;
  /** Each node's first child and next sibling among the inlined calls (-1: none), in walk order. */
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  /** Subprogram ranges sorted by begin: begin, end, node, and the largest end so far. */
  private readonly spanLows: Float64Array;
  private readonly spanHighs: Float64Array;
  private readonly spanOwners: Int32Array;
  private readonly maxHigh: Float64Array;

  private constructor(c: NodeColumns) {
    const n = c.length;
    this.count = n;
    this.ranges = c.pool.slice(0, c.poolLength);
    let maxOffset = 0;
    for (let i = 0; i < n; i++) if (c.offset[i]! > maxOffset) maxOffset = c.offset[i]!;
    this.offsets = maxOffset <= 0xffffffff ? Uint32Array.from(c.offset.subarray(0, n)) : c.offset.slice(0, n);
    this.parents = c.parent.slice(0, n);
    this.rangeEnds = c.rangeEnd.slice(0, n);
    this.callFiles = narrowColumn(c.callFile, n);
    this.callLines = narrowColumn(c.callLine, n);
    this.callColumns = narrowColumn(c.callColumn, n);
    this.discs = narrowColumn(c.disc, n);
    this.lows = c.low.slice(0, n);
    this.inlinedFlags = c.inlined.slice(0, n);
    this.bigLow = c.bigLow;
    this.firstChild = new Int32Array(n).fill(-1);
    this.nextSibling = new Int32Array(n).fill(-1);
    const lastChild = new Int32Array(n).fill(-1);
    // Subprogram spans: begin and end in pairs, with their node, sorted by (begin, node).
    let spans = 0;
    for (let i = 0; i < n; i++) {
      const p = this.parents[i]!;
      if (this.inlinedFlags[i] && p >= 0) {
        if (lastChild[p]! < 0) this.firstChild[p] = i;
        else this.nextSibling[lastChild[p]!] = i;
        lastChild[p] = i;
      } else spans += (this.rangeEnds[i]! - this.rangeStartOf(i)) >> 1;
    }
    const order = new Uint32Array(spans);
    const spanNode = new Int32Array(spans);
    const spanAt = new Uint32Array(spans);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (this.inlinedFlags[i] && this.parents[i]! >= 0) continue;
      for (let r = this.rangeStartOf(i); r < this.rangeEnds[i]!; r += 2) {
        order[k] = k;
        spanNode[k] = i;
        spanAt[k] = r;
        k++;
      }
    }
    const rr = this.ranges;
    // Walk order is nearly always address order already (Go and most C units): then no sort at all.
    let sorted = true;
    for (let j = 1; j < spans && sorted; j++) sorted = rr[spanAt[j - 1]!]! < rr[spanAt[j]!]!;
    if (!sorted) order.sort((x, y) => rr[spanAt[x]!]! - rr[spanAt[y]!]! || spanNode[x]! - spanNode[y]!);
    this.spanLows = new Float64Array(spans);
    this.spanHighs = new Float64Array(spans);
    this.spanOwners = new Int32Array(spans);
    this.maxHigh = new Float64Array(spans);
    let m = 0;
    for (let j = 0; j < spans; j++) {
      const s = order[j]!;
      const lo = rr[spanAt[s]!]!;
      const hi = rr[spanAt[s]! + 1]!;
      this.spanLows[j] = lo;
      this.spanHighs[j] = hi;
      this.spanOwners[j] = spanNode[s]!;
      if (hi > m) m = hi;
      this.maxHigh[j] = m;
    }
  }

  /**
   * Every column of the index, for the on-disk index cache (see
   * index-cache.ts); undefined when a node's low PC lies beyond 2^53 (kept
   * in a map, not a column: such units are not cached).
   */
  columns(): FunctionColumns | undefined {
    if (this.bigLow.size) return undefined;
    const { ranges, offsets, parents, rangeEnds, callFiles, callLines, callColumns, discs, lows, inlinedFlags, firstChild, nextSibling, spanLows, spanHighs, spanOwners, maxHigh } = this;
    return { ranges, offsets, parents, rangeEnds, callFiles, callLines, callColumns, discs, lows, inlinedFlags, firstChild, nextSibling, spanLows, spanHighs, spanOwners, maxHigh };
  }

  /** The index over `columns` from {@link UnitFunctions.columns} (views into a cache file; nothing is copied or rebuilt). */
  static fromColumns(columns: FunctionColumns): UnitFunctions {
    const f = Object.create(UnitFunctions.prototype) as UnitFunctions;
    Object.assign(f, columns, { count: columns.parents.length, bigLow: new Map() });
    return f;
  }

  private rangeStartOf(i: number): number {
    return i === 0 ? 0 : this.rangeEnds[i - 1]!;
  }

  /** Node `i` as an object (made on each call). */
  node(i: number): FunctionNode {
    return {
      offset: this.offsets[i]!,
      inlined: this.inlinedFlags[i] === 1,
      parent: this.parents[i]!,
      rangeStart: this.rangeStartOf(i),
      rangeEnd: this.rangeEnds[i]!,
      callFile: this.callFile(i),
      callLine: this.callLine(i),
      callColumn: this.callColumn(i),
      discriminator: this.discriminator(i),
      lowPc: this.lowPc(i),
    };
  }

  /** Section offset of node `i`'s DIE. */
  offset(i: number): number {
    return this.offsets[i]!;
  }
  /** DW_AT_call_file of node `i` (0 when absent). */
  callFile(i: number): number {
    return this.callFiles[i] ?? 0;
  }
  /** DW_AT_call_line of node `i` (0 when absent). */
  callLine(i: number): number {
    return this.callLines[i] ?? 0;
  }
  /** DW_AT_call_column of node `i` (0 when absent). */
  callColumn(i: number): number {
    return this.callColumns[i] ?? 0;
  }
  /** The discriminator of node `i` (0 when absent). */
  discriminator(i: number): number {
    return this.discs[i] ?? 0;
  }
  /** DW_AT_low_pc of node `i` when its DIE has one. */
  lowPc(i: number): bigint | undefined {
    const low = this.lows[i]!;
    if (low !== low) return undefined;
    return low < 0 ? this.bigLow.get(i) : BigInt(low);
  }

  /** The start of node `i`'s first range in its DIE's order (what a DIE with DW_AT_ranges starts at, for GNU's tools). */
  firstRangeStart(i: number): bigint | undefined {
    const k = this.rangeStartOf(i);
    return k < this.rangeEnds[i]! ? BigInt(this.ranges[k]!) : undefined;
  }

  /** Walks `unit` (a compile unit, or the split unit of a skeleton). Throws ParseError on a damaged DIE. */
  static build(unit: Unit, tombstones: Tombstones): UnitFunctions {
    const cols = (scratch ??= new NodeColumns(1 << 12)).reset();
    const c = unit.entries();
    // Nearest node at each depth (or inherited from the depth above). Only
    // the entry above the current depth is read, and it always belongs to
    // the current DIE's parent, so deeper entries left over need no clearing.
    let nearest: Int32Array = new Int32Array(64).fill(-1);
    const attrs: MutableAttribute[] = [];
    const rangeCursors: (ListCursor | undefined)[] = [undefined, undefined];
    const addressSize = unit.header.addressSize;
    const keep = (b: number | bigint, e: number | bigint) => {
      if (tombstones.isTombstoneStart(b, addressSize)) return;
      if (typeof b === 'bigint' || typeof e === 'bigint' || !(b < e) || e > MAX_SAFE) return;
      cols.addRange(b, e);
    };
    // The smallest depth of a DIE passed over since the last one read (see DieCursor.passUntil).
    let passed = Infinity;
    for (;;) {
      const m = c.passUntil(FUNCTION_TAGS);
      if (m < passed) passed = m;
      if (!c.nextEntry()) break;
      if (!c.abbrev) continue;
      // Surplus null entries take a damaged unit's depth below its root: those DIEs count as top level.
      const depth = Math.max(0, c.depth);
      if (depth >= nearest.length) nearest = deeper(nearest, depth);
      if (passed < depth) {
        // The DIEs passed over are no nodes: each took its parent's nearest node, as the walk would have set them.
        const from = Math.max(0, passed);
        const v = from > 0 ? nearest[from - 1]! : -1;
        for (let k = from; k < depth; k++) nearest[k] = v;
      }
      passed = Infinity;
      const parent = depth > 0 ? (nearest[depth - 1] ?? -1) : -1;
      const tag = c.tag;
      let here = parent;
      if (tag === DW_TAG_subprogram || tag === DW_TAG_inlined_subroutine) {
        const n = c.attrsWanted(attrs, WANTED);
        let low: bigint | undefined;
        let highAttr: MutableAttribute | undefined;
        let rangesAttr: MutableAttribute | undefined;
        let callFile = 0;
        let callLine = 0;
        let callColumn = 0;
        let disc = 0;
        for (let i = 0; i < n; i++) {
          const a = attrs[i]!;
          switch (a.name) {
            case DW_AT_low_pc:
              low = unit.attrAddress(a);
              break;
            case DW_AT_high_pc:
              highAttr = a;
              break;
            case DW_AT_ranges:
              rangesAttr = a;
              break;
            case DW_AT_call_file:
              callFile = attrNumber(a.value) ?? 0;
              break;
            case DW_AT_call_line:
              callLine = attrNumber(a.value) ?? 0;
              break;
            case DW_AT_call_column:
              callColumn = attrNumber(a.value) ?? 0;
              break;
            case DW_AT_GNU_discriminator:
              disc = attrNumber(a.value) ?? 0;
              break;
          }
        }
        const rangeStart = cols.poolLength;
        // (the attribute objects stay valid until the next DIE's are decoded)
        if (low !== undefined && highAttr) {
          const high = unit.highPc(highAttr, low);
          if (high !== undefined) keep(low <= MAX_SAFE_BIG ? Number(low) : low, high <= MAX_SAFE_BIG ? Number(high) : high);
        } else if (rangesAttr) {
          // One cursor per list section for the whole walk (a Go unit has thousands of ranged DIEs).
          const loc = unit.rangeListLocation(rangesAttr);
          let rc: ListCursor | undefined;
          if (loc) {
            const k = loc.rnglists ? 1 : 0;
            const kept = rangeCursors[k];
            if (kept && kept.bytes === loc.owner.sections.bytes(loc.rnglists ? 'rnglists' : 'ranges')) rc = kept.reset(loc.offset);
            else rc = rangeCursors[k] = unit.rangeListCursor(rangesAttr);
          }
          if (rc) while (rc.next()) if (rc.hasRange) keep(rc.begin >= 0 ? rc.begin : rc.beginAddress, rc.end >= 0 ? rc.end : rc.endAddress);
        }
        const inlined = tag === DW_TAG_inlined_subroutine;
        if (cols.poolLength > rangeStart) {
          cols.room();
          here = cols.length++;
          cols.offset[here] = c.offset;
          cols.parent[here] = inlined ? parent : -1;
          cols.rangeEnd[here] = cols.poolLength;
          cols.callFile[here] = callFile;
          cols.callLine[here] = callLine;
          cols.callColumn[here] = callColumn;
          cols.disc[here] = disc;
          cols.inlined[here] = inlined ? 1 : 0;
          if (low === undefined) cols.low[here] = NaN;
          else if (low <= MAX_SAFE_BIG) cols.low[here] = Number(low);
          else {
            cols.low[here] = -1;
            cols.bigLow.set(here, low);
          }
        }
      }
      nearest[depth] = here;
    }
    const built = new UnitFunctions(cols);
    // Columns grown for one very large unit are not kept for the life of the process.
    if (cols.offset.length > 1 << 16) scratch = undefined;
    return built;
  }

  /** True when node `n`'s ranges hold `address`. */
  contains(n: number, address: number): boolean {
    const r = this.ranges;
    const end = this.rangeEnds[n]!;
    for (let k = this.rangeStartOf(n); k < end; k += 2) if (r[k]! <= address && address < r[k + 1]!) return true;
    return false;
  }

  /** The chain at `address`: node indexes innermost first, ending with the subprogram; empty when none holds it. */
  chain(address: number): number[] {
    const out: number[] = [];
    out.length = this.chainInto(address, out);
    return out;
  }

  /**
   * {@link chain} into `out` (reused: a lookup per address makes no array),
   * whose first entries it overwrites; returns the chain's length.
   */
  chainInto(address: number, out: number[]): number {
    const lows = this.spanLows;
    let lo = 0;
    let hi = lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lows[mid]! <= address) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    for (let k = lo - 1; k >= 0 && this.maxHigh[k]! > address; k--) {
      if (this.spanHighs[k]! > address && this.spanOwners[k]! > best) best = this.spanOwners[k]!;
    }
    if (best < 0) return 0;
    let n = 0;
    out[n++] = best;
    for (let cur = best; ; ) {
      let next = -1;
      for (let ch = this.firstChild[cur]!; ch >= 0; ch = this.nextSibling[ch]!) if (this.contains(ch, address)) next = ch;
      if (next < 0) break;
      out[n++] = next;
      cur = next;
    }
    // Outermost first so far: innermost first.
    for (let i = 0, j = n - 1; i < j; i++, j--) {
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return n;
  }
}
