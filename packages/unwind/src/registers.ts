import type { Arch } from './arch.js';

/**
 * A frame's known registers, by DWARF number (a register absent here is
 * unknown: clobbered by a call, or never captured). Immutable: an unwind
 * step makes a new set for the caller.
 */
export class Registers {
  private readonly values: ReadonlyMap<number, bigint>;

  constructor(
    readonly arch: Arch,
    values: ReadonlyMap<number, bigint> | Iterable<[number, bigint]>,
  ) {
    this.values = values instanceof Map ? values : new Map(values);
  }

  /**
   * Registers from `[name, value]` pairs as a core's NT_PRSTATUS or a perf
   * sample names them (`rip`, `rsp`, `x29`, `pc`…); names the arch does not
   * map (segment registers, orig_rax) are left out.
   */
  static fromNamed(arch: Arch, entries: Iterable<[string, bigint]>): Registers {
    const m = new Map<number, bigint>();
    const bits = arch.addressSize * 8;
    const add = (name: string, value: bigint) => {
      const n = arch.dwarfByName[name];
      if (n !== undefined) m.set(n, BigInt.asUintN(bits, value));
    };
    // An array by index: destructuring each pair through the iterator protocol is slow before V8 optimizes (once per thread of a core).
    if (Array.isArray(entries)) {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i] as [string, bigint];
        add(e[0], e[1]);
      }
    } else for (const [name, value] of entries) add(name, value);
    return new Registers(arch, m);
  }

  /** The value of DWARF register `n`, or undefined when unknown. */
  get(n: number): bigint | undefined {
    return this.values.get(n);
  }

  /** True when DWARF register `n` is known. */
  has(n: number): boolean {
    return this.values.has(n);
  }

  /** The program counter (undefined when unknown). */
  get pc(): bigint | undefined {
    return this.values.get(this.arch.pc);
  }

  /** The stack pointer (undefined when unknown). */
  get sp(): bigint | undefined {
    return this.values.get(this.arch.sp);
  }

  /** Every known register, by DWARF number. */
  entries(): IterableIterator<[number, bigint]> {
    return this.values.entries();
  }

  /** How many registers are known. */
  get size(): number {
    return this.values.size;
  }

  /** The known registers as `{name: value}`, named as the arch prints them (`r17` for unnamed ones). */
  named(): Record<string, bigint> {
    const out: Record<string, bigint> = {};
    for (const [n, v] of [...this.values].sort((a, b) => a[0] - b[0])) out[this.arch.names[n] ?? `r${n}`] = v;
    return out;
  }
}
