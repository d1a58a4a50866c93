import type { ByteOrder } from '@elfkit/binary';
import type { ReturnScanner } from './return-scanner.js';

/**
 * AArch64 returns, found by their fixed 32-bit encodings at 4-byte steps:
 * `RET Xn` (0xd65f0000 | n << 5; `ret` alone is n = 30) and the pointer
 * authenticating `RETAA`/`RETAB` (0xd65f0bff, 0xd65f0fff).
 */
export function arm64ReturnScanner(order: ByteOrder): ReturnScanner {
  const little = order === 'little';
  return {
    decoder: 'fixed-width A64 RET/RETAA/RETAB encodings',
    scan(segment, at, length) {
      const b = segment.bytes();
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const out: number[] = [];
      const end = Math.min(at + length, b.length) - 3;
      for (let p = at; p < end; p += 4) {
        const w = view.getUint32(p, little);
        if ((w & 0xfffffc1f) >>> 0 === 0xd65f0000 || w === 0xd65f0bff || w === 0xd65f0fff) out.push(p);
      }
      return out;
    },
  };
}
