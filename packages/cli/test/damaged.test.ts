// Print what can be read: on a file with one damaged part, every command
// prints every record that part does not hold — the same records as on the
// intact file — reports the damage once (section and offset) and exits 1.
// The damaged files are made here from the fixtures, one part at a time:
// the section header table (readelf -l still lists the program headers),
// the section name table index (readelf -S lists <no-strings>/<corrupt>
// names), the compression header of .debug_info (llvm-dwarfdump
// --debug-line still walks .debug_line), a note, .gnu.version_r and a
// relocation table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile, constants as C } from '@elfkit/elf';
import { fixturePath, fixtureBytes } from '@elfkit/fixtures';
import { elfkit, type CliResult } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'elfkit-damaged-'));
let n = 0;

/** A copy of fixture `name` with `patch` applied (DataView and parsed ELF of the intact bytes at hand). */
function damaged(name: string, patch: (b: Uint8Array, dv: DataView, elf: ElfFile) => void): string {
  const bytes = fixtureBytes(name).slice();
  patch(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), ElfFile.parse(fixtureBytes(name)));
  const path = join(dir, `${name.replace(/\W/g, '_')}-${n++}`);
  writeFileSync(path, bytes);
  return path;
}

/** The JSON a command prints (it may exit 1), and its run. */
function json<T = any>(args: string[]): { doc: T; run: CliResult } {
  const run = elfkit([...args, '--json']);
  return { doc: JSON.parse(run.stdout) as T, run };
}

/** Exit status 1 and exactly one line on stderr, matching `re`. */
function reportedOnce(r: CliResult, re: RegExp, what: string): void {
  assert.is(r.status, 1, `${what}: exit status`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, re, what);
}

const intact = (args: string[]) => {
  const r = elfkit([...args, '--json']);
  assert.is(r.status, 0, `intact ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

test('section header table past the end of the file: program headers, notes, dynamic entries and facts still print', () => {
  const orig = fixturePath('c/gcc-dwarf5');
  const bad = damaged('c/gcc-dwarf5', (b, dv) => dv.setBigUint64(0x28, BigInt(b.length + 100), true));
  const where = /section header table \(39 entries of 64 bytes at 0x[0-9a-f]+\) extends past the end of the file \(at file\+0x[0-9a-f]+\)$/;

  const seg = json(['segments', bad]);
  reportedOnce(seg.run, where, 'segments');
  const good = intact(['segments', orig]);
  assert.is(seg.doc.segments.length, 14);
  assert.equal(
    seg.doc.segments.map((s: any) => ({ ...s, sections: [] })),
    good.segments.map((s: any) => ({ ...s, sections: [] })),
    'every program header as in the intact file (without the section mapping)',
  );
  const text = elfkit(['segments', bad]);
  assert.is(text.stdout.split('\n').filter((l) => /^\s*\d+\s+[A-Z_]+\s+0x/.test(l)).length, 14, 'text lists the 14 program headers');

  const notes = json(['notes', bad]);
  reportedOnce(notes.run, where, 'notes');
  assert.equal(
    notes.doc.notes.map((x: any) => [x.owner, x.typeName, x.desc]),
    intact(['notes', orig]).notes.map((x: any) => [x.owner, x.typeName, x.desc]),
    'the notes, found through PT_NOTE',
  );

  const dyn = json(['dynamic', bad]);
  reportedOnce(dyn.run, where, 'dynamic');
  assert.equal(dyn.doc.dynamic, intact(['dynamic', orig]).dynamic, 'the dynamic entries, found through PT_DYNAMIC');

  const info = json(['info', bad]);
  reportedOnce(info.run, where, 'info');
  assert.is(info.doc.segments, 14);
  assert.is(info.doc.sections, 0);
  assert.is(info.doc.buildId, intact(['info', orig]).buildId);

  const secs = elfkit(['sections', bad]);
  reportedOnce(secs, where, 'sections');
  assert.is(secs.stdout, '', 'no section listed, and no claim that the file has none');
});

test('e_shstrndx out of range: every section listed with <no-strings> names, reported once', () => {
  const orig = fixturePath('c/gcc-dwarf5');
  const bad = damaged('c/gcc-dwarf5', (_b, dv) => dv.setUint16(0x3e, 200, true));
  const r = json(['sections', bad]);
  reportedOnce(r.run, /section name table index 200 is not below the section count 39 \(at file\+0x3e\)$/, 'sections');
  const good = intact(['sections', orig]);
  assert.is(r.doc.sections.length, 39);
  assert.equal(
    r.doc.sections.map((s: any) => ({ ...s, name: '' })),
    good.sections.map((s: any) => ({ ...s, name: '' })),
    'every header field as in the intact file',
  );
  assert.ok(r.doc.sections.slice(1).every((s: any) => s.name === '<no-strings>'), 'names as readelf shows them');
  // The other commands still find their sections by type.
  const syms = json(['symbols', bad]);
  reportedOnce(syms.run, /section name table index 200/, 'symbols');
  assert.is(syms.doc.tables[0].symbols.length, intact(['symbols', orig]).tables[0].symbols.length);
});

test('e_shstrndx naming a section that is not a string table: <corrupt> names, one report for all of them', () => {
  const bad = damaged('c/gcc-dwarf5', (_b, dv, elf) => dv.setUint16(0x3e, elf.section('.note.gnu.property')!.index, true));
  const r = json(['sections', bad]);
  reportedOnce(r.run, /34 section names \(from section 2\) are past the end of the section name table \(at file\+0x[0-9a-f]+\)$/, 'sections');
  assert.is(r.doc.sections.length, 39);
  assert.is(r.doc.sections.filter((s: any) => s.name === '<corrupt>').length, 34);
});

/** Sets ch_type of the fixture's compressed `.debug_info` to 7 (no such compression). */
function unknownCompression(name: string): string {
  return damaged(name, (_b, dv, elf) => dv.setUint32(elf.section('.debug_info')!.offset, 7, true));
}

test('.debug_info with an unknown compression type: lines prints every row of .debug_line, reports .debug_info once', () => {
  const orig = fixturePath('c/gcc-zlib');
  const where = /unknown compression type 7 \(at \.debug_info\+0x0\)$/;
  for (const [what, bad] of [
    ['unknown type', unknownCompression('c/gcc-zlib')],
    ['corrupt zlib stream', damaged('c/gcc-zlib', (b, _dv, elf) => void (b[elf.section('.debug_info')!.offset + 30] ^= 0xff))],
  ] as const) {
    const re = what === 'unknown type' ? where : /zlib data is corrupt.*\(at \.debug_info\+0x18\)$/;
    const r = json(['lines', bad]);
    reportedOnce(r.run, re, `lines (${what})`);
    const good = intact(['lines', orig]);
    assert.ok(good.length > 100);
    assert.equal(r.doc, good, `every row as from the intact file (${what})`);
    const nd = elfkit(['lines', '--ndjson', bad]);
    reportedOnce(nd, re, `lines --ndjson (${what})`);
    assert.is(nd.stdout.trim().split('\n').length, good.length);
    reportedOnce(elfkit(['dwarf', 'info', bad]), re, `dwarf info (${what})`);
    reportedOnce(elfkit(['dwarf', 'units', bad]), re, `dwarf units (${what})`);
    reportedOnce(elfkit(['info', bad]), re, `info (${what})`);
  }
  // Without the units, the abbreviation tables are walked in section order.
  const abbrev = json(['dwarf', 'abbrev', unknownCompression('c/gcc-zlib')]);
  reportedOnce(abbrev.run, where, 'dwarf abbrev');
  assert.equal(abbrev.doc.tables, intact(['dwarf', 'abbrev', orig]).tables);
  const aranges = json(['dwarf', 'aranges', unknownCompression('c/gcc-zlib')]);
  assert.is(aranges.run.status, 0, 'aranges need no .debug_info');
  assert.equal(aranges.doc.sets, intact(['dwarf', 'aranges', orig]).sets);
});

test('DWARF 4 .debug_info flagged compressed with no compression header: rows keep address, line and file name', () => {
  const orig = fixturePath('c/gcc-dwarf4');
  const bad = damaged('c/gcc-dwarf4', (b, dv, elf) => {
    const s = elf.section('.debug_info')!;
    const at = elf.header.shoff + s.index * elf.header.shentsize + 8;
    dv.setBigUint64(at, dv.getBigUint64(at, true) | BigInt(C.SHF_COMPRESSED), true);
    void b;
  });
  const r = json(['lines', bad]);
  reportedOnce(r.run, /\(at \.debug_info\+0x0\)$/, 'lines');
  const good = intact(['lines', orig]);
  assert.is(r.doc.length, good.length);
  for (let i = 0; i < good.length; i++) {
    const [x, y] = [r.doc[i], good[i]];
    assert.equal([x.address, x.line, x.column, x.endSequence], [y.address, y.line, y.column, y.endSequence]);
    // DWARF 4 names the compilation directory in the unit: without it, paths stay relative.
    assert.ok(y.file.endsWith(x.file), `${x.file} is the end of ${y.file}`);
  }
});

test('a damaged note: the other notes print, the damaged one is reported', () => {
  const orig = fixturePath('c/gcc-pie');
  const bad = damaged('c/gcc-pie', (_b, dv, elf) => dv.setUint32(elf.section('.note.gnu.build-id')!.offset + 4, 0x10000, true));
  const r = json(['notes', bad]);
  reportedOnce(r.run, /note with invalid namesz .*\(at \.note\.gnu\.build-id\+0x0\)$/, 'notes');
  const good = intact(['notes', orig]).notes.filter((x: any) => x.section !== '.note.gnu.build-id');
  assert.equal(r.doc.notes, good);
  assert.is(good.length, 2);
});

test('a damaged .gnu.version_r: every dynamic symbol prints, without versions, reported once', () => {
  const orig = fixturePath('c/gcc-pie');
  const bad = damaged('c/gcc-pie', (_b, dv, elf) => dv.setUint32(elf.section('.gnu.version_r')!.offset + 12, 0x7fff0000, true));
  const r = json(['symbols', '--dynamic', bad]);
  reportedOnce(r.run, /\(at \.gnu\.version_r\+0x[0-9a-f]+\)$/, 'symbols --dynamic');
  const good = intact(['symbols', '--dynamic', orig]).tables[0].symbols;
  const got = r.doc.tables[0].symbols;
  assert.is(got.length, good.length);
  assert.equal(
    got.map((s: any) => ({ ...s, version: null })),
    good.map((s: any) => ({ ...s, version: null })),
  );
  const text = elfkit(['symbols', '--dynamic', bad]);
  assert.is(text.status, 1);
  assert.match(text.stdout, /FUNC\s+WEAK\s+DEFAULT\s+UND\s+__cxa_finalize$/m);
});

test('a relocation table with a bad entry size: the other table prints', () => {
  const orig = fixturePath('c/gcc-pie');
  const bad = damaged('c/gcc-pie', (_b, dv, elf) => {
    const s = elf.section('.rela.dyn')!;
    dv.setBigUint64(elf.header.shoff + s.index * elf.header.shentsize + 0x38, 3n, true);
  });
  const r = json(['relocs', bad]);
  reportedOnce(r.run, /relocation entry size 3 is smaller than 24 \(at \.rela\.dyn\+0x0\)$/, 'relocs');
  assert.equal(
    r.doc.tables,
    intact(['relocs', orig]).tables.filter((t: any) => t.section !== '.rela.dyn'),
  );
});

test('size with the section header table past the end: the segments still measure, reported once', () => {
  const orig = fixturePath('c/gcc-dwarf5');
  const bad = damaged('c/gcc-dwarf5', (b, dv) => dv.setBigUint64(0x28, BigInt(b.length + 100), true));
  const r = json(['size', '-d', 'segments', bad]);
  reportedOnce(r.run, /section header table \(39 entries .*extends past the end of the file/, 'size');
  const loads = (doc: any) => doc.total.children.filter((c: any) => c.label.startsWith('LOAD')).map((c: any) => [c.label, c.vmSize]);
  const good = loads(intact(['size', '-d', 'segments', orig]));
  assert.ok(good.length >= 4);
  assert.equal(loads(r.doc), good, 'every PT_LOAD with its VM size');
});

test('addr2line with an unreadable .symtab: the DWARF still answers every function, reported once, exit status 1 (GNU refuses the file)', () => {
  const orig = fixturePath('c/gcc-O2');
  const bad = damaged('c/gcc-O2', (_b, dv, elf) => {
    const s = elf.section('.symtab')!;
    dv.setBigUint64(elf.header.shoff + s.index * elf.header.shentsize + 0x38, 7n, true);
  });
  const funcs = ElfFile.parse(fixtureBytes('c/gcc-O2'))
    .symbols()
    .filter((s) => s.type === C.STT_FUNC && s.size > 0n && s.name !== '_start')
    .map((s) => '0x' + s.value.toString(16));
  assert.ok(funcs.length >= 5);
  const good = elfkit(['addr2line', '-f', '-e', orig, ...funcs]);
  const r = elfkit(['addr2line', '-f', '-e', bad, ...funcs]);
  reportedOnce(r, /symbol entry size 7 is smaller than 24 \(at \.symtab\+0x0\)$/, 'addr2line');
  assert.is(r.stdout, good.stdout, 'the same names and lines, from the DWARF');
  assert.not.match(r.stdout, /\?\?/);
});

test('uprobes with an unreadable .symtab on a Go binary: every pclntab function still listed, reported once', () => {
  const bad = damaged('go/go1.27-amd64', (_b, dv, elf) => {
    const s = elf.section('.symtab')!;
    dv.setBigUint64(elf.header.shoff + s.index * elf.header.shentsize + 0x38, 7n, true);
  });
  const r = json(['uprobes', bad]);
  assert.is(r.run.status, 1);
  assert.match(r.run.stderr, /symbol entry size 7 is smaller than 24 \(at \.symtab\+0x0\)/);
  const good = intact(['uprobes', fixturePath('go/go1.27-amd64')]);
  const pcln = (doc: any) => doc.functions.filter((f: any) => f.source === 'pclntab').length;
  assert.ok(pcln(good) > 1000);
  assert.is(pcln(r.doc), pcln(good), 'every pclntab function');
});

test('image scan with a layer cut short: the files of the good layer and of the damaged one up to the damage print, reported once, exit status 1', async () => {
  const { tarBytes } = await import('@elfkit/image');
  const { createHash } = await import('node:crypto');
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const first = tarBytes([{ path: 'usr/bin/hello', data: fixtureBytes('c/gcc-dwarf5'), mode: 0o755 }]);
  const whole = tarBytes([
    { path: 'usr/bin/before', data: fixtureBytes('c/gcc-O2'), mode: 0o755 },
    { path: 'usr/bin/cut', data: fixtureBytes('c/clang-O2'), mode: 0o755 },
  ]);
  const second = whole.subarray(0, 512 + fixtureBytes('c/gcc-O2').length + 2048);
  const layers = [first, second];
  const config = enc({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${sha(l)}`) } });
  const path = join(dir, 'cut-layer.tar');
  writeFileSync(
    path,
    tarBytes([
      ...layers.map((l, i) => ({ path: `l${i}/layer.tar`, data: l })),
      { path: 'config.json', data: config },
      { path: 'manifest.json', data: enc([{ Config: 'config.json', RepoTags: ['x/y:1'], Layers: layers.map((_, i) => `l${i}/layer.tar`) }]) },
    ]),
  );
  const r = elfkit(['image', 'scan', '--json', path]);
  reportedOnce(r, /warning: layer 1 not read to its end .*archive ends inside the entry's data.*entry "usr\/bin\/cut"/, 'image scan');
  const doc = JSON.parse(r.stdout);
  assert.equal(
    doc.files.filter((f: any) => f.facts).map((f: any) => f.path),
    ['/usr/bin/before', '/usr/bin/hello'],
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
