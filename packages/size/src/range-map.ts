import { RangeList } from './range-list.js';

/**
 * Disjoint labelled ranges over one address space (file offsets or virtual
 * addresses), sorted by start: bloaty's RangeMap. Labels are small integers
 * into the owning map's label table. Immutable: {@link RangeMap.fill}
 * returns a new map.
 */
export class RangeMap {
  /** Where each range starts in the other address space (-1: nowhere); the base map's only. */
  readonly others: Float64Array | undefined;

  private constructor(
    readonly starts: Float64Array,
    readonly ends: Float64Array,
    readonly labels: Int32Array,
    others: Float64Array | undefined,
    readonly length: number,
  ) {
    this.others = others;
  }

  /** A map with no ranges. */
  static empty(): RangeMap {
    return new RangeMap(new Float64Array(0), new Float64Array(0), new Int32Array(0), undefined, 0);
  }

  /** Index of the first range that ends after `x` (`length` when none does). */
  firstEndingAfter(x: number): number {
    let lo = 0;
    let hi = this.length;
    const ends = this.ends;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the range containing `x`, or -1. */
  indexAt(x: number): number {
    const i = this.firstEndingAfter(x);
    return i < this.length && this.starts[i]! <= x ? i : -1;
  }

  /** The label of the range containing `x`, or -1. */
  labelAt(x: number): number {
    const i = this.indexAt(x);
    return i < 0 ? -1 : this.labels[i]!;
  }

  /** Total length of the ranges. */
  get covered(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) n += this.ends[i]! - this.starts[i]!;
    return n;
  }

  /**
   * This map with the parts of `ranges` that it does not cover yet added:
   * bloaty's "first label wins". `ranges` are in priority order (earlier
   * wins where they overlap each other too).
   *
   * The new map is written in two passes over the gaps (one to count, one
   * to write them merged with this map's ranges into arrays of the exact
   * size): no list of gaps, no sorted copy of `ranges` — a layer of half a
   * million ranges would otherwise make two more lists of its size.
   */
  fill(ranges: RangeList): RangeMap {
    if (ranges.length === 0) return this;
    const add = resolve(ranges);
    const g = this.gaps(add, undefined);
    if (g === 0) return this;
    const total = this.length + g;
    const dual = this.others !== undefined || add.list.others !== undefined;
    const out = new RangeMap(new Float64Array(total), new Float64Array(total), new Int32Array(total), dual ? new Float64Array(total) : undefined, total);
    this.gaps(add, out);
    return out;
  }

  /**
   * The parts of `add` in the gaps of this map, in address order, a gap
   * that continues the previous one with the same label (and, in a dual
   * map, the same translation) extending it. Without `out`, returns how
   * many there are; with it, writes them merged with this map's ranges
   * into `out` (sized for both).
   */
  private gaps(add: SortedRanges, out: RangeMap | undefined): number {
    const n = this.length;
    const ms = this.starts;
    const me = this.ends;
    const ml = this.labels;
    const mo = this.others;
    const { starts: as, ends: ae, labels: al, others: ao } = add.list;
    const order = add.order;
    const m = add.list.length;
    const os = out?.starts;
    const oe = out?.ends;
    const ol = out?.labels;
    const oo = out?.others;
    // The last gap: where it ends, its label and its translation at its end (-1: none).
    let lastEnd = NaN;
    let lastLabel = -1;
    let lastOther = -1;
    let count = 0;
    let w = 0; // the next map range to copy into `out`
    let c = 0; // ranges written to `out`
    let j = 0;
    for (let q = 0; q < m; q++) {
      const k = order ? order[q]! : q;
      let s = as[k]!;
      const e = ae[k]!;
      const label = al[k]!;
      const o = ao ? ao[k]! : -1;
      const s0 = s;
      while (j < n && me[j]! <= s) j++;
      while (s < e) {
        if (j < n && ms[j]! <= s) {
          s = me[j]!;
          j++;
          continue;
        }
        const gapEnd = j < n && ms[j]! < e ? ms[j]! : e;
        const other = o < 0 ? -1 : o + (s - s0);
        if (s === lastEnd && label === lastLabel && (other < 0 ? lastOther < 0 : lastOther === other)) {
          // Continues the last gap (nothing of the map lies between them).
          if (oe) oe[c - 1] = gapEnd;
        } else {
          count++;
          if (os) {
            while (w < n && ms[w]! < s) {
              os[c] = ms[w]!;
              oe![c] = me[w]!;
              ol![c] = ml[w]!;
              if (oo) oo[c] = mo ? mo[w]! : -1;
              c++;
              w++;
            }
            os[c] = s;
            oe![c] = gapEnd;
            ol![c] = label;
            if (oo) oo[c] = other;
            c++;
          }
        }
        lastEnd = gapEnd;
        lastLabel = label;
        lastOther = other < 0 ? -1 : other + (gapEnd - s);
        s = gapEnd;
      }
      // The next range may start inside the map range that ended this one.
      if (j > 0 && me[j - 1]! > e) j--;
    }
    if (os) {
      for (; w < n; w++, c++) {
        os[c] = ms[w]!;
        oe![c] = me[w]!;
        ol![c] = ml[w]!;
        if (oo) oo[c] = mo ? mo[w]! : -1;
      }
    }
    return count;
  }

  /**
   * The pieces of `[start, end)` that this map translates to the other
   * address space, through each range's `other`, pushed into `out` under
   * `label` (no callback: a source adds hundreds of thousands of ranges).
   */
  translateInto(start: number, end: number, out: RangeList, label: number): void {
    const others = this.others;
    if (!others) return;
    for (let i = this.firstEndingAfter(start); i < this.length && this.starts[i]! < end; i++) {
      const o = others[i]!;
      if (o < 0) continue;
      const s = Math.max(start, this.starts[i]!);
      const e = Math.min(end, this.ends[i]!);
      if (e > s) out.push(o + (s - this.starts[i]!), o + (e - this.starts[i]!), label);
    }
  }
}

/** Disjoint ranges sorted by start: `list` in `order` (in its own order when undefined). */
export interface SortedRanges {
  readonly list: RangeList;
  readonly order: Uint32Array | undefined;
}

/**
 * `ranges` (in priority order, possibly overlapping) as disjoint ranges
 * sorted by start, each byte going to the earliest range that covers it.
 * Ranges that do not overlap stay where they are, read through a sorted
 * order of indexes.
 */
export function resolve(ranges: RangeList): SortedRanges {
  const n = ranges.length;
  const { starts, ends } = ranges;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (starts[i]! < starts[i - 1]!) {
      sorted = false;
      break;
    }
  }
  const order = sorted ? undefined : sortIndexes(starts, n);
  for (let k = 1; k < n; k++) {
    const cur = order ? order[k]! : k;
    const prev = order ? order[k - 1]! : k - 1;
    if (starts[cur]! < ends[prev]!) return { list: sweep(ranges, order ?? identity(n)), order: undefined };
  }
  return { list: ranges, order };
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/**
 * Indexes 0..n-1 sorted by `key`, ties by index (stable). Keys that arrive
 * in a few long ascending runs (symbol tables, line tables, unit after
 * unit) are merged run by run; keys in many short runs (a Go function's
 * slot, record and name, which lie in three regions) are integers within
 * 2^32 of each other, and go through a radix sort: a fixed three passes
 * instead of a merge pass per doubling of the run length.
 */
export function sortIndexes(key: Float64Array, n: number): Uint32Array {
  let runs = 1;
  let min = n > 0 ? key[0]! : 0;
  let max = min;
  let integral = true;
  for (let i = 1; i < n; i++) {
    const k = key[i]!;
    if (k < key[i - 1]!) runs++;
    if (k < min) min = k;
    else if (k > max) max = k;
    if (integral && k !== Math.floor(k)) integral = false;
  }
  if (runs === 1) return identity(n);
  if (runs > 16 && integral && max - min < 0x1_0000_0000 && Number.isInteger(min)) return radixSortIndexes(key, n, min, max - min);
  return mergeSortIndexes(key, n);
}

/**
 * The indexes 0..n-1 in `key` order, a group of equal keys at a time:
 * `visit(order, from, to)` for each, where `order[from..to)` are the
 * indexes holding that key (lowest first) and `order[to]`, when `to < n`,
 * holds the next larger key. For lists whose entries run to the next one.
 */
export function forEachKeyGroup(key: Float64Array, n: number, visit: (order: Uint32Array, from: number, to: number) => void): void {
  const order = sortIndexes(key, n);
  for (let k = 0; k < n; ) {
    const v = key[order[k]!]!;
    let j = k + 1;
    while (j < n && key[order[j]!] === v) j++;
    visit(order, k, j);
    k = j;
  }
}

/** Stable LSD radix sort of `key - min` (integers below 2^32) in as few passes as the span needs. */
function radixSortIndexes(key: Float64Array, n: number, min: number, span: number): Uint32Array {
  const bits = span === 0 ? 1 : 32 - Math.clz32(span);
  const passes = Math.ceil(bits / 11);
  const width = Math.ceil(bits / passes);
  const mask = (1 << width) - 1;
  let idx: Uint32Array = identity(n);
  let rel: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) rel[i] = key[i]! - min;
  let idx2: Uint32Array = new Uint32Array(n);
  let rel2: Uint32Array = new Uint32Array(n);
  const count = new Uint32Array(mask + 1);
  for (let p = 0, shift = 0; p < passes; p++, shift += width) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(rel[i]! >>> shift) & mask]!++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const r = rel[i]!;
      const at = count[(r >>> shift) & mask]!++;
      idx2[at] = idx[i]!;
      rel2[at] = r;
    }
    [idx, idx2] = [idx2, idx];
    [rel, rel2] = [rel2, rel];
  }
  return idx;
}

/** A stable natural merge sort of the indexes: each pass merges pairs of ascending runs. */
function mergeSortIndexes(key: Float64Array, n: number): Uint32Array {
  let a: Uint32Array = identity(n);
  let b: Uint32Array = new Uint32Array(n);
  // Run boundaries: starts of maximal non-descending runs.
  const runs: number[] = [0];
  for (let i = 1; i < n; i++) if (key[i]! < key[i - 1]!) runs.push(i);
  runs.push(n);
  let bounds = runs;
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r]!;
      const mid = bounds[r + 1]!;
      const hi = r + 2 < bounds.length ? bounds[r + 2]! : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Stable: on equal keys the left run (lower indexes) goes first.
        if (key[a[j]!]! < key[a[i]!]!) b[k++] = a[j++]!;
        else b[k++] = a[i++]!;
      }
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
      next.push(hi);
    }
    if (next[next.length - 1] !== n) next.push(n);
    bounds = next;
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

/**
 * The general case: a sweep over start and end points with a min-heap of
 * the active ranges' priorities; between two points the earliest active
 * range owns the bytes.
 */
function sweep(ranges: RangeList, byStart: Uint32Array): RangeList {
  const n = ranges.length;
  const { starts, ends, labels, others } = ranges;
  const byEnd = sortIndexes(ends, n);
  const heap = new Int32Array(n);
  let size = 0;
  const ended = new Uint8Array(n);
  const push = (v: number) => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= v) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = v;
  };
  const pop = () => {
    const last = heap[--size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const c = l + 1 < size && heap[l + 1]! < heap[l]! ? l + 1 : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  };
  const out = new RangeList(n + 8, ranges.dual);
  let si = 0;
  let ei = 0;
  let pos = -Infinity;
  while (ei < n) {
    const next = si < n ? Math.min(starts[byStart[si]!]!, ends[byEnd[ei]!]!) : ends[byEnd[ei]!]!;
    // The owner of [pos, next).
    while (size > 0 && ended[heap[0]!]) pop();
    if (size > 0 && next > pos) {
      const w = heap[0]!;
      const o = others ? others[w]! : -1;
      out.push(pos, next, labels[w]!, o < 0 ? -1 : o + (pos - starts[w]!));
    }
    pos = next;
    while (ei < n && ends[byEnd[ei]!] === pos) ended[byEnd[ei++]!] = 1;
    while (si < n && starts[byStart[si]!] === pos) {
      const i = byStart[si++]!;
      if (!ended[i]) push(i);
    }
  }
  return out;
}
