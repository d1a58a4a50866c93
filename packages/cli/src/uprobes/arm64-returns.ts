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
      const out: number[] = [];
      const end = Math.min(at + length, b.length) - 3;
      // Every encoding above has 0xd65f in its top half: the two bytes that
      // hold it are tested first, so most words cost two byte reads (no
      // DataView, which a cold run reads slowly, word by word).
      const hi = little ? 3 : 0;
      const mid = little ? 2 : 1;
      for (let p = at; p < end; p += 4) {
        if (b[p + hi] !== 0xd6 || b[p + mid] !== 0x5f) continue;
        const w = little ? (b[p]! | (b[p + 1]! << 8) | (0x5f << 16)) + 0xd6000000 : 0xd65f0000 + ((b[p + 2]! << 8) | b[p + 3]!);
        if ((w & 0xfffffc1f) >>> 0 === 0xd65f0000 || w === 0xd65f0bff || w === 0xd65f0fff) out.push(p);
      }
      return out;
    },
  };
}
