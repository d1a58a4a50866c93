import type { StringTable } from './runtime-layout.js';
import type { Target } from './target.js';

/** The strings of a `[N]string` table of the runtime (undefined where an entry cannot be read). */
export function readStringTable(target: Target, table: StringTable, bias: bigint): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const count = Math.min(table.count, 4096);
  for (let i = 0; i < count; i++) out.push(target.readGoString(table.address + bias + BigInt(i * table.stride), 256));
  return out;
}
