// Go symbol tables: walking every function and every PC-to-line row of the
// largest Go binary on the machine, elfkit against a Go program on
// debug/gosym (built here with the newest Go into .cache, never committed);
// `elfkit go lines --ndjson` against that program printing the same rows;
// `elfkit go buildinfo` against `go version -m`.
//
// The Go program is fixtures/src/gosym-walk. debug/gosym has no row
// iterator, only PCToLine(pc), so it has two modes: `direct` walks functions
// through debug/gosym and decodes each function's pcfile/pcln tables
// together (the steps debug/gosym runs for one PC, once per function: the
// fair, fast baseline the goals are measured against), and `pcs` asks
// PCToLine at every PC (what the API allows; tens of seconds, so only with
// ELFKIT_BENCH_SLOW=1).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compare, elfkit, largest, repoRoot } from './lib.mjs';
import { goRoot } from '../fixtures/dist/index.js';

/**
 * Builds fixtures/src/gosym-walk with the newest Go into .cache/bench-go
 * (again when its source changes); undefined without a Go toolchain.
 */
function buildGoProgram() {
  const root = goRoot('1.27');
  if (!root) return undefined;
  const go = join(root, 'bin', 'go');
  const src = join(repoRoot, 'fixtures', 'src', 'gosym-walk');
  const hash = createHash('sha256').update(readFileSync(join(src, 'main.go'))).digest('hex').slice(0, 12);
  const exe = join(repoRoot, '.cache', 'bench-go', `gosym-walk-${hash}`);
  if (existsSync(exe)) return { exe, go };
  mkdirSync(dirname(exe), { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', GOCACHE: join(repoRoot, '.cache', 'go', 'build-cache') };
  const r = spawnSync(go, ['build', '-o', exe, '.'], { cwd: src, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building fixtures/src/gosym-walk failed:\n${r.stderr}`);
  return { exe, go };
}

/**
 * bench/go/walk.mjs bundled into one CommonJS file in .cache (the CLI ships
 * bundled too): Node then compiles one file instead of some forty modules.
 */
async function bundleWalker() {
  const out = join(repoRoot, '.cache', 'bench-go', 'walk.cjs');
  const { build } = await import('esbuild');
  await build({ entryPoints: [join(repoRoot, 'bench', 'go', 'walk.mjs')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  return out;
}

const sha = (cmd, args) => createHash('sha256').update(spawnSync(cmd, args, { maxBuffer: 1 << 30 }).stdout).digest('hex');

function goal(what, results, limit) {
  const [ours, theirs] = results;
  if (!ours || !theirs || ours.skipped || theirs.skipped) return;
  const ratio = ours.ms / theirs.ms;
  process.stdout.write(`  goal ${what}: elfkit/Go ${ratio.toFixed(2)}x (goal ≤ ${limit}x) — ${ratio <= limit ? 'met' : 'NOT met'}\n`);
}

export default async function goBench() {
  // The largest Go binary on PATH (terraform on this machine kind).
  const target = largest(['terraform', 'docker', 'kubectl']);
  if (!target) return process.stdout.write('go: no large Go binary found on PATH; skipped\n');
  const bin = target.path;
  const prog = buildGoProgram();
  if (!prog) return process.stdout.write('go: Go 1.27 toolchain unavailable; skipped\n');
  process.stdout.write(`\nGo pclntab and build info on ${bin} (${(target.size / 1e6).toFixed(1)} MB)\n`);
  const node = process.execPath;
  const walk = await bundleWalker();

  // Same answers first, then time.
  const counts = [spawnSync(node, [walk, bin], { encoding: 'utf8' }).stdout.trim(), spawnSync(prog.exe, ['direct', 'count', bin], { encoding: 'utf8' }).stdout.trim()];
  process.stdout.write(`  functions and rows: elfkit ${counts[0]}, debug/gosym program ${counts[1]}${counts[0] === counts[1] ? ' (same)' : ' (DIFFERENT)'}\n`);
  const e = elfkit('go', 'lines', '--ndjson', bin);
  const same = sha(e.cmd, e.args) === sha(prog.exe, ['direct', 'ndjson', bin]);
  process.stdout.write(`  go lines --ndjson output ${same ? 'byte-identical' : 'DIFFERENT'} to the Go program's\n`);

  // More runs than the default: these take a few hundred milliseconds and
  // the machine is shared.
  goal(
    'walk',
    compare(
      'walk every function and every PC-to-line row',
      [
        { label: 'elfkit (bench/go/walk.mjs, bundled)', cmd: node, args: [walk, bin] },
        { label: 'Go debug/gosym + row decoder', cmd: prog.exe, args: ['direct', 'count', bin] },
      ],
      { runs: 9 },
    ),
    1.5,
  );
  goal(
    'lines --ndjson',
    compare(
      'print every row as NDJSON',
      [
        { label: 'elfkit go lines --ndjson', ...e },
        { label: 'Go program printing the same rows', cmd: prog.exe, args: ['direct', 'ndjson', bin] },
      ],
      { runs: 9 },
    ),
    1.5,
  );
  if (process.env.ELFKIT_BENCH_SLOW) {
    compare(
      'walk, Go asking debug/gosym PCToLine at every PC (its only row API)',
      [
        { label: 'elfkit (bench/go/walk.mjs, bundled)', cmd: node, args: [walk, bin] },
        { label: 'Go debug/gosym PCToLine per PC', cmd: prog.exe, args: ['pcs', 'count', bin] },
      ],
      { runs: 1 },
    );
  } else process.stdout.write('  (set ELFKIT_BENCH_SLOW=1 to also time debug/gosym PCToLine at every PC: tens of seconds)\n');

  goal(
    'buildinfo',
    compare('build info of one binary', [
      { label: 'elfkit go buildinfo', ...elfkit('go', 'buildinfo', bin) },
      { label: 'go version -m', cmd: prog.go, args: ['version', '-m', bin] },
    ]),
    1,
  );
  // Many binaries in one run: start-up (Node ~50 ms, Go's ~5 ms) is paid once.
  const many = [];
  const fixtures = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'manifest.json'), 'utf8')).fixtures.filter((f) => f.lang === 'go');
  for (const f of fixtures) {
    const p = join(repoRoot, '.cache', 'fixtures', f.path.replace(/\.gz$/, ''));
    if (existsSync(p)) many.push(p);
  }
  for (const c of ['terraform', 'docker', 'kubectl']) {
    const t = largest([c]);
    if (t) many.push(t.path);
  }
  goal(
    `buildinfo of ${many.length} binaries`,
    compare(`build info of ${many.length} binaries in one run`, [
      { label: 'elfkit go buildinfo <all>', ...elfkit('go', 'buildinfo', ...many) },
      { label: 'go version -m <all>', cmd: prog.go, args: ['version', '-m', ...many] },
    ]),
    1,
  );
}
