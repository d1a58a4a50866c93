import type { ByteOrder } from '@elfkit/binary';

/**
 * A place in an input that a header or table names: a fixed-width integer
 * (1, 2, 4 or 8 bytes in the input's byte order) or a LEB128. Mutations
 * aim there, because that is where a length, count, offset or form decides
 * what the parser does next.
 */
export interface Field {
  readonly offset: number;
  /** Bytes the field occupies (for a LEB128: its current encoded length). */
  readonly size: number;
  readonly kind: 'uint' | 'leb';
}

/** Collects the fields of one input; duplicates and fields outside it are dropped. */
export class FieldList {
  private readonly seen = new Set<number>();
  readonly fields: Field[] = [];

  constructor(readonly length: number) {}

  /** A fixed-width integer at `offset`. */
  uint(offset: number, size: number): this {
    return this.add({ offset, size, kind: 'uint' });
  }

  /** Consecutive fixed-width integers: `count` of `size` bytes from `offset`. */
  uints(offset: number, size: number, count: number): this {
    for (let i = 0; i < count; i++) this.uint(offset + i * size, size);
    return this;
  }

  /** The fields of a record laid out as `sizes` from `offset` (a header, a table entry). */
  record(offset: number, sizes: readonly number[]): this {
    let at = offset;
    for (const s of sizes) {
      this.uint(at, s);
      at += s;
    }
    return this;
  }

  /** The LEB128 at `offset` of `bytes` (its length is read from the bytes). */
  leb(bytes: Uint8Array, offset: number): this {
    let n = 1;
    while (offset + n - 1 < bytes.length && bytes[offset + n - 1]! & 0x80 && n < 10) n++;
    return this.add({ offset, size: n, kind: 'leb' });
  }

  private add(f: Field): this {
    if (f.offset < 0 || f.offset + f.size > this.length || this.seen.has(f.offset)) return this;
    this.seen.add(f.offset);
    this.fields.push(f);
    return this;
  }
}

/** Reads the unsigned integer of `size` bytes at `offset` (bounds unchecked: the caller keeps inside). */
export function readUint(bytes: Uint8Array, offset: number, size: number, order: ByteOrder): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const b = bytes[order === 'little' ? offset + size - 1 - i : offset + i] ?? 0;
    v = (v << 8n) | BigInt(b);
  }
  return v;
}

/** Writes `value` (truncated to `size` bytes) at `offset`, clipped to the input's end. */
export function writeUint(bytes: Uint8Array, offset: number, size: number, value: bigint, order: ByteOrder): void {
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    const at = order === 'little' ? offset + i : offset + size - 1 - i;
    if (at < bytes.length) bytes[at] = Number(v & 0xffn);
    v >>= 8n;
  }
}
