// Oracle tests for core files: C and C++ programs (fixtures/src/core; -O0
// and -O2, PIE, non-PIE, static, a shared library of their own, four
// threads, a crash in a signal handler, a deep recursion, an uncaught C++
// exception) crash into cores — by the kernel where it writes them, and once
// under `gdb -batch -ex run -ex generate-core-file` — and for every thread
// `elfkit core --json` equals gdb (`thread apply all bt`) and `eu-stack -i -s`
// frame by frame: the pcs of the physical frames, and for each frame its
// inlined calls and function with name, file and line — libc's too, from
// Debian's libc6-dbg (installed here when the test runs as root). A
// difference passes only with a proof: two names of one address in the
// symbol table (nm), or llvm-symbolizer agreeing with elfkit on a file and
// line. `elfkit notes` equals `eu-readelf -n` on each core and on the
// committed qemu cores of other machines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { repoRoot, run, skip, which } from '@elfkit/fixtures';
import { elfkit, elfkitJson } from './cli.js';
import { elfutils, scratch } from './support.js';
import { GDB_FRAMES_SCRIPT, euStackFrames, gdbFrames, goProgram, kernelWritesCores, makeCore, program } from './core-programs.js';

const eu = elfutils('core oracles (eu-stack, eu-readelf)');
const work = scratch('elfkit-core-');
const script = join(work, 'frames.py');
writeFileSync(script, GDB_FRAMES_SCRIPT);

interface JsonFunction {
  function: string | null;
  file: string | null;
  line: number;
  inlined: boolean;
}

interface JsonCore {
  pid: number;
  signal: { number: number; name: string; faultAddress: string | null } | null;
  modules: { name: string; start: string; end: string; bias: string; buildId: string | null; executable: boolean; file: { kind: string; path?: string }; debug: { kind: string; via?: string; path?: string } }[];
  threads: { tid: number; crashed: boolean; frames: { index: number; pc: string; lookupPc: string; method: string; signalFrame: boolean; module: string | null; functions: JsonFunction[] }[]; stop: { kind: string; message: string } }[];
  problems: string[];
}

const CASES: [Parameters<typeof program>[0], string, 'kernel' | 'gdb' | 'any'][] = [
  ['c-O2', 'segv', 'any'],
  ['c-O2', 'abort', 'any'],
  ['c-O2', 'signal', 'any'],
  ['c-O2', 'segv', 'gdb'],
  ['c-O0', 'segv', 'any'],
  ['c-O0', 'signal', 'any'],
  ['c-O0', 'recurse', 'any'],
  ['c-O2-nopie', 'segv', 'any'],
  ['c-O2-static', 'segv', 'any'],
  ['c-O2-static', 'signal', 'any'],
  ['cxx-O2', '', 'any'],
];

const totals = { cores: 0, threads: 0, gdbFrames: 0, euFrames: 0, gdbFunctions: 0, euFunctions: 0, notes: 0, goFrames: 0, causes: new Map<string, number>() };
const note = (c: string, n = 1) => totals.causes.set(c, (totals.causes.get(c) ?? 0) + n);
const made: { exe: string; core: string; label: string }[] = [];

/** A function name without its parameters and return type (gdb prints `ns::f`, eu-stack and elfkit `double ns::f(int) const`). */
export function bareName(name: string | null | undefined): string {
  if (!name || name === 'None' || name === '??') return '??';
  let n = name.trim();
  // Parameters: the last top-level parenthesized group (and a `const` after it).
  n = n.replace(/\s+const$/, '');
  if (n.endsWith(')')) {
    let depth = 0;
    for (let i = n.length - 1; i >= 0; i--) {
      const c = n[i];
      if (c === ')') depth++;
      else if (c === '(' && --depth === 0) {
        if (!n.slice(0, i).endsWith('operator')) n = n.slice(0, i);
        break;
      }
    }
  }
  // Return type: what precedes the last top-level space.
  let depth = 0;
  for (let i = n.length - 1; i >= 0; i--) {
    const c = n[i];
    if (c === '>' || c === ')') depth++;
    else if (c === '<' || c === '(') depth--;
    else if (c === ' ' && depth === 0) return n.slice(i + 1);
  }
  return n;
}

const baseFile = (f: string | null | undefined) => (f ? f.slice(f.lastIndexOf('/') + 1) : '');

/** Where a function's name, file or line differs, or undefined when equal. */
function differs(ours: JsonFunction | undefined, theirs: { name: string; file: string; line: number }): { field: 'function' | 'file' | 'line'; text: string } | undefined {
  const name = bareName(ours?.function);
  const want = bareName(theirs.name);
  if (name !== want) return { field: 'function', text: `function ${name} vs ${want}` };
  if (theirs.file && baseFile(ours?.file) !== baseFile(theirs.file)) return { field: 'file', text: `file ${ours?.file} vs ${theirs.file}` };
  if (theirs.line && (ours?.line ?? 0) !== theirs.line) return { field: 'line', text: `line ${ours?.line} vs ${theirs.line} (${theirs.file})` };
  return undefined;
}

/** `nm`'s symbols of a file: name → addresses (to prove two names are aliases of one address). */
const nmCache = new Map<string, Map<string, Set<bigint>>>();
function symbolAddresses(file: string): Map<string, Set<bigint>> {
  let m = nmCache.get(file);
  if (m) return m;
  m = new Map();
  const nm = which('nm');
  if (nm) {
    for (const line of run(nm, ['--defined-only', file]).stdout.split('\n')) {
      const f = /^([0-9a-f]+) \w (\S+)$/.exec(line);
      if (!f) continue;
      const name = f[2]!.replace(/@.*$/, '');
      let set = m.get(name);
      if (!set) m.set(name, (set = new Set()));
      set.add(BigInt('0x' + f[1]));
    }
  }
  nmCache.set(file, m);
  return m;
}

/** llvm-symbolizer's functions (innermost first) at a file address of `file`, as a third opinion where gdb or eu-stack and elfkit differ. */
function llvmFunctions(file: string, address: bigint): { name: string; file: string; line: number }[] | undefined {
  const llvm = which('llvm-symbolizer') ?? which('llvm-symbolizer-14');
  if (!llvm) return undefined;
  const r = run(llvm, ['--inlines', `--obj=${file}`, `0x${address.toString(16)}`]);
  const lines = r.stdout.trim().split('\n');
  const out: { name: string; file: string; line: number }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const loc = /^(.*?):(\d+)(?::\d+)?$/.exec(lines[i + 1]!);
    out.push({ name: lines[i]!, file: loc && loc[1] !== '??' ? loc[1]! : '', line: loc ? Number(loc[2]) : 0 });
  }
  return out;
}

/**
 * Settles a difference between elfkit and `tool`: two names of one address
 * (aliases in the symbol table: glibc's `clone3`/`__clone3`), or a file and
 * line on which llvm-symbolizer agrees with elfkit. Returns the cause, or
 * undefined when the difference stands.
 */
function settle(tool: string, d: { field: 'function' | 'file' | 'line' }, ours: JsonFunction | undefined, theirs: { name: string; file: string; line: number }, at: { symbols: string; file: string; address: bigint; index: number }): string | undefined {
  if (d.field === 'function' && ours?.function) {
    const syms = symbolAddresses(at.symbols);
    const a = syms.get(ours.function);
    const b = syms.get(theirs.name);
    if (a && b && [...a].some((x) => b.has(x))) return `${tool} names another symbol of the same address (an alias in the symbol table, e.g. glibc's clone3 = __clone3)`;
  }
  if (d.field !== 'function') {
    const llvm = llvmFunctions(at.file, at.address);
    const third = llvm?.[at.index];
    if (third && baseFile(third.file) === baseFile(ours?.file) && third.line === (ours?.line ?? 0)) return `${tool}'s ${d.field} differs; llvm-symbolizer agrees with elfkit`;
  }
  return undefined;
}

/** The libc debug files (Debian libc6-dbg): installed with apt-get when the test runs as root, else the libc frames are named from its symbol table. */
function libcDebug(): boolean {
  const installed = () => run('dpkg-query', ['-W', '-f=${Status}', 'libc6-dbg']).stdout.includes('install ok installed');
  if (installed()) return true;
  if (process.getuid?.() === 0 && which('apt-get')) {
    process.stdout.write('installing Debian libc6-dbg for the core oracle (apt-get)…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env, timeout: 300000 });
    run('apt-get', ['install', '-y', '-qq', 'libc6-dbg'], { env, timeout: 600000 });
    if (installed()) return true;
  }
  skip('libc frames with lines and inlined calls', 'libc6-dbg is not installed and cannot be (apt-get install libc6-dbg as root); libc frames are compared by their symbol-table names');
  return false;
}

type JsonFrame = JsonCore['threads'][number]['frames'][number];

/** Where to settle a difference at function `index` of `frame`: the module's file, the file with its full symbol table, the file address looked up. */
function settleAt(core: JsonCore, frame: JsonFrame, index: number): { symbols: string; file: string; address: bigint; index: number } {
  const m = core.modules.find((x) => x.name === frame.module);
  const bias = m ? BigInt(m.bias) : 0n;
  const file = m?.file.kind === 'given' || m?.file.kind === 'path' || m?.file.kind === 'build-id' ? (m.file as { path: string }).path : (frame.module ?? '');
  const symbols = m?.debug.kind === 'dwarf' && m.debug.via !== 'self' ? (m.debug as { path: string }).path : file;
  const pc = BigInt(frame.signalFrame ? frame.pc : frame.lookupPc);
  return { symbols, file, address: pc - bias, index };
}

test('core backtraces equal gdb and eu-stack frame by frame: pcs, functions, inlined calls, files, lines', () => {
  const gdb = which('gdb');
  if (!gdb) return skip('core backtrace oracle', 'gdb is not on PATH');
  const withLibcDebug = libcDebug();
  const diffs: string[] = [];
  for (const [variant, mode, by] of CASES) {
    const prog = program(variant, 'core backtrace oracle');
    if (!prog) continue;
    const label = `${variant} ${mode || 'terminate'} (${by})`;
    const c = makeCore(prog.exe, mode ? [mode] : [], join(work, `${variant}-${mode}-${by}`), by);
    if ('error' in c) {
      skip(`core of ${label}`, c.error);
      continue;
    }
    made.push({ exe: prog.exe, core: c.path, label });
    totals.cores++;
    const ours = elfkitJson<JsonCore>(['core', c.path, ...(by === 'gdb' ? ['--exe', prog.exe] : [])]);
    assert.ok(ours.signal, `${label}: a signal`);
    assert.ok(ours.modules.some((m) => m.executable), `${label}: the executable is found`);
    const exeModule = ours.modules.find((m) => m.executable)!;
    assert.equal([exeModule.debug.kind, exeModule.debug.via], ['dwarf', 'self'], `${label}: the executable's own DWARF`);
    if (withLibcDebug && variant !== 'c-O2-static') {
      const libc = ours.modules.find((m) => /\/libc\.so/.test(m.name));
      assert.is(libc?.debug.kind, 'dwarf', `${label}: libc's debug file is found`);
    }
    const g = gdbFrames(script, prog.exe, c.path)!;
    const e = eu ? euStackFrames(eu.bin('eu-stack'), eu.env, prog.exe, c.path) : undefined;
    assert.equal([...g.keys()].sort(), ours.threads.map((t) => t.tid).sort(), `${label}: threads`);
    for (const t of ours.threads) {
      totals.threads++;
      const pcs = t.frames.map((f) => BigInt(f.pc));
      const theirs = g.get(t.tid)!;
      const physical = theirs.filter((f) => f.kind === 'frame' || f.kind === 'sigtramp');
      const skipped = theirs.filter((f) => f.kind === 'tailcall').length;
      if (skipped) note('gdb tail-call frames (from DW_AT_call_tail_call; no return address on the stack, so not a frame to unwind)', skipped);
      assert.equal(
        pcs.map((p) => p.toString(16)),
        physical.map((f) => f.pc.toString(16)),
        `${label} thread ${t.tid}: elfkit vs gdb (${physical.map((f) => f.name).join(' < ')})`,
      );
      totals.gdbFrames += pcs.length;
      assert.is(t.stop.kind, 'end', `${label} thread ${t.tid}: stopped at the outermost frame, not: ${t.stop.message}`);
      // Functions: gdb's inline frames belong to the physical frame after them.
      let j = 0;
      let pending: typeof theirs = [];
      for (const f of theirs) {
        if (f.kind === 'tailcall') continue;
        if (f.kind === 'inline') {
          pending.push(f);
          continue;
        }
        const want = [...pending, f];
        pending = [];
        const ourFrame = t.frames[j]!;
        const mine = ourFrame.functions;
        const where = `${label} thread ${t.tid} frame ${j} (0x${f.pc.toString(16)})`;
        const at = (k: number) => settleAt(ours, ourFrame, k);
        if (mine.length === 0 && want.length === 1 && (want[0]!.name === 'None' || want[0]!.name === '??')) totals.gdbFunctions++;
        else if (mine.length !== want.length) diffs.push(`${where}: ${mine.length} functions vs gdb's ${want.length}: ${mine.map((x) => x.function).join(' < ')} vs ${want.map((x) => x.name).join(' < ')}`);
        else
          want.forEach((w, k) => {
            const d = differs(mine[k], w);
            const cause = d && settle('gdb', d, mine[k], w, at(k));
            if (d && !cause) diffs.push(`${where} function ${k}: ${d.text} [gdb]`);
            else if (cause) note(cause);
            else totals.gdbFunctions++;
          });
        j++;
      }
      if (e) {
        const eus = e.get(t.tid) ?? [];
        const flat = t.frames.flatMap((f): { pc: bigint; fn: JsonFunction | undefined; at: ReturnType<typeof settleAt> }[] =>
          f.functions.length ? f.functions.map((fn, k) => ({ pc: BigInt(f.pc), fn, at: settleAt(ours, f, k) })) : [{ pc: BigInt(f.pc), fn: undefined, at: settleAt(ours, f, 0) }],
        );
        assert.equal(
          [...new Set(flat.map((x) => x.pc.toString(16)))],
          [...new Set(eus.map((x) => x.pc.toString(16)))],
          `${label} thread ${t.tid}: elfkit vs eu-stack pcs`,
        );
        totals.euFrames += pcs.length;
        if (flat.length !== eus.length) diffs.push(`${label} thread ${t.tid}: ${flat.length} functions vs eu-stack's ${eus.length}: ${flat.map((x) => x.fn?.function).join(' < ')} vs ${eus.map((x) => x.name).join(' < ')}`);
        else
          eus.forEach((w, k) => {
            const d = differs(flat[k]!.fn, w);
            const cause = d && settle('eu-stack', d, flat[k]!.fn, w, flat[k]!.at);
            if (d && !cause) diffs.push(`${label} thread ${t.tid} function ${k} (0x${w.pc.toString(16)}): ${d.text} [eu-stack]`);
            else if (cause) note(cause);
            else totals.euFunctions++;
          });
      }
    }
    // The signal handler's frame is a signal frame; the one it interrupted is looked up at its pc.
    if (mode === 'signal') {
      const crashed = ours.threads.find((t) => t.crashed)!;
      const i = crashed.frames.findIndex((f) => f.signalFrame);
      assert.ok(i > 0, `${label}: a signal frame`);
    }
  }
  assert.equal(diffs, [], diffs.join('\n'));
});

test('elfkit notes on a core equals eu-readelf -n (test cores and the qemu cores of AArch64, ARM, i386)', () => {
  if (!eu) return;
  const qemu = ['aarch64', 'arm', 'i386'].map((a) => {
    const path = join(work, `${a}-qemu.core`);
    writeFileSync(path, gunzipSync(readFileSync(join(repoRoot, 'fixtures', 'core', `${a}-qemu.core.gz`))));
    return { core: path, label: `${a} qemu core` };
  });
  for (const { core, label } of [...made, ...qemu]) {
    const ours = elfkit(['notes', core]);
    assert.is(ours.status, 0, `${label}: ${ours.stderr}`);
    const theirs = run(eu.bin('eu-readelf'), ['-n', core], { env: eu.env });
    assert.fixture(ours.stdout, theirs.stdout, `${label}: elfkit notes vs eu-readelf -n`);
    totals.notes += (theirs.stdout.match(/^ {2}\S+ +\d+ {2}/gm) ?? []).length;
  }
});

test('Go: the crashed goroutine\'s frames equal the runtime\'s own traceback, from .debug_frame and from the pclntab alone (-s -w)', () => {
  if (!kernelWritesCores()) return skip('Go core oracle', 'the kernel does not write core files into the working directory here');
  const go = goProgram('Go core oracle');
  if (!go) return;
  const dir = join(work, 'go');
  rmSync(dir, { recursive: true, force: true });
  run('bash', ['-c', 'mkdir -p "$1" && cd "$1" && ulimit -c unlimited && GOTRACEBACK=crash "$0" 2> trace.txt; true', go.exe, dir]);
  const core = readdirSync(dir).find((f) => f === 'core' || /^core\.\d+$/.test(f));
  if (!core) return skip('Go core oracle', 'the Go program left no core');
  const c = { path: join(dir, core) };
  const trace = readFileSync(join(dir, 'trace.txt'), 'utf8');
  // The panicking goroutine's physical frames, as the runtime printed them (pc=0x… on each frame's second line).
  const block = trace.split('\n\n').find((b) => /^goroutine \d+ .*\[running\]:/m.test(b))!;
  const want = [...block.matchAll(/ pc=0x([0-9a-f]+)$/gm)].map((m) => m[1]!);
  assert.ok(want.length >= 5, `the traceback has the crashed goroutine: ${block}`);
  for (const exe of [go.exe, go.stripped]) {
    const ours = elfkitJson<JsonCore>(['core', c.path, '--exe', exe]);
    const crashed = ours.threads.find((t) => t.crashed)!;
    const pcs = crashed.frames.map((f) => BigInt(f.pc).toString(16));
    const at = pcs.indexOf(want[0]!);
    assert.ok(at >= 0, `${exe}: the goroutine's first frame ${want[0]} among ${pcs.join(' ')}`);
    assert.equal(pcs.slice(at, at + want.length), want, `${exe}: the goroutine's frames`);
    // main.leaf faulted: runtime.sigpanic's caller is looked up at its pc, not pc − 1.
    const leaf = crashed.frames[at + 2]!;
    assert.is(crashed.frames[at + 1]!.signalFrame, true, 'runtime.sigpanic is a trap frame');
    assert.is(BigInt(leaf.pc).toString(16), want[2]);
    totals.goFrames += want.length;
  }
});

test('summary', () => {
  const causes = [...totals.causes].map(([k, v]) => `${k}: ${v}`).join('; ') || 'none';
  process.stdout.write(
    `\ncore oracle: ${totals.cores} cores, ${totals.threads} threads; ${totals.gdbFrames} frames equal to gdb's, ${totals.euFrames} to eu-stack's; functions (inlined calls included) with equal name, file and line: ${totals.gdbFunctions} to gdb's, ${totals.euFunctions} to eu-stack's; ${totals.notes} notes equal to eu-readelf -n; ${totals.goFrames} Go frames equal to the runtime's traceback; differences by cause: ${causes}\n`,
  );
  rmSync(work, { recursive: true, force: true });
});

test.run();
