// `elfkit core` on what goes wrong in the field: the crashed program's files
// moved away (found again with --sysroot), replaced by another build
// (detected by build id and reported), a core cut short, damaged CFI in a
// library — each said where it matters, the rest still printed, never a
// crash or a hang.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { repoRoot, run, skip, which } from '@elfkit/fixtures';
import { elfkit, elfkitJson } from './cli.js';
import { scratch } from './support.js';
import { makeCore, program, programDir } from './core-programs.js';

interface JsonCore {
  modules: { name: string; buildId: string | null; executable: boolean; file: { kind: string; path?: string; expected?: string; found?: string } }[];
  threads: { tid: number; crashed: boolean; frames: { pc: string; module: string | null; method: string }[]; stop: { kind: string; message: string } }[];
  truncated: boolean;
}

const work = scratch('elfkit-core-bad-');

/** A copy of the -O2 program and its library in `dir` (rpath $ORIGIN), and a core of it crashing there. */
function setup(): { dir: string; core: string; baseline: JsonCore } | undefined {
  const prog = program('c-O2', 'core bad-input tests');
  const gcc = which('gcc');
  if (!prog || !gcc) return undefined;
  const dir = join(work, 'app');
  mkdirSync(dir, { recursive: true });
  const src = join(repoRoot, 'fixtures', 'src', 'core');
  // Rebuild against $ORIGIN so the copy loads its own library wherever it moves.
  const r = run(gcc, ['-O2', '-g', '-pthread', '-o', join(dir, 'crash'), join(src, 'crash.c'), '-L', programDir(), '-lcorelib', "-Wl,-rpath,$ORIGIN"]);
  if (r.status !== 0) return void skip('core bad-input tests', r.stderr);
  copyFileSync(join(programDir(), 'libcorelib.so'), join(dir, 'libcorelib.so'));
  const c = makeCore(join(dir, 'crash'), ['segv'], join(work, 'run'));
  if ('error' in c) return void skip('core bad-input tests', c.error);
  return { dir, core: c.path, baseline: elfkitJson<JsonCore>(['core', c.path]) };
}

const s = setup();
const pcs = (j: JsonCore) => j.threads.map((t) => t.frames.map((f) => f.pc));

test('files moved away: modules reported missing, the rest unwound; --sysroot finds them again', () => {
  if (!s) return;
  const sysroot = join(work, 'sysroot');
  mkdirSync(dirname(join(sysroot, s.dir)), { recursive: true });
  renameSync(s.dir, join(sysroot, s.dir));
  try {
    const missing = elfkitJson<JsonCore>(['core', s.core]);
    const exe = missing.modules.find((m) => m.executable)!;
    assert.is(exe.file.kind, 'missing');
    assert.is(missing.modules.find((m) => m.name.endsWith('libcorelib.so'))!.file.kind, 'missing');
    assert.is(missing.modules.find((m) => m.name.endsWith('libc.so.6'))!.file.kind, 'path');
    // Threads blocked in libc still unwind through libc; the text says which module is missing.
    const text = elfkit(['core', s.core]);
    assert.is(text.status, 0, text.stderr);
    assert.match(text.stdout, /MISSING: no file at .*\/crash/);
    assert.match(text.stdout, /module file missing: .*\/crash/);
    for (const t of missing.threads) assert.ok(t.frames.length >= 1);
    const found = elfkitJson<JsonCore>(['core', s.core, '--sysroot', sysroot]);
    assert.equal(found.modules.find((m) => m.executable)!.file.kind, 'path');
    assert.equal(pcs(found), pcs(s.baseline), 'with --sysroot the backtraces are the same as before the move');
  } finally {
    renameSync(join(sysroot, s.dir), s.dir);
  }
});

test('a library replaced by another build: detected by build id, reported, not used', () => {
  if (!s) return;
  const gcc = which('gcc')!;
  const lib = join(s.dir, 'libcorelib.so');
  const saved = join(work, 'libcorelib.so.orig');
  copyFileSync(lib, saved);
  const src = join(repoRoot, 'fixtures', 'src', 'core', 'corelib.c');
  run(gcc, ['-O2', '-g', '-fPIC', '-shared', '-DANOTHER_BUILD=1', '-Wl,--build-id=sha1', '-o', lib, src, '-Wl,-z,norelro']);
  try {
    const j = elfkitJson<JsonCore>(['core', s.core]);
    const m = j.modules.find((x) => x.name.endsWith('libcorelib.so'))!;
    assert.is(m.file.kind, 'mismatch');
    assert.is(m.file.expected, m.buildId);
    assert.is.not(m.file.found, m.buildId);
    const text = elfkit(['core', s.core]).stdout;
    assert.match(text, /MISMATCH: .*libcorelib\.so has build id [0-9a-f]+, the core [0-9a-f]+/);
  } finally {
    copyFileSync(saved, lib);
  }
});

test('a truncated core: what it holds is printed, and that it is truncated', () => {
  if (!s) return;
  const bytes = readFileSync(s.core);
  for (const frac of [0.9, 0.5, 0.05]) {
    const cut = join(work, `cut-${frac}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * frac)));
    const r = elfkit(['core', cut, '--json']);
    assert.is(r.status, 0, `${frac}: ${r.stderr}`);
    const j = JSON.parse(r.stdout) as JsonCore;
    assert.ok(j.truncated, `${frac}: truncated`);
    assert.is(j.threads.length, 4, `${frac}: the notes are at the start, every thread is there`);
  }
  const tiny = join(work, 'tiny');
  writeFileSync(tiny, bytes.subarray(0, 40));
  const r = elfkit(['core', tiny]);
  assert.is(r.status, 1);
  assert.match(r.stderr.trim(), /^elfkit: .*tiny: .*\(at file\+0x[0-9a-f]+\)$/);
});

test('damaged CFI in a library: a ParseError naming .eh_frame stops that thread; the others are unwound', () => {
  if (!s) return;
  const lib = join(s.dir, 'libcorelib.so');
  const saved = join(work, 'libcorelib.so.orig2');
  copyFileSync(lib, saved);
  try {
    const b = new Uint8Array(readFileSync(lib));
    const eh = ElfFile.parse(b).section('.eh_frame')!;
    // The first CIE's augmentation string: "zR" becomes "zQ", which no reader knows.
    const aug = eh.offset + 9;
    assert.is(String.fromCharCode(b[aug]!, b[aug + 1]!), 'zR');
    b[aug + 1] = 0x51;
    writeFileSync(lib, b);
    const j = elfkitJson<JsonCore>(['core', s.core]);
    const crashed = j.threads.find((t) => t.crashed)!;
    assert.is(crashed.stop.kind, 'bad-cfi');
    assert.match(crashed.stop.message, /unknown augmentation 'Q' in "zQ" \(at \.eh_frame\+0x[0-9a-f]+\)/);
    assert.ok(crashed.frames.some((f) => f.module?.endsWith('libcorelib.so')));
    for (const t of j.threads.filter((t) => !t.crashed)) assert.is(t.stop.kind, 'end');
  } finally {
    copyFileSync(saved, lib);
  }
});

test('cleanup', () => {
  rmSync(work, { recursive: true, force: true });
  void readdirSync;
});

test.run();
