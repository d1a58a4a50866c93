// Core files: every thread's backtrace of a 64-thread program's core
// (fixtures/src/core/threads.c), `elfkit core` against `eu-stack --core`
// (elfutils from Debian, fetched into .cache like the tests do) and
// `gdb -batch -ex 'thread apply all bt'`. Goals (issue 9): within 2x of
// eu-stack and faster than gdb. elfkit prints what `eu-stack -i -s` and gdb
// print — functions, inlined calls, files and lines (libc's from its debug
// file when libc6-dbg is installed) — so the headline comparison is with
// `eu-stack --core -i -s` (the same information, the oracle form);
// plain eu-stack (symbol names only, no DWARF read) is shown after it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compare, elfkit, repoRoot, which } from './lib.mjs';

// elfkit's V8 code cache in a folder of the bench's own: the user's cache is shared with every other checkout's
// elfkit, and a run of another build replaces this build's cache there (a run that then compiles from scratch).
const benchCodeCache = { ELFKIT_CACHE_DIR: join(repoRoot, '.cache', 'bench', 'code-cache') };

export default function coreBench() {
  const gcc = which('gcc');
  if (!gcc) return process.stdout.write('\ncore: gcc not found; skipped\n');
  const dir = join(repoRoot, '.cache', 'bench', 'core');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'threads');
  const src = join(repoRoot, 'fixtures', 'src', 'core', 'threads.c');
  if (spawnSync(gcc, ['-O2', '-g', '-pthread', '-o', exe, src]).status !== 0) return process.stdout.write('\ncore: cannot build threads.c; skipped\n');
  let core = join(dir, 'core');
  for (const f of readdirSync(dir)) if (/^core(\.\d+)?$/.test(f)) spawnSync('rm', ['-f', join(dir, f)]);
  spawnSync('bash', ['-c', 'ulimit -c unlimited && exec "$0"', exe], { cwd: dir, stdio: 'ignore' });
  const made = readdirSync(dir).find((f) => /^core(\.\d+)?$/.test(f));
  if (made) core = join(dir, made);
  else if (which('gdb')) {
    core = join(dir, 'gdb.core');
    spawnSync('gdb', ['-q', '-batch', '-nx', '-ex', 'run', '-ex', `generate-core-file ${core}`, exe], { stdio: 'ignore' });
  }
  if (!existsSync(core)) return process.stdout.write('\ncore: no core could be made; skipped\n');
  // elfutils as the tests fetch it (scripts/fetch-deb.sh bookworm elfutils libelf1 libdw1 libasm1).
  const fetched = spawnSync('bash', [join(repoRoot, 'scripts', 'fetch-deb.sh'), 'bookworm', 'elfutils', 'libelf1', 'libdw1', 'libasm1'], { encoding: 'utf8' });
  const root = fetched.status === 0 ? fetched.stdout.trim().split('\n').pop() : undefined;
  const euStack = root && existsSync(join(root, 'usr', 'bin', 'eu-stack')) ? join(root, 'usr', 'bin', 'eu-stack') : undefined;
  const env = root ? { LD_LIBRARY_PATH: join(root, 'usr', 'lib', 'x86_64-linux-gnu') } : {};
  process.stdout.write(`\nCore of a 64-thread program (${core})\n`);
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  const r = compare('every thread\'s backtrace', [
    { label: 'elfkit core', ...elfkit('core', core), env: benchCodeCache },
    // The like-for-like oracle first (the form, `eu-stack --core -i -s`: inlined calls and source lines, as elfkit prints them).
    { label: 'eu-stack --core -i -s', cmd: euStack, args: ['--core', core, '-e', exe, '-i', '-s'], env, why: 'elfutils could not be fetched' },
    { label: 'eu-stack --core (names only)', cmd: euStack, args: ['--core', core, '-e', exe], env, why: 'elfutils could not be fetched' },
    { label: "gdb -batch 'thread apply all bt'", cmd: which('gdb'), args: ['-q', '-batch', '-nx', '-ex', 'thread apply all bt', exe, core] },
    // Where it is set, NODE_EXTRA_CA_CERTS makes Node 20 build its TLS root store at start-up, before any of elfkit's code
    // runs (~50 ms CPU here); the same run without it shows that part, which no native tool pays.
    ...(caCerts ? [{ label: 'elfkit core, NODE_EXTRA_CA_CERTS unset', ...elfkit('core', core), env: { ...benchCodeCache, NODE_EXTRA_CA_CERTS: undefined } }] : []),
  ], { interleave: true });
  const [mine, euLines, eu, gdb, mineNoCa] = r;
  const goal = (name, other, limit, ours = mine) => {
    if (!ours || !other || ours.skipped || other.skipped) return;
    const t = ours.ms / other.ms;
    // The goal is wall time; CPU (user+sys) is shown beside it because it moves far less with other load on a shared machine.
    process.stdout.write(`  goal ${name}: time ${t.toFixed(2)}x (<= ${limit}): ${t <= limit ? 'met' : 'NOT met'} (cpu ${(ours.cpu / other.cpu).toFixed(2)}x)\n`);
  };
  // Like for like: eu-stack -i -s prints what elfkit core prints (inlined calls, files, lines); plain eu-stack only names functions.
  goal('backtraces vs eu-stack -i -s (the same information)', euLines, 2);
  goal('backtraces vs plain eu-stack (function names only)', eu, 2);
  goal('backtraces vs gdb', gdb, 1);
  if (mineNoCa) goal('backtraces vs eu-stack -i -s, NODE_EXTRA_CA_CERTS unset', euLines, 2, mineNoCa);
}
