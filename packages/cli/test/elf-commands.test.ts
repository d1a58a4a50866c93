import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { fixturePath, run, which, skip } from '@elfkit/fixtures';
import { elfkit, elfkitJson } from './cli.js';

const PIE = fixturePath('c/gcc-pie');
const HEX = /^-?0x[0-9a-f]+$/;

test('every command answers --help with an example', () => {
  for (const cmd of [['info'], ['sections'], ['segments'], ['symbols'], ['notes'], ['dynamic'], ['relocs'], ['lines'], ['section', 'dump'], ['section']]) {
    const r = elfkit([...cmd, '--help']);
    assert.is(r.status, 0, cmd.join(' '));
    assert.match(r.stdout, 'Examples:', `${cmd.join(' ')} --help shows an example`);
  }
  const top = elfkit(['--help']);
  assert.is(top.status, 0);
  for (const c of ['info', 'sections', 'segments', 'symbols', 'notes', 'dynamic', 'relocs', 'section', 'lines']) assert.match(top.stdout, new RegExp(`elfkit ${c}`));
});

test('info summarizes the binary', () => {
  const r = elfkit(['info', PIE]);
  assert.is(r.status, 0);
  assert.match(r.stdout, /Machine:\s+Advanced Micro Devices X86-64/);
  assert.match(r.stdout, /Type:\s+DYN \(Position-Independent Executable file\)/);
  assert.match(r.stdout, /Interpreter:\s+\/lib64\/ld-linux-x86-64.so.2/);
  const j = elfkitJson(['info', PIE]);
  assert.is(j.class, 'ELF64');
  assert.is(j.buildId, ElfFile.parse(readFileSync(PIE)).buildId());
  assert.match(j.entry, HEX);
  assert.is(j.debug.present, true);
  const z = elfkitJson(['info', fixturePath('c/gcc-zstd')]);
  assert.equal(z.debug.compression, ['zstd']);
  const s = elfkitJson(['info', fixturePath('c/gcc-stripped')]);
  assert.is(s.debug.present, false);
  assert.is(s.debug.separate.debuglink, 'gcc-stripped.debug');
});

test('JSON listings carry addresses as hex strings and match the library', () => {
  const elf = ElfFile.parse(readFileSync(PIE));
  const secs = elfkitJson(['sections', PIE]).sections;
  assert.is(secs.length, elf.sections.length);
  for (const s of secs) assert.match(s.address, HEX);
  assert.is(secs[1].name, elf.sections[1]!.name);
  const segs = elfkitJson(['segments', PIE]);
  assert.is(segs.segments.length, elf.segments.length);
  assert.match(segs.segments[0].vaddr, HEX);
  assert.is(segs.interpreter, '/lib64/ld-linux-x86-64.so.2');
  const syms = elfkitJson(['symbols', PIE]).tables[0];
  assert.is(syms.section, '.symtab');
  assert.ok(syms.symbols.some((s: any) => s.name === 'main' && s.type === 'FUNC' && HEX.test(s.value)));
  const dyn = elfkitJson(['symbols', '--dynamic', PIE]).tables[0];
  assert.is(dyn.section, '.dynsym');
  assert.ok(dyn.symbols.some((s: any) => s.version && s.version.needed && s.version.file === 'libc.so.6'));
  const notes = elfkitJson(['notes', PIE]).notes;
  assert.ok(notes.some((n: any) => n.decoded?.kind === 'gnu-build-id'));
  const d = elfkitJson(['dynamic', PIE]).dynamic;
  assert.ok(d.some((e: any) => e.name === 'NEEDED' && e.string === 'libc.so.6'));
  const r = elfkitJson(['relocs', fixturePath('c/gcc-relr')]).tables;
  assert.ok(r.some((t: any) => t.kind === 'relr' && t.relocations.length > 0));
  assert.equal(elfkitJson(['dynamic', fixturePath('obj/amd64.o')]).dynamic, null);
});

test('text listings are aligned tables', () => {
  for (const cmd of ['sections', 'segments', 'symbols', 'notes', 'dynamic', 'relocs']) {
    const r = elfkit([cmd, PIE]);
    assert.is(r.status, 0, cmd);
    assert.ok(r.stdout.length > 0, cmd);
    assert.not.match(r.stdout, / +\n/, `${cmd}: no trailing blanks`);
  }
  const lines = elfkit(['sections', PIE]).stdout.trimEnd().split('\n');
  const col = lines[0]!.indexOf('Type');
  for (const l of lines.slice(1)) assert.ok(/^\S/.test(l.slice(col)), `Type column aligned: ${l}`);
});

test('a file argument of - reads standard input', () => {
  const bytes = readFileSync(PIE);
  for (const cmd of ['info', 'sections', 'symbols', 'notes']) {
    const a = elfkit([cmd, PIE]).stdout.replace(PIE, '-');
    const b = elfkit([cmd, '-'], { input: bytes });
    assert.is(b.status, 0, cmd);
    assert.is(b.stdout, a, cmd);
  }
});

test('section dump writes raw and decompressed contents', () => {
  const r = elfkit(['section', 'dump', PIE, '.interp']);
  assert.is(r.status, 0);
  assert.is(r.stdoutBytes.toString('latin1'), '/lib64/ld-linux-x86-64.so.2\0');
  const objcopy = which('objcopy');
  if (!objcopy) return skip('section dump vs objcopy', 'objcopy not found');
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-'));
  for (const fx of ['c/gcc-zlib', 'c/gcc-zstd', 'c/gcc-zdebug']) {
    const plain = join(dir, fx.replace('/', '_'));
    assert.is(run(objcopy, ['--decompress-debug-sections', fixturePath(fx), plain]).status, 0);
    const want = join(dir, 'want.bin');
    run(objcopy, ['-O', 'binary', '--only-section=.debug_info', '--set-section-flags', '.debug_info=alloc', plain, want]);
    const name = fx === 'c/gcc-zdebug' ? '.zdebug_info' : '.debug_info';
    const out = join(dir, 'got.bin');
    assert.is(elfkit(['section', 'dump', fixturePath(fx), name, '-o', out]).status, 0);
    assert.ok(readFileSync(out).equals(readFileSync(want)), `${fx} ${name} decompressed equals objcopy's`);
  }
});

test('errors: one line naming the file, exit 1; usage errors exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-'));
  const notElf = join(dir, 'text');
  writeFileSync(notElf, 'hello\n');
  let r = elfkit(['sections', notElf]);
  assert.is(r.status, 1);
  assert.is(r.stderr, `elfkit: ${notElf}: not an ELF file (bad magic) (at file+0x0)\n`);
  r = elfkit(['info', join(dir, 'missing')]);
  assert.is(r.status, 1);
  assert.is(r.stderr, `elfkit: ${join(dir, 'missing')}: no such file\n`);
  const truncated = join(dir, 'trunc');
  writeFileSync(truncated, readFileSync(PIE).subarray(0, 2000));
  r = elfkit(['sections', truncated]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*trunc: section header table .* extends past the end of the file \(at file\+0x[0-9a-f]+\)\n$/);
  r = elfkit(['sections']);
  assert.is(r.status, 2);
  r = elfkit(['frobnicate', PIE]);
  assert.is(r.status, 2);
  r = elfkit(['section', 'dump', PIE, '.nope']);
  assert.is(r.status, 1);
  assert.is(r.stderr, `elfkit: ${PIE}: no section .nope\n`);
});

test.run();
