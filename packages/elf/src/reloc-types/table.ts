/**
 * A run of consecutive relocation type numbers: the first number, then one
 * name suffix for it and for each following number.
 */
export type RelocRun = readonly [first: number, ...suffixes: string[]];

/**
 * Expands runs into a frozen sparse array indexed by relocation type number;
 * numbers that no run names are holes (read back as `undefined`).
 */
export function relocTable(prefix: string, runs: readonly RelocRun[]): readonly (string | undefined)[] {
  const table: (string | undefined)[] = [];
  for (const [first, ...suffixes] of runs) {
    for (let i = 0; i < suffixes.length; i++) table[first + i] = prefix + suffixes[i];
  }
  return Object.freeze(table);
}
