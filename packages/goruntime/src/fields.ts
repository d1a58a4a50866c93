import type { Field } from './runtime-layout.js';

/** Reads fields out of one structure's bytes (read from the target in one piece). */
export class FieldBytes {
  private readonly view: DataView;
  private readonly little: boolean;

  constructor(
    readonly bytes: Uint8Array,
    order: 'little' | 'big',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = order === 'little';
  }

  /** The unsigned value of `f` (0 when the field lies outside the bytes). */
  uint(f: Field): bigint {
    const { offset, size } = f;
    if (offset < 0 || offset + size > this.bytes.length) return 0n;
    const v = this.view;
    switch (size) {
      case 1:
        return BigInt(v.getUint8(offset));
      case 2:
        return BigInt(v.getUint16(offset, this.little));
      case 4:
        return BigInt(v.getUint32(offset, this.little));
      case 8:
        return v.getBigUint64(offset, this.little);
      default:
        return 0n;
    }
  }

  /** As {@link uint}, undefined when `f` is. */
  opt(f: Field | undefined): bigint | undefined {
    return f ? this.uint(f) : undefined;
  }

  /** The signed value of `f`. */
  int(f: Field): bigint {
    return BigInt.asIntN(f.size * 8, this.uint(f));
  }
}
