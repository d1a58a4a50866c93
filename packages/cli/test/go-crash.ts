/**
 * The goroutine tests' Go program (fixtures/src/goroutines): built with each
 * Go toolchain the tests fetch, run with GOTRACEBACK=crash under `ulimit -c
 * unlimited` so the runtime prints every goroutine and the kernel writes a
 * core, all cached in `.cache/goroutines/<go>-<goarch>-<source hash>/`; and
 * a reader for the runtime's traceback text (which elfkit's text form
 * follows, so one reader serves both).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, goRoot, repoRoot, run, which } from '@elfkit/fixtures';
import { kernelWritesCores } from './core-programs.js';

export const SRC = join(repoRoot, 'fixtures', 'src', 'goroutines');
/** The cgo program: a goroutine blocked in C. */
export const CGO_SRC = join(repoRoot, 'fixtures', 'src', 'goroutines-cgo');
/** The toolchains the tests fetch (scripts/go-toolchain.sh). */
export const GO_VERSIONS = ['1.19', '1.22', '1.24', '1.26', '1.27'] as const;

/** A built program: the binary with DWARF and its `-s -w` copy. */
export interface GoBuild {
  readonly version: string;
  readonly goarch: string;
  readonly dir: string;
  readonly exe: string;
  readonly stripped: string;
}

/** A crash of the program: the executable that ran, its core and what the runtime printed. */
export interface GoCrash extends GoBuild {
  readonly core: string;
  readonly trace: string;
}

function sourceHash(src = SRC): string {
  const h = createHash('sha256');
  for (const f of readdirSync(src).sort()) if (statSync(join(src, f)).isFile()) h.update(f).update(readFileSync(join(src, f)));
  return h.digest('hex').slice(0, 12);
}

/** Go's environment for building offline into the repository's cache. */
export function goEnv(goarch = 'amd64', cgo = false): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOFLAGS: '',
    GOTELEMETRY: 'off',
    GOARCH: goarch,
    CGO_ENABLED: cgo ? '1' : '0',
    GOCACHE: join(cacheDir, 'go', 'build-cache'),
    GOPATH: join(cacheDir, 'go', 'path'),
  };
}

/** Builds (once) the program in `src` with Go `version` (`-buildmode=pie` when `pie`, with cgo when `cgo`); a string says why it could not. */
export function goBuild(version: string, goarch = 'amd64', { src = SRC, name = 'goroutines', pie = false, cgo = false } = {}): GoBuild | string {
  const dir = join(cacheDir, name, `${version}-${goarch}${pie ? '-pie' : ''}-${sourceHash(src)}`);
  const exe = join(dir, 'prog');
  const stripped = join(dir, 'prog-sw');
  if (existsSync(exe) && existsSync(stripped)) return { version, goarch, dir, exe, stripped };
  const root = goRoot(version);
  if (!root) return `no Go ${version} toolchain (scripts/go-toolchain.sh)`;
  if (cgo && !which('gcc')) return 'gcc is not on PATH (cgo)';
  mkdirSync(dir, { recursive: true });
  for (const [out, flags] of [[exe, []], [stripped, ['-ldflags=-s -w']]] as const) {
    const r = run(join(root, 'bin', 'go'), ['build', '-trimpath', ...(pie ? ['-buildmode=pie'] : []), ...flags, '-o', out + '.tmp', '.'], { cwd: src, env: goEnv(goarch, cgo) });
    if (r.status !== 0) return `go ${version} build failed: ${r.stderr.trim().split('\n').pop()}`;
    renameSync(out + '.tmp', out);
  }
  return { version, goarch, dir, exe, stripped };
}

/**
 * Crashes the build (once) in its directory, run with argument `mode`
 * when given (`sw`: the `-s -w` build instead): GOTRACEBACK=crash, four Ps
 * (the program keeps one busy in assembly), `ulimit -c unlimited`; the
 * kernel writes `core` next to the runtime's `trace.txt`.
 */
export function goCrash(b: GoBuild, mode = ''): GoCrash | string {
  // Mode `sw` runs the `-s -w` build; others are the program's argument.
  const args = mode && mode !== 'sw' ? [mode] : [];
  const exe = mode === 'sw' ? b.stripped : b.exe;
  const core = join(b.dir, mode ? `core-${mode}` : 'core');
  const trace = join(b.dir, mode ? `trace-${mode}.txt` : 'trace.txt');
  if (existsSync(core) && existsSync(trace)) return { ...b, exe, core, trace };
  const emulator = b.goarch === 'amd64' ? undefined : qemu(b.goarch);
  if (typeof emulator === 'string') return emulator;
  if (!emulator && !kernelWritesCores()) return 'the kernel does not write core files into the working directory here (core_pattern)';
  const work = join(b.dir, `run${mode}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const argv = emulator ? [emulator.path, exe, ...args] : [exe, ...args];
  const r = run('bash', ['-c', 'ulimit -c unlimited && exec "$0" "$@" 2> trace.txt', ...argv], {
    cwd: work,
    env: { ...process.env, GOTRACEBACK: 'crash', GOMAXPROCS: '4' },
    timeout: 120000,
  });
  // qemu-user writes the guest's core as qemu_<prog>_<time>_<pid>.core (the kernel's `core` is qemu's own).
  const made = readdirSync(work).find((f) => (emulator ? /^qemu_.*\.core$/.test(f) : f === 'core' || /^core\.\d+$/.test(f)));
  if (!made) return `the program left no core (exit ${r.status}): ${readFileSync(join(work, 'trace.txt'), 'utf8').split('\n')[0]}`;
  renameSync(join(work, 'trace.txt'), trace);
  renameSync(join(work, made), core);
  rmSync(work, { recursive: true, force: true });
  return { ...b, exe, core, trace };
}

/** qemu-user for `goarch` (on PATH, else Debian bookworm's qemu-user-static fetched into .cache), or why there is none. */
function qemu(goarch: string): { path: string } | string {
  const name = goarch === 'arm64' ? 'aarch64' : goarch;
  const found = which(`qemu-${name}`) ?? which(`qemu-${name}-static`);
  if (found) return { path: found };
  const cached = join(cacheDir, 'root', 'bookworm', 'usr', 'bin', `qemu-${name}-static`);
  if (!existsSync(cached)) {
    const r = run('bash', [join(repoRoot, 'scripts', 'fetch-deb.sh'), 'bookworm', 'qemu-user-static']);
    if (r.status !== 0) return `no qemu-${name} on PATH, and qemu-user-static cannot be fetched: ${r.stderr.trim().split('\n').pop()}`;
  }
  return existsSync(cached) ? { path: cached } : `qemu-user-static has no qemu-${name}-static`;
}

/** One frame of a traceback text. */
export interface TextFrame {
  readonly name: string;
  readonly args: string;
  readonly file: string;
  readonly line: number;
  readonly offset?: number;
  readonly fp?: bigint;
  readonly sp?: bigint;
  readonly pc?: bigint;
  readonly inlined: boolean;
  /** elfkit's mark for a frame on another stack (`g0`, `gsignal`). */
  readonly stack?: string;
}

/** One goroutine of a traceback text. */
export interface TextGoroutine {
  readonly id: bigint;
  readonly gp?: bigint;
  /** `m=` as printed (`nil` or the M's id). */
  readonly m?: string;
  /** Inside the brackets: `chan receive, locked to thread`. */
  readonly status: string;
  /** The frames printed; when frames were elided, those before the elision. */
  readonly frames: TextFrame[];
  /** Frames printed after an elision (Go 1.21+ prints the outermost 50). */
  readonly tail: TextFrame[];
  /** An elision: `...N frames elided...` (N), or Go ≤1.20's `...additional frames elided...` (-1). */
  readonly elided?: number;
  /** `goroutine running on other thread; stack unavailable`. */
  readonly unavailable: boolean;
  readonly createdBy?: { readonly name: string; readonly goroutine?: bigint; readonly file: string; readonly line: number; readonly offset?: number };
  /** elfkit's `...traceback stopped: …` line. */
  readonly stopped?: string;
}

const HEADER = /^goroutine (\d+)(?: gp=(0x[0-9a-f]+) m=(nil|\d+)(?: mp=0x[0-9a-f]+)?)? \[(.*)\]:$/;
const AT = /^\t(.*):(\d+)(?: \+0x([0-9a-f]+))?(?: fp=0x([0-9a-f]+) sp=0x([0-9a-f]+) pc=0x([0-9a-f]+))?(?: \[(g0|gsignal)\])?$/;

/** Reads every goroutine of a traceback text (the runtime's stderr, or `elfkit go goroutines`). */
export function parseTraceback(text: string): TextGoroutine[] {
  const out: TextGoroutine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = HEADER.exec(lines[i]!);
    if (!h) continue;
    const g = {
      id: BigInt(h[1]!),
      gp: h[2] ? BigInt(h[2]) : undefined,
      m: h[3],
      status: h[4]!,
      frames: [] as TextFrame[],
      tail: [] as TextFrame[],
      elided: undefined as number | undefined,
      unavailable: false,
      createdBy: undefined as TextGoroutine['createdBy'],
      stopped: undefined as string | undefined,
    };
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const l = lines[i]!;
      if (l === '\tgoroutine running on other thread; stack unavailable') g.unavailable = true;
      else if (l === '...additional frames elided...') g.elided = -1;
      else if (/^\.\.\.(\d+) frames elided\.\.\.$/.test(l)) g.elided = Number(/\d+/.exec(l)![0]);
      else if (l.startsWith('...traceback stopped: ')) g.stopped = l.slice('...traceback stopped: '.length);
      else if (l.startsWith('created by ')) {
        const c = /^created by (.+?)(?: in goroutine (\d+))?$/.exec(l)!;
        const at = /^\t(.*):(\d+)(?: \+0x([0-9a-f]+))?$/.exec(lines[++i] ?? '');
        g.createdBy = { name: c[1]!, goroutine: c[2] ? BigInt(c[2]) : undefined, file: at?.[1] ?? '', line: Number(at?.[2] ?? 0), offset: at?.[3] ? parseInt(at[3], 16) : undefined };
      } else {
        const call = /^(.+)\((.*)\)$/.exec(l);
        const at = AT.exec(lines[i + 1] ?? '');
        if (!call || !at) continue;
        i++;
        const f: TextFrame = {
          name: call[1]!,
          args: call[2]!,
          file: at[1]!,
          line: Number(at[2]),
          offset: at[3] ? parseInt(at[3], 16) : undefined,
          fp: at[4] ? BigInt('0x' + at[4]) : undefined,
          sp: at[5] ? BigInt('0x' + at[5]) : undefined,
          pc: at[6] ? BigInt('0x' + at[6]) : undefined,
          inlined: call[2] === '...' && !at[4],
          stack: at[7],
        };
        (g.elided === undefined ? g.frames : g.tail).push(f);
      }
    }
    out.push(g);
  }
  return out;
}
