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
      // The function's words; a native search for the byte that holds 0xd6
      // (every encoding above has 0xd65f in its top half) skips the words
      // that cannot be a return: a JavaScript loop over every word ran
      // before the optimizing compiler got to it (a small binary's whole
      // text is read once) and cost ~200 instructions a word.
      const code = b.subarray(at, Math.min(at + length, b.length));
      const hi = little ? 3 : 0;
      const mid = little ? 2 : 1;
      for (let k = code.indexOf(0xd6, hi); k >= 0; k = code.indexOf(0xd6, k + 1)) {
        const o = k - hi;
        if ((o & 3) !== 0 || code[o + mid] !== 0x5f) continue;
        if (o + 4 > code.length) break;
        const p = at + o;
        const w = little ? (b[p]! | (b[p + 1]! << 8) | (0x5f << 16)) + 0xd6000000 : 0xd65f0000 + ((b[p + 2]! << 8) | b[p + 3]!);
        if ((w & 0xfffffc1f) >>> 0 === 0xd65f0000 || w === 0xd65f0bff || w === 0xd65f0fff) out.push(p);
      }
      return out;
    },
  };
}
