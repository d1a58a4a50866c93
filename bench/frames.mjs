// Call frame information: `elfkit dwarf frames` (entries, instructions and
// rows, as llvm-dwarfdump prints them) and `--table` (readelf's
// frames-interp rows) over the Go docker CLI and the machine's libc.
// Goal (issue 9): the frames dump no slower than llvm-dwarfdump.
import { existsSync, realpathSync } from 'node:fs';
import { compare, elfkit, largest, which } from './lib.mjs';

export default function framesBench() {
  const targets = [];
  // The issue names the Go docker CLI: its .debug_frame is large (35,000 entries); others as a fallback.
  const go = which('docker') ? { path: which('docker') } : largest(['kubectl', 'terraform', 'helm']);
  if (go) targets.push(go.path);
  for (const p of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/aarch64-linux-gnu/libc.so.6']) if (existsSync(p)) targets.push(realpathSync(p));
  if (!targets.length) return process.stdout.write('frames: neither a Go CLI nor libc found; skipped\n');
  for (const bin of targets) {
    process.stdout.write(`\nCall frame information of ${bin}\n`);
    const text = compare('every CIE and FDE, its instructions and rows', [
      { label: 'elfkit dwarf frames', ...elfkit('dwarf', 'frames', bin) },
      { label: 'llvm-dwarfdump --eh-frame', cmd: which('llvm-dwarfdump'), args: ['--eh-frame', bin] },
    ]);
    compare('decoded rows (frames-interp)', [
      { label: 'elfkit dwarf frames --table', ...elfkit('dwarf', 'frames', '--table', bin) },
      { label: 'readelf --debug-dump=frames-interp', cmd: which('readelf'), args: ['--debug-dump=frames-interp', '-wN', bin] },
    ]);
    const [mine, theirs] = text;
    if (mine && theirs && !mine.skipped && !theirs.skipped) {
      const t = mine.ms / theirs.ms;
      process.stdout.write(`  goal frames dump vs llvm-dwarfdump: time ${t.toFixed(2)}x (<= 1): ${t <= 1 ? 'met' : 'NOT met'} (cpu ${(mine.cpu / theirs.cpu).toFixed(2)}x)\n`);
    }
  }
}
