#!/usr/bin/env node
// `pnpm bench`: elfkit against the native tools on the same inputs, in one
// run, as wall-time and peak-memory ratios. Not part of the tests.
// Usage: node scripts/bench.mjs [area ...]   (areas: the files in bench/)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../bench/lib.mjs';

const wanted = process.argv.slice(2);
const areas = readdirSync(join(repoRoot, 'bench'))
  .filter((f) => f.endsWith('.mjs') && f !== 'lib.mjs')
  .map((f) => f.replace(/\.mjs$/, ''))
  .filter((a) => wanted.length === 0 || wanted.includes(a));
process.stdout.write(`elfkit benchmarks (median of 5 runs after a warm-up; ratio = elfkit / tool)\n`);
for (const a of areas) {
  const mod = await import(join(repoRoot, 'bench', `${a}.mjs`));
  await mod.default();
}
