import { attrNumber, DW_AT_call_column, DW_AT_call_file, DW_AT_call_line, DW_AT_GNU_discriminator, DW_AT_high_pc, DW_AT_low_pc, DW_AT_ranges, DW_TAG_inlined_subroutine, DW_TAG_subprogram, type MutableAttribute, type Unit } from '@elfkit/dwarf';
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
  readonly callLine: number;
  readonly callColumn: number;
  readonly discriminator: number;
  /** DW_AT_low_pc when the DIE has one (LLVM's StartAddress). */
  readonly lowPc: bigint | undefined;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The code-bearing subprograms of one unit and the inlined calls inside
 * them, found by one walk over the unit's DIEs (LLVM's `AddrDieMap`,
 * gimli addr2line's `Functions`): a lookup finds the subprogram holding an
 * address by binary search and descends through the inlined calls that
 * contain it. Where ranges overlap the DIE met later in the walk wins, as
 * in LLVM (a child after its parent, so the innermost).
 */
export class UnitFunctions {
  readonly nodes: FunctionNode[];
  /** Every node's `[begin, end)` pairs, one after the other. */
  readonly ranges: Float64Array;
  /** Each node's first child and next sibling among the inlined calls (-1: none), in walk order. */
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  /** Subprogram ranges sorted by begin: begin, end, node, and the largest end so far. */
  private readonly lows: Float64Array;
  private readonly highs: Float64Array;
  private readonly owners: Int32Array;
  private readonly maxHigh: Float64Array;

  private constructor(nodes: FunctionNode[], ranges: Float64Array) {
    this.nodes = nodes;
    this.ranges = ranges;
    this.firstChild = new Int32Array(nodes.length).fill(-1);
    this.nextSibling = new Int32Array(nodes.length).fill(-1);
    const lastChild = new Int32Array(nodes.length).fill(-1);
    const spans: { lo: number; hi: number; n: number }[] = [];
    nodes.forEach((node, i) => {
      if (node.inlined && node.parent >= 0) {
        const p = node.parent;
        if (lastChild[p]! < 0) this.firstChild[p] = i;
        else this.nextSibling[lastChild[p]!] = i;
        lastChild[p] = i;
      } else for (let k = node.rangeStart; k < node.rangeEnd; k += 2) spans.push({ lo: ranges[k]!, hi: ranges[k + 1]!, n: i });
    });
    spans.sort((a, b) => a.lo - b.lo || a.n - b.n);
    const n = spans.length;
    this.lows = new Float64Array(n);
    this.highs = new Float64Array(n);
    this.owners = new Int32Array(n);
    this.maxHigh = new Float64Array(n);
    let m = 0;
    spans.forEach((s, i) => {
      this.lows[i] = s.lo;
      this.highs[i] = s.hi;
      this.owners[i] = s.n;
      m = Math.max(m, s.hi);
      this.maxHigh[i] = m;
    });
  }

  /** Walks `unit` (a compile unit, or the split unit of a skeleton). Throws ParseError on a damaged DIE. */
  static build(unit: Unit, tombstones: Tombstones): UnitFunctions {
    const nodes: FunctionNode[] = [];
    const pool: number[] = [];
    const c = unit.entries();
    // nearest node at each depth (or inherited from the depth above)
    const nearest: number[] = [-1];
    const attrs: MutableAttribute[] = [];
    const addressSize = unit.header.addressSize;
    while (c.nextEntry()) {
      if (!c.abbrev) continue;
      // Surplus null entries take a damaged unit's depth below its root: those DIEs count as top level.
      const depth = Math.max(0, c.depth);
      const parent = depth > 0 ? (nearest[depth - 1] ?? -1) : -1;
      const tag = c.tag;
      let here = parent;
      if (tag === DW_TAG_subprogram || tag === DW_TAG_inlined_subroutine) {
        const n = c.attrsInto(attrs);
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
              highAttr = { ...a };
              break;
            case DW_AT_ranges:
              rangesAttr = { ...a };
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
        const add = (b: number | bigint, e: number | bigint) => {
          if (tombstones.isTombstoneStart(b, addressSize)) return;
          if (typeof b === 'bigint' || typeof e === 'bigint' || !(b < e) || e > MAX_SAFE) return;
          pool.push(b, e);
        };
        if (low !== undefined && highAttr) {
          const high = unit.highPc(highAttr, low);
          if (high !== undefined) add(low <= BigInt(MAX_SAFE) ? Number(low) : low, high <= BigInt(MAX_SAFE) ? Number(high) : high);
        } else if (rangesAttr) {
          const rc = unit.rangeListCursor(rangesAttr);
          if (rc) while (rc.next()) if (rc.hasRange) add(rc.begin >= 0 ? rc.begin : rc.beginAddress, rc.end >= 0 ? rc.end : rc.endAddress);
        }
        const inlined = tag === DW_TAG_inlined_subroutine;
        if (pool.length > rangeStart) {
          here = nodes.length;
          nodes.push({ offset: c.offset, inlined, parent: inlined ? parent : -1, rangeStart, rangeEnd: pool.length, callFile, callLine, callColumn, discriminator: disc, lowPc: low });
        }
      }
      nearest[depth] = here;
      nearest.length = depth + 1;
    }
    return new UnitFunctions(nodes, Float64Array.from(pool));
  }

  /** True when node `n`'s ranges hold `address`. */
  contains(n: number, address: number): boolean {
    const node = this.nodes[n]!;
    const r = this.ranges;
    for (let k = node.rangeStart; k < node.rangeEnd; k += 2) if (r[k]! <= address && address < r[k + 1]!) return true;
    return false;
  }

  /** The chain at `address`: node indexes innermost first, ending with the subprogram; empty when none holds it. */
  chain(address: number): number[] {
    const lows = this.lows;
    let lo = 0;
    let hi = lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lows[mid]! <= address) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    for (let k = lo - 1; k >= 0 && this.maxHigh[k]! > address; k--) {
      if (this.highs[k]! > address && this.owners[k]! > best) best = this.owners[k]!;
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


