// Goroutines of a core: a program with 10,000 goroutines parked a few calls
// deep (fixtures/src/goroutines-bench) crashes with GOTRACEBACK=crash, and
// `elfkit go goroutines` lists every goroutine with its stack, against
// `dlv core … goroutines -t` (delve 1.20 from Debian, which reads Go 1.18 to
// 1.20: the Go 1.19 build) — and for Go 1.27, which delve 1.20 cannot read,
// elfkit's throughput alone. Programs and cores are cached in
// .cache/bench/goroutines/<go>-<source hash>/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, elfkit, repoRoot, which } from './lib.mjs';

const SRC = join(repoRoot, 'fixtures', 'src', 'goroutines-bench');
const COUNT = 10000;

function fetchRoot(suite, ...pkgs) {
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'fetch-deb.sh'), suite, ...pkgs], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
}

/** Builds and crashes the program with Go `version` (once); the directory with `prog` and `core`, or a reason. */
function crashed(version) {
  const h = createHash('sha256');
  for (const f of readdirSync(SRC).sort()) h.update(f).update(readFileSync(join(SRC, f)));
  const dir = join(repoRoot, '.cache', 'bench', 'goroutines', `${version}-${h.digest('hex').slice(0, 12)}`);
  const exe = join(dir, 'prog');
  const core = join(dir, 'core');
  if (existsSync(core)) return { dir, exe, core };
  const g = spawnSync('bash', [join(repoRoot, 'scripts', 'go-toolchain.sh'), version], { encoding: 'utf8' });
  if (g.status !== 0) return { why: `no Go ${version} toolchain` };
  const goroot = g.stdout.trim().split('\n').pop();
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', CGO_ENABLED: '0', GOCACHE: join(repoRoot, '.cache', 'go', 'build-cache'), GOPATH: join(repoRoot, '.cache', 'go', 'path') };
  const b = spawnSync(join(goroot, 'bin', 'go'), ['build', '-trimpath', '-o', exe, '.'], { cwd: SRC, env, encoding: 'utf8' });
  if (b.status !== 0) return { why: `go build failed: ${b.stderr.trim().split('\n').pop()}` };
  const work = join(dir, 'run');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  spawnSync('bash', ['-c', 'ulimit -c unlimited && exec "$0" "$1" 2> trace.txt', exe, String(COUNT)], { cwd: work, env: { ...process.env, GOTRACEBACK: 'crash' }, stdio: 'ignore', timeout: 120000 });
  const made = readdirSync(work).find((f) => /^core(\.\d+)?$/.test(f));
  if (!made) return { why: 'the program left no core (core_pattern?)' };
  renameSync(join(work, made), core);
  renameSync(join(work, 'trace.txt'), join(dir, 'trace.txt'));
  rmSync(work, { recursive: true, force: true });
  return { dir, exe, core };
}

export default function goroutinesBench() {
  const root = fetchRoot('bookworm', 'delve');
  const dlv = which('dlv') ?? (root && existsSync(join(root, 'usr', 'bin', 'dlv')) ? join(root, 'usr', 'bin', 'dlv') : undefined);
  for (const version of ['1.19', '1.27']) {
    const c = crashed(version);
    if (c.why) {
      process.stdout.write(`\ngoroutines (Go ${version}): ${c.why}; skipped\n`);
      continue;
    }
    const cmds = join(c.dir, 'dlv-cmds');
    writeFileSync(cmds, 'goroutines -t 1000\nexit\n');
    const delveReads = version === '1.19';
    process.stdout.write(`\nGoroutines of a Go ${version} core with ${COUNT} goroutines (${c.core})\n`);
    const r = compare(`every goroutine and its stack`, [
      { label: 'elfkit go goroutines', ...elfkit('go', 'goroutines', c.core, '--exe', c.exe) },
      { label: 'elfkit go goroutines --json', ...elfkit('go', 'goroutines', c.core, '--exe', c.exe, '--json') },
      { label: 'dlv core … goroutines -t', cmd: delveReads ? dlv : undefined, args: ['core', c.exe, c.core, '--allow-non-terminal-interactive=true', '--init', cmds], env: { HOME: c.dir }, why: delveReads ? 'delve could not be fetched' : 'delve 1.20 reads Go 1.18 to 1.20 only' },
    ], { runs: 3, interleave: true });
    const mine = r[0];
    if (mine && !mine.skipped) process.stdout.write(`  throughput: ${Math.round(COUNT / (mine.ms / 1000))} goroutines/s with their stacks, start-up and DWARF included\n`);
    // The listing is whole: as many goroutines as the runtime printed.
    const brief = spawnSync(process.execPath, [elfkit().args[0], 'go', 'goroutines', c.core, '--exe', c.exe, '--brief'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const listed = (brief.stdout.match(/^goroutine \d+ /gm) ?? []).length;
    const printed = (readFileSync(join(c.dir, 'trace.txt'), 'utf8').match(/^goroutine \d+ /gm) ?? []).length;
    process.stdout.write(`  elfkit listed ${listed} goroutines; the runtime printed ${printed}\n`);
  }
}
