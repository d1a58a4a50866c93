import { readUnsigned, type Memory } from '@elfkit/unwind';
import { GoRuntimeError, hex } from './errors.js';

/**
 * Typed reads of the process's memory in its byte order and pointer size.
 * The `read*` methods return undefined for bytes the image does not hold;
 * the `need*` methods throw a {@link GoRuntimeError} naming what was read.
 */
export class Target {
  constructor(
    readonly memory: Memory,
    readonly ptrSize: 4 | 8,
    readonly order: 'little' | 'big',
  ) {}

  /** An unsigned integer of `size` bytes in the target's byte order; undefined where memory is unreadable. */
  readUint(address: bigint, size: number): bigint | undefined {
    return readUnsigned(this.memory, address, size, this.order);
  }

  /** A pointer-sized unsigned integer; undefined where memory is unreadable. */
  readPtr(address: bigint): bigint | undefined {
    return this.readUint(address, this.ptrSize);
  }

  /** A signed integer of `size` bytes. */
  readInt(address: bigint, size: number): bigint | undefined {
    const v = this.readUint(address, size);
    return v === undefined ? undefined : BigInt.asIntN(size * 8, v);
  }

  /** {@link Target.readUint}, or a GoRuntimeError naming `what` and the address where memory is unreadable. */
  needUint(address: bigint, size: number, what: string): bigint {
    const v = this.readUint(address, size);
    if (v === undefined) throw unreadable(what, address);
    return v;
  }

  /** {@link Target.readPtr}, or a GoRuntimeError naming `what` and the address. */
  needPtr(address: bigint, what: string): bigint {
    return this.needUint(address, this.ptrSize, what);
  }

  /** `size` bytes at `address`, or a GoRuntimeError naming `what` and the address. */
  needBytes(address: bigint, size: number, what: string): Uint8Array {
    const b = this.memory.read(address, size);
    if (!b) throw unreadable(what, address);
    return b;
  }

  /**
   * A Go `string` header at `address` (pointer, then length) and its bytes,
   * at most `max` of them; undefined when unreadable or longer than `max`.
   */
  readGoString(address: bigint, max = 1024): string | undefined {
    const p = this.readPtr(address);
    const n = this.readUint(address + BigInt(this.ptrSize), this.ptrSize);
    if (p === undefined || n === undefined || n > BigInt(max)) return undefined;
    if (n === 0n) return '';
    const b = this.memory.read(p, Number(n));
    return b ? utf8.decode(b) : undefined;
  }
}

// TextDecoder is a global in browsers, Node and Deno (the package has no DOM or Node typings).
const utf8 = new (globalThis as unknown as { TextDecoder: new (label: string) => { decode(b: Uint8Array): string } }).TextDecoder('utf-8');

/** The error for `what` at `address` not being in the image. */
export function unreadable(what: string, address: bigint): GoRuntimeError {
  return new GoRuntimeError('unreadable', `${what} at ${hex(address)} is not in the core`, address);
}
