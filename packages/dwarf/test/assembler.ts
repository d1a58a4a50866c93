// A small label-based byte assembler for DWARF unit tests (after gimli's
// test_assembler): write values, mark labels, refer to labels before they
// are defined, and let `build()` patch the references.

type Fixup = { at: number; label: string; size: number; minus?: string; add: number };

export class Asm {
  private readonly out: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  constructor(readonly order: 'little' | 'big' = 'little') {}

  get pos(): number {
    return this.out.length;
  }

  /** Marks the current position as `name`. */
  label(name: string): this {
    this.labels.set(name, this.out.length);
    return this;
  }

  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.uint(BigInt(v), 2);
  }
  u24(v: number): this {
    return this.uint(BigInt(v), 3);
  }
  u32(v: number): this {
    return this.uint(BigInt(v), 4);
  }
  u64(v: number | bigint): this {
    return this.uint(BigInt(v), 8);
  }
  /** An unsigned value of `size` bytes in the assembler's byte order. */
  uint(v: bigint, size: number): this {
    const bytes: number[] = [];
    for (let i = 0; i < size; i++) bytes.push(Number((BigInt.asUintN(size * 8, v) >> BigInt(8 * i)) & 0xffn));
    if (this.order === 'big') bytes.reverse();
    this.out.push(...bytes);
    return this;
  }
  uleb(v: number | bigint): this {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.out.push(b);
    } while (x !== 0n);
    return this;
  }
  sleb(v: number | bigint): this {
    let x = BigInt(v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.out.push(done ? b : b | 0x80);
      if (done) return this;
    }
  }
  cstr(s: string): this {
    this.out.push(...new TextEncoder().encode(s), 0);
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }

  /** A `size`-byte reference to `label` (its offset, or `label - minus`), patched by build(). */
  ref(label: string, size: number, minus?: string, add = 0): this {
    this.fixups.push({ at: this.out.length, label, size, minus, add });
    for (let i = 0; i < size; i++) this.out.push(0);
    return this;
  }

  /** A DWARF initial length covering everything up to label `end`: 32-bit, or 0xffffffff + u64 for 64-bit DWARF. */
  initialLength(end: string, offsetSize: 4 | 8 = 4): this {
    if (offsetSize === 8) {
      this.u32(0xffffffff);
      const start = `__len${this.out.length}`;
      this.fixups.push({ at: this.out.length, label: end, size: 8, minus: start, add: -8 });
      for (let i = 0; i < 8; i++) this.out.push(0);
      this.labels.set(start, this.out.length - 8);
      return this;
    }
    const start = `__len${this.out.length}`;
    this.fixups.push({ at: this.out.length, label: end, size: 4, minus: start, add: -4 });
    for (let i = 0; i < 4; i++) this.out.push(0);
    this.labels.set(start, this.out.length - 4);
    return this;
  }

  build(): Uint8Array {
    const b = new Uint8Array(this.out);
    for (const f of this.fixups) {
      const target = this.labels.get(f.label);
      if (target === undefined) throw new Error(`undefined label ${f.label}`);
      const base = f.minus === undefined ? 0 : this.labels.get(f.minus);
      if (base === undefined) throw new Error(`undefined label ${f.minus}`);
      let v = BigInt(target - base + f.add);
      const bytes: number[] = [];
      for (let i = 0; i < f.size; i++) {
        bytes.push(Number(v & 0xffn));
        v >>= 8n;
      }
      if (this.order === 'big') bytes.reverse();
      b.set(bytes, f.at);
    }
    return b;
  }
}

/** A section loader over a record of section bytes. */
export const loader = (sections: Record<string, Uint8Array>) => (name: string) => sections[name];
