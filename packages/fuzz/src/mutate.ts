import type { ByteOrder } from '@elfkit/binary';
import { readUint, writeUint, type Field } from './fields.js';
import type { Random } from './random.js';

/** What a mutation starts from: the bytes and what is known of their structure. */
export interface MutationBase {
  readonly bytes: Uint8Array;
  readonly fields: readonly Field[];
  /** Ranges most mutations stay inside (the target's tables in a whole file). */
  readonly regions: readonly (readonly [number, number])[];
  readonly order: ByteOrder;
}

/** Options fixed per target. */
export interface MutatorOptions {
  /** Bytes may be inserted and removed (a section on its own); otherwise offsets stay put and only truncation shortens. */
  readonly resizable: boolean;
  /** Longest input a mutation may produce. */
  readonly maxLength: number;
}

const WIDE = [0n, 1n, 2n, 3n, 4n, 7n, 8n, 0x10n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, (1n << 64n) - 2n];
const BYTES = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff];

/** The unsigned LEB128 encoding of `v`, at least `minLength` bytes long (padded with continuation bytes). */
export function encodeLeb(v: bigint, minLength = 1): Uint8Array {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(b);
  } while (x !== 0n || out.length < minLength);
  for (let i = 0; i < out.length - 1; i++) out[i]! |= 0x80;
  return Uint8Array.from(out);
}

function decodeLeb(bytes: Uint8Array, at: number, size: number): bigint {
  let v = 0n;
  for (let i = 0; i < size && at + i < bytes.length; i++) v |= BigInt(bytes[at + i]! & 0x7f) << BigInt(7 * i);
  return v;
}

/**
 * Structure-aware mutations: interesting values, bit flips and copies at
 * the fields headers and tables name; byte flips, runs, truncation and
 * splices elsewhere (mostly inside the target's regions); inserts and
 * deletions when the input stands alone. Deterministic given the Random.
 */
export class Mutator {
  constructor(
    private readonly rnd: Random,
    private readonly options: MutatorOptions,
  ) {}

  /** A mutated copy of `base`: one to a few stacked mutations; `donors` supply splices. */
  mutate(base: MutationBase, donors: readonly Uint8Array[]): Uint8Array {
    let bytes: Uint8Array = base.bytes.slice();
    const n = this.rnd.small(6);
    for (let i = 0; i < n; i++) bytes = this.once(bytes, base, donors);
    return bytes.length > this.options.maxLength ? bytes.subarray(0, this.options.maxLength) : bytes;
  }

  private once(bytes: Uint8Array, base: MutationBase, donors: readonly Uint8Array[]): Uint8Array {
    const r = this.rnd;
    const fields = base.fields.filter((f) => f.offset + f.size <= bytes.length);
    const roll = r.below(100);
    if (fields.length > 0 && roll < 45) return this.mutateField(bytes, r.pick(fields), fields, base.order);
    if (roll < 60) return this.flipBits(bytes, base);
    if (roll < 68) return this.setRun(bytes, base);
    if (roll < 74) return this.truncate(bytes, fields);
    if (roll < 84 && donors.length > 0) return this.splice(bytes, base, r.pick(donors));
    if (roll < 90) return this.copyWithin(bytes, base);
    if (this.options.resizable) return r.chance(0.5) ? this.insert(bytes, fields) : this.remove(bytes, fields);
    return this.flipBits(bytes, base);
  }

  /** A position, usually inside a region. */
  private position(length: number, base: MutationBase): number {
    const r = this.rnd;
    const regions = base.regions.filter(([a]) => a < length);
    if (regions.length > 0 && r.chance(0.9)) {
      const [a, b] = r.pick(regions);
      return a + r.below(Math.min(b, length) - a);
    }
    return r.below(length);
  }

  private mutateField(bytes: Uint8Array, f: Field, fields: readonly Field[], order: ByteOrder): Uint8Array {
    const r = this.rnd;
    const how = r.below(10);
    if (how < 2) {
      bytes[f.offset + r.below(f.size)]! ^= 1 << r.below(8);
      return bytes;
    }
    if (how < 3) {
      // Another field's value, when they have the same shape: a count where an offset was, etc.
      const g = r.pick(fields);
      if (g.size === f.size && g.kind === f.kind) bytes.copyWithin(f.offset, g.offset, g.offset + g.size);
      return bytes;
    }
    const cur = f.kind === 'leb' ? decodeLeb(bytes, f.offset, f.size) : readUint(bytes, f.offset, f.size, order);
    const v = this.interesting(cur, f.kind === 'leb' ? 8 : f.size, bytes.length);
    if (f.kind === 'uint') {
      writeUint(bytes, f.offset, f.size, v, order);
      return bytes;
    }
    const enc = encodeLeb(v, r.chance(0.1) ? f.size + 1 : 1);
    if (this.options.resizable && enc.length !== f.size && bytes.length - f.size + enc.length <= this.options.maxLength) {
      const out = new Uint8Array(bytes.length - f.size + enc.length);
      out.set(bytes.subarray(0, f.offset));
      out.set(enc, f.offset);
      out.set(bytes.subarray(f.offset + f.size), f.offset + enc.length);
      return out;
    }
    // Fixed offsets: write what fits, keeping the continuation bit where the old field went on.
    for (let i = 0; i < f.size; i++) bytes[f.offset + i] = i < enc.length ? (enc[i]! & 0x7f) | (i < f.size - 1 ? 0x80 : 0) : i < f.size - 1 ? 0x80 : 0;
    return bytes;
  }

  private interesting(cur: bigint, size: number, length: number): bigint {
    const r = this.rnd;
    const bits = BigInt(size * 8);
    const mask = (1n << bits) - 1n;
    switch (r.below(8)) {
      case 0:
      case 1:
        return r.pick(WIDE) & mask;
      case 2:
        return (cur + BigInt(r.small(16))) & mask;
      case 3:
        return (cur - BigInt(r.small(16))) & mask;
      case 4:
        return BigInt(length + r.below(5) - 2) & mask;
      case 5:
        return r.chance(0.5) ? (cur << 1n) & mask : cur >> 1n;
      case 6:
        return (mask >> BigInt(r.below(Number(bits)))) & mask;
      default:
        return ((BigInt(r.u32()) << 32n) | BigInt(r.u32())) & mask;
    }
  }

  private flipBits(bytes: Uint8Array, base: MutationBase): Uint8Array {
    if (bytes.length === 0) return bytes;
    const n = this.rnd.small(8);
    for (let i = 0; i < n; i++) {
      const at = this.position(bytes.length, base);
      bytes[at] = this.rnd.chance(0.5) ? bytes[at]! ^ (1 << this.rnd.below(8)) : this.rnd.chance(0.5) ? this.rnd.pick(BYTES) : this.rnd.below(256);
    }
    return bytes;
  }

  private setRun(bytes: Uint8Array, base: MutationBase): Uint8Array {
    if (bytes.length === 0) return bytes;
    const at = this.position(bytes.length, base);
    const len = Math.min(bytes.length - at, this.rnd.small(32));
    bytes.fill(this.rnd.pick(BYTES), at, at + len);
    return bytes;
  }

  private truncate(bytes: Uint8Array, fields: readonly Field[]): Uint8Array {
    const r = this.rnd;
    if (bytes.length === 0) return bytes;
    // At a field (cutting a header or entry in two) or anywhere.
    let at = r.below(bytes.length);
    if (fields.length > 0 && r.chance(0.5)) {
      const f = r.pick(fields);
      at = f.offset + r.below(f.size + 1);
    }
    return bytes.subarray(0, Math.min(at, bytes.length));
  }

  private splice(bytes: Uint8Array, base: MutationBase, donor: Uint8Array): Uint8Array {
    const r = this.rnd;
    if (donor.length === 0 || bytes.length === 0) return bytes;
    if (this.options.resizable && r.chance(0.3)) {
      // Crossover: a prefix of this input and a suffix of the donor.
      const cut = r.below(bytes.length + 1);
      const from = r.below(donor.length + 1);
      const out = new Uint8Array(Math.min(cut + donor.length - from, this.options.maxLength));
      out.set(bytes.subarray(0, cut));
      out.set(donor.subarray(from, from + out.length - cut), cut);
      return out;
    }
    const len = Math.min(r.small(64) * (r.chance(0.3) ? 16 : 1), donor.length, bytes.length);
    const from = r.below(donor.length - len + 1);
    const at = Math.min(this.position(bytes.length, base), bytes.length - len);
    bytes.set(donor.subarray(from, from + len), at);
    return bytes;
  }

  private copyWithin(bytes: Uint8Array, base: MutationBase): Uint8Array {
    if (bytes.length < 2) return bytes;
    const len = Math.min(this.rnd.small(64), bytes.length >> 1);
    const from = this.rnd.below(bytes.length - len + 1);
    const to = Math.min(this.position(bytes.length, base), bytes.length - len);
    bytes.copyWithin(to, from, from + len);
    return bytes;
  }

  private insert(bytes: Uint8Array, fields: readonly Field[]): Uint8Array {
    const r = this.rnd;
    const at = fields.length > 0 && r.chance(0.5) ? r.pick(fields).offset : r.below(bytes.length + 1);
    const len = Math.min(r.small(16), this.options.maxLength - bytes.length);
    if (len <= 0) return bytes;
    const out = new Uint8Array(bytes.length + len);
    out.set(bytes.subarray(0, at));
    const fill = r.pick(BYTES);
    for (let i = 0; i < len; i++) out[at + i] = r.chance(0.5) ? fill : r.below(256);
    out.set(bytes.subarray(at), at + len);
    return out;
  }

  private remove(bytes: Uint8Array, fields: readonly Field[]): Uint8Array {
    const r = this.rnd;
    if (bytes.length === 0) return bytes;
    const at = fields.length > 0 && r.chance(0.5) ? r.pick(fields).offset : r.below(bytes.length);
    const len = Math.min(r.small(16), bytes.length - at);
    const out = new Uint8Array(bytes.length - len);
    out.set(bytes.subarray(0, at));
    out.set(bytes.subarray(at + len), at);
    return out;
  }
}
