import type { Arch } from './arch.js';

/** The array {@link Registers.fromArray} hands its constructor. */
let adopted: (bigint | undefined)[] | undefined;
const NO_PAIRS: readonly [number, bigint][] = [];

/**
 * A frame's known registers, by DWARF number (a register absent here is
 * unknown: clobbered by a call, or never captured). Immutable: an unwind
 * step makes a new set for the caller. Kept in an array indexed by the
 * number, not a Map: a core's threads make one set per frame, mostly
 * before V8 optimizes anything, and a Map of ten registers grows twice.
 */
export class Registers {
  /** Values by DWARF number; a hole (or undefined) is an unknown register. */
  private readonly values: (bigint | undefined)[];

  constructor(
    readonly arch: Arch,
    values: ReadonlyMap<number, bigint> | Iterable<[number, bigint]>,
  ) {
    const given = adopted;
    if (given) {
      adopted = undefined;
      this.values = given;
      return;
    }
    const a: (bigint | undefined)[] = [];
    for (const [n, v] of values) a[n] = v;
    this.values = a;
  }

  /**
   * Registers from an array indexed by DWARF number (holes and undefined
   * are unknown), which the new set takes over: the caller must not change
   * it afterwards. What an unwind step builds its caller's registers in.
   */
  static fromArray(arch: Arch, values: (bigint | undefined)[]): Registers {
    // Through the constructor (one shape for every set), which takes the array from here.
    adopted = values;
    return new Registers(arch, NO_PAIRS);
  }

  /**
   * Registers from `[name, value]` pairs as a core's NT_PRSTATUS or a perf
   * sample names them (`rip`, `rsp`, `x29`, `pc`…); names the arch does not
   * map (segment registers, orig_rax) are left out.
   */
  static fromNamed(arch: Arch, entries: Iterable<[string, bigint]>): Registers {
    const a: (bigint | undefined)[] = [];
    const bits = arch.addressSize * 8;
    const add = (name: string, value: bigint) => {
      const n = arch.dwarfByName[name];
      if (n !== undefined) a[n] = BigInt.asUintN(bits, value);
    };
    // An array by index: destructuring each pair through the iterator protocol is slow before V8 optimizes (once per thread of a core).
    if (Array.isArray(entries)) {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i] as [string, bigint];
        add(e[0], e[1]);
      }
    } else for (const [name, value] of entries) add(name, value);
    return Registers.fromArray(arch, a);
  }

  /**
   * Registers from a core's register block: `names[i]` holds `values[i]`
   * (NT_PRSTATUS' layout), as {@link fromNamed} reads `[name, value]`
   * pairs, without a pair made per register (a core's every thread).
   */
  static fromValues(arch: Arch, names: readonly string[], values: readonly bigint[]): Registers {
    const a: (bigint | undefined)[] = [];
    const bits = arch.addressSize * 8;
    const n = Math.min(names.length, values.length);
    for (let i = 0; i < n; i++) {
      const d = arch.dwarfByName[names[i]!];
      if (d !== undefined) a[d] = BigInt.asUintN(bits, values[i]!);
    }
    return Registers.fromArray(arch, a);
  }

  /** The value of DWARF register `n`, or undefined when unknown. */
  get(n: number): bigint | undefined {
    return this.values[n];
  }

  /** True when DWARF register `n` is known. */
  has(n: number): boolean {
    return this.values[n] !== undefined;
  }

  /** The program counter (undefined when unknown). */
  get pc(): bigint | undefined {
    return this.values[this.arch.pc];
  }

  /** The stack pointer (undefined when unknown). */
  get sp(): bigint | undefined {
    return this.values[this.arch.sp];
  }

  /** Every known register, by DWARF number (in increasing order). */
  *entries(): IterableIterator<[number, bigint]> {
    const a = this.values;
    for (let n = 0; n < a.length; n++) {
      const v = a[n];
      if (v !== undefined) yield [n, v];
    }
  }

  /** How many registers are known. */
  get size(): number {
    let k = 0;
    const a = this.values;
    for (let n = 0; n < a.length; n++) if (a[n] !== undefined) k++;
    return k;
  }

  /** The known registers as `{name: value}`, named as the arch prints them (`r17` for unnamed ones). */
  named(): Record<string, bigint> {
    const out: Record<string, bigint> = {};
    for (const [n, v] of this.entries()) out[this.arch.names[n] ?? `r${n}`] = v;
    return out;
  }
}
