/**
 * A fixed number of recent answers by integer key, one slot per key modulo
 * the size (a direct-mapped cache): a profiler's hot addresses are answered
 * from it again and again, while a pass over a whole binary — each
 * function met once or twice — keeps no more than the slots alive, instead
 * of an object and its strings for every function it ever named (which the
 * garbage collector would copy and promote, and the process would hold).
 */
export class RecentCache<T> {
  private readonly keys: Float64Array;
  private readonly values: (T | undefined)[];
  private readonly mask: number;

  /** `bits`: log2 of the number of slots. */
  constructor(bits: number) {
    const n = 1 << bits;
    this.mask = n - 1;
    this.keys = new Float64Array(n).fill(-1);
    this.values = new Array<T | undefined>(n).fill(undefined);
  }

  /** The value kept for `key` (a non-negative integer below 2^53), or undefined. */
  get(key: number): T | undefined {
    const i = (key % 0x40000000) & this.mask;
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  set(key: number, value: T): void {
    const i = (key % 0x40000000) & this.mask;
    this.keys[i] = key;
    this.values[i] = value;
  }
}
