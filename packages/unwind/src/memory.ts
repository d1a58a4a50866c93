/**
 * The address space being unwound: a core's memory, a live process's, or
 * the stack bytes a perf or eBPF sample copied. `read` returns exactly
 * `size` bytes, or undefined when any of them is not readable.
 */
export interface Memory {
  /** Exactly `size` bytes at `address`, or undefined when any of them is not readable. */
  read(address: bigint, size: number): Uint8Array | undefined;
  /**
   * What {@link readUnsigned} makes of {@link read}, where the memory can
   * answer without a view of the bytes: an unwinder reads a word for each
   * saved register of each frame, and a view made per word costs more than
   * the word (a core's memory reads it from the page it keeps).
   */
  readUnsigned?(address: bigint, size: number, order: 'little' | 'big'): bigint | undefined;
}

/** Reads an unsigned integer of `size` bytes (1, 2, 4 or 8) at `address`, or undefined. */
export function readUnsigned(memory: Memory, address: bigint, size: number, order: 'little' | 'big'): bigint | undefined {
  if (memory.readUnsigned) return memory.readUnsigned(address, size, order);
  const b = memory.read(address, size);
  if (!b || b.length < size) return undefined;
  return decodeUnsigned(b, 0, size, order);
}

/** The unsigned integer of `size` bytes (1, 2, 4 or 8) at `b[at]`, which holds them. */
export function decodeUnsigned(b: Uint8Array, at: number, size: number, order: 'little' | 'big'): bigint {
  // Words through 32-bit numbers: stack walks read words by the hundred thousand, and a BigInt shift per byte costs.
  const little = order === 'little';
  if (size === 8) {
    const lo = u32(b, at + (little ? 0 : 4), little);
    const hi = u32(b, at + (little ? 4 : 0), little);
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }
  if (size === 4) return BigInt(u32(b, at, little));
  if (size === 1) return BigInt(b[at]!);
  let v = 0n;
  if (little) for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  else for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}

/** The unsigned 32-bit value of `b[i..i+4)`. */
function u32(b: Uint8Array, i: number, little: boolean): number {
  return little ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0 : ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/**
 * A {@link Memory} over one block of bytes at `base` (a stack copied by a
 * sampler): reads outside it fail.
 */
export class BufferMemory implements Memory {
  constructor(
    readonly base: bigint,
    readonly bytes: Uint8Array,
  ) {}

  /** The `size` bytes at `address` when all lie inside the block, else undefined. */
  read(address: bigint, size: number): Uint8Array | undefined {
    const off = address - this.base;
    if (off < 0n || off + BigInt(size) > BigInt(this.bytes.length)) return undefined;
    const o = Number(off);
    return this.bytes.subarray(o, o + size);
  }
}
