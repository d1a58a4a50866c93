import type { SymbolTable } from '@elfkit/elf';
import type { ElfContext } from './elf-context.js';
import { sortIndexes } from './range-map.js';
import { forEachSizedSymbol } from './sources/symbols.js';

/**
 * The size of the first sized symbol at each address, looked up by
 * address: two sorted typed arrays and a binary search, not a Map — whose
 * 46,000 entries on the docker CLI (addresses past 2^31 each a heap
 * number) lived, and were copied by every minor collection, through the
 * whole DWARF walk.
 */
export class SymbolSizes {
  private readonly addresses: Float64Array;
  private readonly sizes: Float64Array;

  constructor(table: SymbolTable | undefined, ctx: ElfContext) {
    const n = table ? table.count : 0;
    const at = new Float64Array(n);
    const size = new Float64Array(n);
    let k = 0;
    if (table) {
      forEachSizedSymbol(table, ctx, (s) => {
        at[k] = s.address;
        size[k++] = s.size;
      });
    }
    // Stable: the first symbol in table order leads each address.
    const order = sortIndexes(at, k);
    let m = 0;
    for (let j = 0; j < k; j++) if (j === 0 || at[order[j]!] !== at[order[j - 1]!]) m++;
    this.addresses = new Float64Array(m);
    this.sizes = new Float64Array(m);
    for (let j = 0, c = 0; j < k; j++) {
      const i = order[j]!;
      if (j > 0 && at[i] === at[order[j - 1]!]) continue;
      this.addresses[c] = at[i]!;
      this.sizes[c++] = size[i]!;
    }
  }

  /** The size of the first sized symbol starting at `address`, or undefined. */
  get(address: number): number | undefined {
    const a = this.addresses;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < address) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length && a[lo] === address ? this.sizes[lo] : undefined;
  }
}
