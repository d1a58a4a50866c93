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

/** `values` in 16 bits when they fit, 32 otherwise; NONE when all are 0. */
function narrowColumn(values: readonly number[]): Column {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return NONE;
  return max > 0xffff ? Uint32Array.from(values) : Uint16Array.from(values);
}

/** Growable columns of numbers, one value per node, turned into typed arrays when the walk ends. */
class NodeColumns {
  offset: number[] = [];
  parent: number[] = [];
  rangeEnd: number[] = [];
  callFile: number[] = [];
  callLine: number[] = [];
  callColumn: number[] = [];
  disc: number[] = [];
  /** DW_AT_low_pc, NaN when absent, -1 when beyond 2^53 (then in `bigLow`). */
  low: number[] = [];
  inlined: number[] = [];
  bigLow = new Map<number, bigint>();
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

  private constructor(c: NodeColumns, ranges: number[]) {
    const n = c.offset.length;
    this.count = n;
    this.ranges = Float64Array.from(ranges);
    this.offsets = c.offset.every((o) => o <= 0xffffffff) ? Uint32Array.from(c.offset) : Float64Array.from(c.offset);
    this.parents = Int32Array.from(c.parent);
    this.rangeEnds = Uint32Array.from(c.rangeEnd);
    this.callFiles = narrowColumn(c.callFile);
    this.callLines = narrowColumn(c.callLine);
    this.callColumns = narrowColumn(c.callColumn);
    this.discs = narrowColumn(c.disc);
    this.lows = Float64Array.from(c.low);
    this.inlinedFlags = Uint8Array.from(c.inlined);
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
    order.sort((x, y) => rr[spanAt[x]!]! - rr[spanAt[y]!]! || spanNode[x]! - spanNode[y]!);
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

  /** Walks `unit` (a compile unit, or the split unit of a skeleton). Throws ParseError on a damaged DIE. */
  static build(unit: Unit, tombstones: Tombstones): UnitFunctions {
    const cols = new NodeColumns();
    const pool: number[] = [];
    const c = unit.entries();
    // Nearest node at each depth (or inherited from the depth above). Only
    // the entry above the current depth is read, and it always belongs to
    // the current DIE's parent, so deeper entries left over need no clearing.
    let nearest = new Int32Array(64).fill(-1);
    const attrs: MutableAttribute[] = [];
    const rangeCursors: (ListCursor | undefined)[] = [undefined, undefined];
    const addressSize = unit.header.addressSize;
    const keep = (b: number | bigint, e: number | bigint) => {
      if (tombstones.isTombstoneStart(b, addressSize)) return;
      if (typeof b === 'bigint' || typeof e === 'bigint' || !(b < e) || e > MAX_SAFE) return;
      pool.push(b, e);
    };
    while (c.nextEntry()) {
      if (!c.abbrev) continue;
      // Surplus null entries take a damaged unit's depth below its root: those DIEs count as top level.
      const depth = Math.max(0, c.depth);
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
        const rangeStart = pool.length;
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
        if (pool.length > rangeStart) {
          here = cols.offset.length;
          cols.offset.push(c.offset);
          cols.parent.push(inlined ? parent : -1);
          cols.rangeEnd.push(pool.length);
          cols.callFile.push(callFile);
          cols.callLine.push(callLine);
          cols.callColumn.push(callColumn);
          cols.disc.push(disc);
          cols.inlined.push(inlined ? 1 : 0);
          if (low === undefined) cols.low.push(NaN);
          else if (low <= MAX_SAFE_BIG) cols.low.push(Number(low));
          else {
            cols.low.push(-1);
            cols.bigLow.set(here, low);
          }
        }
      }
      if (depth >= nearest.length) {
        const grown = new Int32Array(Math.max(nearest.length * 2, depth + 1)).fill(-1);
        grown.set(nearest);
        nearest = grown;
      }
      nearest[depth] = here;
    }
    return new UnitFunctions(cols, pool);
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
    if (best < 0) return [];
    const out = [best];
    for (let cur = best; ; ) {
      let next = -1;
      for (let ch = this.firstChild[cur]!; ch >= 0; ch = this.nextSibling[ch]!) if (this.contains(ch, address)) next = ch;
      if (next < 0) break;
      out.push(next);
      cur = next;
    }
    return out.reverse();
  }
}
