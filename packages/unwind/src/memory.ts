/**
 * The address space being unwound: a core's memory, a live process's, or
 * the stack bytes a perf or eBPF sample copied. `read` returns exactly
 * `size` bytes, or undefined when any of them is not readable.
 */
export interface Memory {
  read(address: bigint, size: number): Uint8Array | undefined;
}

/** Reads an unsigned integer of `size` bytes (1, 2, 4 or 8) at `address`, or undefined. */
export function readUnsigned(memory: Memory, address: bigint, size: number, order: 'little' | 'big'): bigint | undefined {
  const b = memory.read(address, size);
  if (!b || b.length < size) return undefined;
  let v = 0n;
  if (order === 'little') for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  else for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
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

  read(address: bigint, size: number): Uint8Array | undefined {
    const off = address - this.base;
    if (off < 0n || off + BigInt(size) > BigInt(this.bytes.length)) return undefined;
    const o = Number(off);
    return this.bytes.subarray(o, o + size);
  }
}
