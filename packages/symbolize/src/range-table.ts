/**
 * The two questions the unit search asks of an address-sorted range table
 * (starts ascending, ends, and the running maximum of ends), shared by the
 * live DWARF source and the index cache so both answer by one rule.
 */

/** The position of the last start at or below `a` plus one (binary search over `lows`). */
export function upperBound(lows: Float64Array, a: number): number {
  let lo = 0;
  let hi = lows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lows[mid]! <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lowest owner among the ranges that contain `a`, or -1: one unit's
 * ranges may overlap another's, and the lowest-numbered owner answers, so
 * the live index and the cached one pick the same unit.
 */
export function lowestOwnerAt(lows: Float64Array, highs: Float64Array, maxHigh: Float64Array, owners: Int32Array, a: number): number {
  let best = -1;
  for (let k = upperBound(lows, a) - 1; k >= 0 && maxHigh[k]! > a; k--) {
    if (highs[k]! > a && (best < 0 || owners[k]! < best)) best = owners[k]!;
  }
  return best;
}

/**
 * The position of the one range that contains `a` when no earlier range is
 * still open there, else -1 (overlapping `.debug_aranges`: the full unit
 * index decides).
 */
export function soleRangeAt(lows: Float64Array, highs: Float64Array, maxHigh: Float64Array, a: number): number {
  const k = upperBound(lows, a) - 1;
  if (k < 0 || highs[k]! <= a) return -1;
  if (k > 0 && maxHigh[k - 1]! > a) return -1;
  return k;
}
