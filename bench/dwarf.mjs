// DWARF: the full PC-to-line map and a full DIE dump of the largest binary
// with DWARF on the machine, elfkit against llvm-dwarfdump and objdump.
// Goals (issue 3): the line map no slower than `llvm-dwarfdump --debug-line`
// with no more peak memory; the DIE walk within 1.5x of
// `llvm-dwarfdump --debug-info`.
import { spawnSync } from 'node:child_process';
import { compare, elfkit, largest, which } from './lib.mjs';

/** True when `path` has a .debug_info or .debug_line section (compressed or not). */
function hasDwarf(path) {
  const r = spawnSync('readelf', ['-S', '-W', path], { encoding: 'utf8' });
  return /\s\.z?debug_(info|line)\s/.test(r.stdout ?? '');
}

export default function dwarfBench() {
  const target = largest(['docker', 'dockerd', 'containerd', 'kubectl', 'terraform', 'helm'].filter((c) => {
    const p = which(c);
    return p && hasDwarf(p);
  }));
  if (!target) return process.stdout.write('dwarf: no binary with DWARF found on PATH; skipped\n');
  const bin = target.path;
  process.stdout.write(`\nDWARF on ${bin} (${(target.size / 1e6).toFixed(1)} MB)\n`);
  const lines = compare('line map (every row of every line table)', [
    { label: 'elfkit lines --ndjson', ...elfkit('lines', '--ndjson', bin) },
    { label: 'llvm-dwarfdump --debug-line', cmd: which('llvm-dwarfdump'), args: ['--debug-line', bin] },
    { label: 'objdump --dwarf=decodedline', cmd: which('objdump'), args: ['--dwarf=decodedline', bin] },
  ]);
  const info = compare('DIE walk (every DIE and attribute, resolved, as text)', [
    { label: 'elfkit dwarf info', ...elfkit('dwarf', 'info', bin) },
    { label: 'llvm-dwarfdump --debug-info', cmd: which('llvm-dwarfdump'), args: ['--debug-info', bin] },
  ]);
  const goal = (name, mine, theirs, time, memory) => {
    if (!mine || !theirs || mine.skipped || theirs.skipped) return;
    const t = mine.ms / theirs.ms;
    const m = mine.kb / theirs.kb;
    const ok = t <= time && (memory === undefined || m <= memory);
    process.stdout.write(`  goal ${name}: time ${t.toFixed(2)}x (<= ${time}), memory ${m.toFixed(2)}x${memory === undefined ? '' : ` (<= ${memory})`}: ${ok ? 'met' : 'NOT met'}\n`);
  };
  goal('line map vs llvm-dwarfdump --debug-line', lines[0], lines[1], 1, 1);
  goal('DIE walk vs llvm-dwarfdump --debug-info', info[0], info[1], 1.5);
}
