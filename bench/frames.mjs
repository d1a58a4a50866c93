// Call frame information: `elfkit dwarf frames` (entries, instructions and
// rows, as llvm-dwarfdump prints them) and `--table` (readelf's
// frames-interp rows) over the Go docker CLI and the machine's libc.
// Goal (issue 9): the frames dump no slower than llvm-dwarfdump.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { compare, elfkit, largest, repoRoot, which } from './lib.mjs';

// elfkit's V8 code cache in a folder of the bench's own (see core.mjs).
const benchCodeCache = { ELFKIT_CACHE_DIR: join(repoRoot, '.cache', 'bench', 'code-cache') };

export default function framesBench() {
  const targets = [];
  // The issue names the Go docker CLI: its .debug_frame is large (35,000 entries); others as a fallback.
  const go = which('docker') ? { path: which('docker') } : largest(['kubectl', 'terraform', 'helm']);
  if (go) targets.push(go.path);
  for (const p of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/aarch64-linux-gnu/libc.so.6']) if (existsSync(p)) targets.push(realpathSync(p));
  if (!targets.length) return process.stdout.write('frames: neither a Go CLI nor libc found; skipped\n');
  for (const bin of targets) {
    process.stdout.write(`\nCall frame information of ${bin}\n`);
    const caCerts = process.env.NODE_EXTRA_CA_CERTS;
    const text = compare('every CIE and FDE, its instructions and rows', [
      { label: 'elfkit dwarf frames', ...elfkit('dwarf', 'frames', bin), env: benchCodeCache },
      { label: 'llvm-dwarfdump --eh-frame', cmd: which('llvm-dwarfdump'), args: ['--eh-frame', bin] },
      // NODE_EXTRA_CA_CERTS makes Node 20 build its TLS root store at start-up (see core.mjs): the run without it shows that part.
      ...(caCerts ? [{ label: 'elfkit dwarf frames, NODE_EXTRA_CA_CERTS unset', ...elfkit('dwarf', 'frames', bin), env: { ...benchCodeCache, NODE_EXTRA_CA_CERTS: undefined } }] : []),
    ], { interleave: true });
    compare('decoded rows (frames-interp)', [
      { label: 'elfkit dwarf frames --table', ...elfkit('dwarf', 'frames', '--table', bin), env: benchCodeCache },
      { label: 'readelf --debug-dump=frames-interp', cmd: which('readelf'), args: ['--debug-dump=frames-interp', '-wN', bin] },
    ]);
    const [mine, theirs, mineNoCa] = text;
    for (const [ours, note] of [[mine, ''], [mineNoCa, ', NODE_EXTRA_CA_CERTS unset']]) {
      if (!ours || !theirs || ours.skipped || theirs.skipped) continue;
      const t = ours.ms / theirs.ms;
      process.stdout.write(`  goal frames dump vs llvm-dwarfdump${note}: time ${t.toFixed(2)}x (<= 1): ${t <= 1 ? 'met' : 'NOT met'} (cpu ${(ours.cpu / theirs.cpu).toFixed(2)}x)\n`);
    }
  }
}
