// The CLI on damaged DWARF: it prints everything it can read, reports each
// problem as a ParseError naming the section and offset, and exits 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { fixtureBytes } from '@elfkit/fixtures';
import { elfkit as runCli } from './cli.js';

const elfkit = (...args: string[]) => runCli(args);

/** A copy of `fixture` with `patch` applied to section `name` (uncompressed in the file). */
function damaged(fixture: string, name: string, patch: (data: Uint8Array, fileOffset: number) => void): { path: string; done: () => void } {
  const bytes = fixtureBytes(fixture);
  const s = ElfFile.parse(bytes).section(name)!;
  patch(bytes.subarray(s.offset, s.offset + s.size), s.offset);
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-corrupt-'));
  const path = join(dir, 'bad');
  writeFileSync(path, bytes);
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('dwarf info: a bad abbreviation code in the second unit; the first unit and the second header still print', () => {
  // gcc-dwarf5: units at 0 and 0x3aa; the second unit's first DIE is at 0x3b6.
  const f = damaged('c/gcc-dwarf5', '.debug_info', (d) => {
    const second = new DataView(d.buffer, d.byteOffset).getUint32(0, true) + 4;
    d[second + 12] = 0x7f;
  });
  try {
    const r = elfkit('dwarf', 'info', f.path);
    assert.is(r.status, 1);
    assert.match(r.stdout, '0x0000000c: DW_TAG_compile_unit');
    assert.match(r.stdout, /0x000003aa: Compile Unit/);
    assert.match(r.stderr, /abbreviation code 127.*\(at \.debug_info\+0x3b6\)/);
    const j = elfkit('dwarf', 'info', '--json', f.path);
    assert.is(j.status, 1);
    const doc = JSON.parse(j.stdout) as { units: { dies: unknown[] }[]; errors: { section: string; offset: number }[] };
    assert.is(doc.units.length, 2);
    assert.ok(doc.units[0]!.dies.length > 10);
    assert.equal(doc.errors.map((e) => [e.section, e.offset]), [['.debug_info', 0x3b6]]);
  } finally {
    f.done();
  }
});

test('lines: a line program whose opcodes run past its end; the other program still prints', () => {
  const f = damaged('c/gcc-dwarf5', '.debug_line', (d) => {
    // The first program's last opcode is the end_sequence extended op (00 01 01): claim a huge length.
    const first = new DataView(d.buffer, d.byteOffset).getUint32(0, true) + 4;
    d[first - 2] = 0x7f;
  });
  try {
    const r = elfkit('lines', '--ndjson', f.path);
    assert.is(r.status, 1);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string });
    assert.ok(rows.some((x) => x.file.endsWith('main.c')), 'rows of the damaged program before the damage');
    assert.ok(rows.some((x) => x.file.endsWith('shapes.c')), 'rows of the intact program');
    assert.match(r.stderr, /\(at \.debug_line\+0x[0-9a-f]+\)/);
  } finally {
    f.done();
  }
});

test('a unit length running past the section ends the walk with an error, not a crash', () => {
  const f = damaged('c/gcc-dwarf4', '.debug_info', (d) => {
    d[0] = 0xff;
    d[1] = 0xff;
    d[2] = 0xff;
    d[3] = 0x7f;
  });
  try {
    const r = elfkit('dwarf', 'units', f.path);
    assert.is(r.status, 1);
    assert.match(r.stderr, /runs past the end of \.debug_info .*\(at \.debug_info\+0x0\)/);
  } finally {
    f.done();
  }
});

test.run();
