/**
 * The crashing programs of the core-file tests (fixtures/src/core), built
 * once per source version into `.cache/core-programs/`, and the cores made
 * of them: by the kernel where it writes `core` files into the working
 * directory, else (and on request) by `gdb -batch -ex run -ex
 * generate-core-file`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, goRoot, repoRoot, run, skip, which } from '@elfkit/fixtures';

const SRC = join(repoRoot, 'fixtures', 'src', 'core');

/** A built variant: its executable (and the shared library beside it). */
export interface Program {
  readonly name: string;
  readonly exe: string;
}

const VARIANTS: Record<string, { cc: 'gcc' | 'g++'; flags: string[]; lib: boolean; src: string }> = {
  'c-O0': { cc: 'gcc', flags: ['-O0', '-g', '-pthread'], lib: true, src: 'crash.c' },
  'c-O2': { cc: 'gcc', flags: ['-O2', '-g', '-pthread'], lib: true, src: 'crash.c' },
  'c-O2-nopie': { cc: 'gcc', flags: ['-O2', '-g', '-pthread', '-fno-PIE', '-no-pie'], lib: true, src: 'crash.c' },
  'c-O2-static': { cc: 'gcc', flags: ['-O2', '-g', '-pthread', '-static'], lib: false, src: 'crash.c' },
  'cxx-O2': { cc: 'g++', flags: ['-O2', '-g'], lib: false, src: 'crash.cc' },
};

/** The variants' directory, keyed by the sources' hash. */
export function programDir(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(SRC).sort()) if (statSync(join(SRC, f)).isFile()) h.update(f).update(readFileSync(join(SRC, f)));
  return join(cacheDir, 'core-programs', h.digest('hex').slice(0, 12));
}

/** Builds (once) and returns variant `name`; undefined with a SKIP line when the compiler is missing or fails. */
export function program(name: keyof typeof VARIANTS, what: string): Program | undefined {
  const v = VARIANTS[name]!;
  const dir = programDir();
  const exe = join(dir, name);
  if (existsSync(exe)) return { name, exe };
  const cc = which(v.cc);
  if (!cc) {
    skip(what, `${v.cc} is not on PATH`);
    return undefined;
  }
  mkdirSync(dir, { recursive: true });
  if (v.lib && !existsSync(join(dir, 'libcorelib.so'))) {
    const r = run(cc, ['-O2', '-g', '-fPIC', '-shared', '-o', join(dir, 'libcorelib.so.tmp'), join(SRC, 'corelib.c')]);
    if (r.status !== 0) return void skip(what, `cannot build libcorelib.so: ${r.stderr.trim()}`);
    renameSync(join(dir, 'libcorelib.so.tmp'), join(dir, 'libcorelib.so'));
  }
  const srcs = [join(SRC, v.src), ...(v.lib || v.src !== 'crash.c' ? [] : [join(SRC, 'corelib.c')])];
  const link = v.lib ? ['-L', dir, '-lcorelib', `-Wl,-rpath,${dir}`] : [];
  const r = run(cc, [...v.flags, '-o', exe + '.tmp', ...srcs, ...link]);
  if (r.status !== 0) return void skip(what, `cannot build ${name}: ${r.stderr.trim().split('\n').pop()}`);
  renameSync(exe + '.tmp', exe);
  return { name, exe };
}

/** True when the kernel writes `core` (or `core.<pid>`) into the crashing process's directory. */
export function kernelWritesCores(): boolean {
  try {
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    return /^core(\.%p)?$/.test(pattern);
  } catch {
    return false;
  }
}

/**
 * Runs `exe mode` in `dir` so that it dumps core: by the kernel (`ulimit -c
 * unlimited`) when it writes cores here, else under gdb. Returns the core's
 * path and who made it, or undefined (with the reason) when no core came.
 */
export function makeCore(exe: string, args: string[], dir: string, by: 'kernel' | 'gdb' | 'any' = 'any'): { path: string; by: 'kernel' | 'gdb' } | { error: string } {
  mkdirSync(dir, { recursive: true });
  if (by !== 'gdb' && kernelWritesCores()) {
    spawnSync('bash', ['-c', 'ulimit -c unlimited && exec "$0" "$@"', exe, ...args], { cwd: dir, stdio: 'ignore', timeout: 30000 });
    const core = readdirSync(dir).find((f) => f === 'core' || /^core\.\d+$/.test(f));
    if (core) return { path: join(dir, core), by: 'kernel' };
    if (by === 'kernel') return { error: 'the kernel wrote no core' };
  } else if (by === 'kernel') return { error: 'the kernel does not write core files into the working directory here (core_pattern)' };
  const gdb = which('gdb');
  if (!gdb) return { error: 'gdb is not on PATH' };
  const path = join(dir, 'gdb.core');
  const r = run(gdb, ['-q', '-batch', '-nx', '-ex', 'run', '-ex', `generate-core-file ${path}`, '--args', exe, ...args], { cwd: dir, timeout: 60000 });
  return existsSync(path) ? { path, by: 'gdb' } : { error: `gdb made no core: ${r.stderr.trim().split('\n').pop()}` };
}

/** A gdb Python script that prints every thread's physical frames (`TID n`, then `pc name` lines), inline and tail-call frames left out. */
export const GDB_FRAMES_SCRIPT = `
import gdb
gdb.execute('set backtrace past-main on')
gdb.execute('set backtrace past-entry on')
gdb.execute('set backtrace limit 5000')
for th in sorted(gdb.selected_inferior().threads(), key=lambda t: t.ptid[1]):
    th.switch()
    print('TID %d' % th.ptid[1])
    f = gdb.newest_frame()
    while f is not None:
        t = f.type()
        kind = 'inline' if t == gdb.INLINE_FRAME else 'tailcall' if t == gdb.TAILCALL_FRAME else 'frame'
        print('%s %x %s' % (kind, f.pc(), f.name()))
        try:
            f = f.older()
        except gdb.error as e:
            print('error %s' % e)
            break
`;

/** gdb's frames of every thread: `tid → [{kind, pc, name}]`. */
export function gdbFrames(scriptPath: string, exe: string, core: string): Map<number, { kind: string; pc: bigint; name: string }[]> | undefined {
  const gdb = which('gdb');
  if (!gdb) return undefined;
  const r = run(gdb, ['-q', '-batch', '-nx', '-x', scriptPath, exe, core], { timeout: 120000 });
  const out = new Map<number, { kind: string; pc: bigint; name: string }[]>();
  let cur: { kind: string; pc: bigint; name: string }[] | undefined;
  for (const line of r.stdout.split('\n')) {
    const t = /^TID (\d+)$/.exec(line);
    if (t) out.set(Number(t[1]), (cur = []));
    const f = /^(frame|inline|tailcall) ([0-9a-f]+) (.*)$/.exec(line);
    if (f && cur) cur.push({ kind: f[1]!, pc: BigInt('0x' + f[2]), name: f[3]! });
  }
  return out;
}

/** eu-stack's frames of every thread: `tid → [pc]`. */
export function euStackFrames(bin: string, env: NodeJS.ProcessEnv, exe: string, core: string): Map<number, bigint[]> {
  const r = run(bin, ['--core', core, '-e', exe, '-n', '0'], { env, timeout: 60000 });
  const out = new Map<number, bigint[]>();
  let cur: bigint[] | undefined;
  for (const line of r.stdout.split('\n')) {
    const t = /^TID (\d+):$/.exec(line);
    if (t) out.set(Number(t[1]), (cur = []));
    const f = /^#\d+\s+0x([0-9a-f]+)/.exec(line);
    if (f && cur) cur.push(BigInt('0x' + f[1]));
  }
  return out;
}

/** The Go crash program (fixtures/src/core/go) built with Go 1.27, with DWARF and `-s -w`; undefined with a SKIP line without a toolchain. */
export function goProgram(what: string): { exe: string; stripped: string } | undefined {
  const src = join(SRC, 'go');
  const h = createHash('sha256').update(readFileSync(join(src, 'main.go'))).update(readFileSync(join(src, 'go.mod'))).digest('hex').slice(0, 12);
  const dir = join(cacheDir, 'core-programs', `go-${h}`);
  const exe = join(dir, 'gocrash');
  const stripped = join(dir, 'gocrash-sw');
  if (existsSync(exe) && existsSync(stripped)) return { exe, stripped };
  const root = goRoot('1.27');
  if (!root) return void skip(what, 'no Go 1.27 toolchain (scripts/go-toolchain.sh)');
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', GOCACHE: join(cacheDir, 'go', 'build-cache'), GOPATH: join(cacheDir, 'go', 'path') };
  for (const [out, flags] of [[exe, []], [stripped, ['-ldflags=-s -w']]] as const) {
    const r = run(join(root, 'bin', 'go'), ['build', ...flags, '-o', out + '.tmp', '.'], { cwd: src, env });
    if (r.status !== 0) return void skip(what, `go build failed: ${r.stderr.trim().split('\n').pop()}`);
    renameSync(out + '.tmp', out);
  }
  return { exe, stripped };
}
