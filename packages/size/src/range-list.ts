/**
 * A growable list of labelled ranges `[start, end)` in insertion order,
 * stored as parallel typed arrays (a million ranges are a few typed
 * arrays, not a million objects). A range that continues the last one
 * with the same label extends it instead (the pclntab tables of one
 * function, adjacent symbols of one unit).
 *
 * A `dual` list also records where each range starts in the other
 * address space (file offset for a VM range and the reverse; -1 for
 * none): the base map's translation.
 */
export class RangeList {
  starts: Float64Array;
  ends: Float64Array;
  labels: Int32Array;
  /** Present in a dual list only. */
  others: Float64Array | undefined;
  length = 0;

  constructor(
    capacity = 16,
    readonly dual = false,
  ) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.labels = new Int32Array(capacity);
    this.others = dual ? new Float64Array(capacity) : undefined;
  }

  /** Appends `[start, end)`; empty and inverted ranges are dropped. */
  push(start: number, end: number, label: number, other = -1): void {
    if (!(end > start)) return;
    const last = this.length - 1;
    if (last >= 0 && this.ends[last] === start && this.labels[last] === label) {
      const o = this.others;
      if (!o || (other < 0 ? o[last]! < 0 : o[last]! >= 0 && o[last]! + (start - this.starts[last]!) === other)) {
        this.ends[last] = end;
        return;
      }
    }
    if (this.length === this.starts.length) this.grow();
    const i = this.length++;
    this.starts[i] = start;
    this.ends[i] = end;
    this.labels[i] = label;
    if (this.others) this.others[i] = other;
  }

  private grow(): void {
    const n = Math.max(16, this.starts.length * 2);
    this.starts = copy(this.starts, new Float64Array(n));
    this.ends = copy(this.ends, new Float64Array(n));
    this.labels = copy(this.labels, new Int32Array(n));
    if (this.others) this.others = copy(this.others, new Float64Array(n));
  }

  /** Empties the list and lets go of its storage. */
  clear(): void {
    this.length = 0;
    if (this.starts.length > 1024) {
      this.starts = new Float64Array(16);
      this.ends = new Float64Array(16);
      this.labels = new Int32Array(16);
      if (this.others) this.others = new Float64Array(16);
    }
  }
}

function copy<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
