// Oracle tests for core files: C and C++ programs (fixtures/src/core; -O0
// and -O2, PIE, non-PIE, static, a shared library of their own, four
// threads, a crash in a signal handler, a deep recursion, an uncaught C++
// exception) crash into cores — by the kernel where it writes them, and once
// under `gdb -batch -ex run -ex generate-core-file` — and for every thread
// the pcs of `elfkit core --json` equal gdb's physical frames (`thread apply
// all bt` without its inline and tail-call frames, which are not on the
// stack) and eu-stack's; `elfkit notes` equals `eu-readelf -n` on each core
// and on the committed qemu cores of other machines.
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

interface JsonCore {
  pid: number;
  signal: { number: number; name: string; faultAddress: string | null } | null;
  modules: { name: string; start: string; end: string; bias: string; buildId: string | null; executable: boolean; file: { kind: string } }[];
  threads: { tid: number; crashed: boolean; frames: { index: number; pc: string; method: string; signalFrame: boolean; module: string | null }[]; stop: { kind: string; message: string } }[];
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

const totals = { cores: 0, threads: 0, gdbFrames: 0, euFrames: 0, notes: 0, goFrames: 0, causes: new Map<string, number>() };
const note = (c: string, n = 1) => totals.causes.set(c, (totals.causes.get(c) ?? 0) + n);
const made: { exe: string; core: string; label: string }[] = [];

test('core backtraces equal gdb and eu-stack frame by frame', () => {
  const gdb = which('gdb');
  if (!gdb) return skip('core backtrace oracle', 'gdb is not on PATH');
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
    const g = gdbFrames(script, prog.exe, c.path)!;
    const e = eu ? euStackFrames(eu.bin('eu-stack'), eu.env, prog.exe, c.path) : undefined;
    assert.equal([...g.keys()].sort(), ours.threads.map((t) => t.tid).sort(), `${label}: threads`);
    for (const t of ours.threads) {
      totals.threads++;
      const pcs = t.frames.map((f) => BigInt(f.pc));
      const physical = g.get(t.tid)!.filter((f) => f.kind === 'frame');
      const skipped = g.get(t.tid)!.filter((f) => f.kind === 'tailcall').length;
      if (skipped) note("gdb tail-call frames (from DW_AT_call_tail_call; no return address on the stack, so not a frame to unwind)", skipped);
      assert.equal(
        pcs.map((p) => p.toString(16)),
        physical.map((f) => f.pc.toString(16)),
        `${label} thread ${t.tid}: elfkit vs gdb (${physical.map((f) => f.name).join(' < ')})`,
      );
      totals.gdbFrames += pcs.length;
      assert.is(t.stop.kind, 'end', `${label} thread ${t.tid}: stopped at the outermost frame, not: ${t.stop.message}`);
      if (e) {
        assert.equal(pcs.map((p) => p.toString(16)), (e.get(t.tid) ?? []).map((p) => p.toString(16)), `${label} thread ${t.tid}: elfkit vs eu-stack`);
        totals.euFrames += pcs.length;
      }
    }
    // The signal handler's frame is a signal frame; the one it interrupted is looked up at its pc.
    if (mode === 'signal') {
      const crashed = ours.threads.find((t) => t.crashed)!;
      const i = crashed.frames.findIndex((f) => f.signalFrame);
      assert.ok(i > 0, `${label}: a signal frame`);
    }
  }
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
    `\ncore oracle: ${totals.cores} cores, ${totals.threads} threads; ${totals.gdbFrames} frames equal to gdb's, ${totals.euFrames} to eu-stack's; ${totals.notes} notes equal to eu-readelf -n; ${totals.goFrames} Go frames equal to the runtime's traceback; frames gdb shows that are not on the stack: ${causes}\n`,
  );
  rmSync(work, { recursive: true, force: true });
});

test.run();
