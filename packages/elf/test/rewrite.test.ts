import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile, rewriteElf, planRewrite, readElfImage, unknownBytes, encodeNote, isRewriteError, constants as C, elfLayouts, type SectionEdit } from '@elfkit/elf';
import { ParseError } from '@elfkit/binary';
import { fixtures, fixtureBytes, type Fixture } from '@elfkit/fixtures';

const utf8 = (s: string) => new TextEncoder().encode(s);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const orderOf = (b: Uint8Array) => (b[5] === 1 ? 'little' : 'big') as 'little' | 'big';
const stampNote = (b: Uint8Array, json = '{"type":"elfkit-stamp"}') => encodeNote('FDO', C.NT_FDO_PACKAGING_METADATA, utf8(json + '\0'), orderOf(b));

/** Go's linker puts the section header table in the first page, inside the text segment. */
function shtInSegment(b: Uint8Array): boolean {
  const elf = ElfFile.parse(b);
  const end = elf.header.shoff + elf.header.shnum * elf.header.shentsize;
  return elf.segments.some((p) => p.type === C.PT_LOAD && p.offset <= elf.header.shoff && end <= p.offset + p.filesz);
}

/**
 * Every PT_LOAD's bytes and the program header table, as they are in `b`;
 * the file header (inside the first PT_LOAD) is left out: e_shoff changes.
 */
function loadedBytes(b: Uint8Array): Uint8Array[] {
  const elf = ElfFile.parse(b);
  const h = elf.header;
  const loads = elf.segments.filter((p) => p.type === C.PT_LOAD);
  return [b.slice(h.phoff, h.phoff + h.phnum * h.phentsize), ...loads.map((p) => b.slice(Math.max(p.offset, h.ehsize), p.offset + p.filesz))];
}

const all = fixtures();
const withSections = (f: Fixture) => ElfFile.parse(fixtureBytes(f)).sections.length > 0;

test('field tables: decoding then encoding a header, section and program header gives the same bytes (ELF32/64, both orders)', () => {
  const seen = new Set<string>();
  for (const f of all) {
    const key = `${f.class}${f.endian}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const b = fixtureBytes(f);
    const elf = ElfFile.parse(b);
    const L = elfLayouts(f.class === 64, f.endian);
    const check = (codec: typeof L.header | typeof L.sectionHeader | typeof L.programHeader, at: number) => {
      const rec = codec.read(b, at);
      const copy = b.slice(at, at + codec.size);
      const out = new Uint8Array(codec.size);
      out.set(copy.subarray(0, 16));
      codec.write(out, 0, rec as never);
      if (codec === L.header) out.set(copy.subarray(0, 16));
      assert.ok(same(out, copy), `${f.name}: ${codec.name} round trip`);
    };
    check(L.header, 0);
    if (elf.header.shnum > 1) check(L.sectionHeader, elf.header.shoff + elf.header.shentsize);
    if (elf.header.phnum > 0) check(L.programHeader, elf.header.phoff);
  }
  assert.ok(seen.size >= 4, 'covers ELF32/64 in both byte orders');
});

test('an empty plan returns the input byte for byte', () => {
  for (const f of all) {
    const b = fixtureBytes(f);
    assert.ok(same(rewriteElf(b, []), b), f.name);
  }
});

test('adding and then removing a section returns the input byte for byte', () => {
  let checked = 0;
  for (const f of all.filter(withSections)) {
    const b = fixtureBytes(f);
    for (const [name, data] of [
      ['.mydata', utf8('hello\n')],
      ['.note.elfkit.stamp', stampNote(b)],
    ] as const) {
      const added = rewriteElf(b, [{ op: 'add', name, data }]);
      const back = rewriteElf(added, [{ op: 'remove', name }]);
      if (shtInSegment(b)) {
        // Documented exception: the table Go's linker keeps in the text
        // segment stays there untouched and a new one goes at the end.
        const e = ElfFile.parse(back);
        const was = ElfFile.parse(b);
        assert.equal(
          e.sections.map((s) => [s.name, s.type, s.flags, s.addr, s.size]),
          was.sections.map((s) => [s.name, s.type, s.flags, s.addr, s.size]),
          `${f.name}: same sections`,
        );
        for (const s of was.sections) assert.ok(same(e.rawSectionData(e.sections[s.index]!), was.rawSectionData(s)), `${f.name}: ${s.name} contents`);
        loadedBytes(b).forEach((x, i) => assert.ok(same(x, loadedBytes(back)[i]!), `${f.name}: loaded bytes ${i}`));
      } else {
        assert.ok(same(back, b), `${f.name} ${name}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 40, `round trips checked: ${checked}`);
});

test('added sections: contents readable, PT_LOAD bytes and program headers untouched, .shstrtab grown', () => {
  for (const f of all.filter(withSections)) {
    const b = fixtureBytes(f);
    const before = ElfFile.parse(b);
    const out = rewriteElf(b, [
      { op: 'add', name: '.mydata', data: utf8('payload') },
      { op: 'add', name: '.note.elfkit.stamp', data: stampNote(b) },
    ]);
    const e = ElfFile.parse(out);
    assert.equal(e.sections.length, before.sections.length + 2, f.name);
    const my = e.section('.mydata')!;
    assert.equal([my.type, my.flags, my.addralign], [C.SHT_PROGBITS, 0, 1]);
    assert.equal(new TextDecoder().decode(e.sectionData(my)), 'payload');
    const note = e.section('.note.elfkit.stamp')!;
    assert.is(note.type, C.SHT_NOTE);
    assert.ok(e.notes().some((n) => n.owner === 'FDO' && n.section === '.note.elfkit.stamp'));
    assert.ok(e.sections[e.header.shstrndx]!.size > before.sections[before.header.shstrndx]!.size, 'shstrtab grew');
    const was = loadedBytes(b);
    const now = loadedBytes(out);
    assert.is(now.length, was.length);
    was.forEach((x, i) => assert.ok(same(x, now[i]!), `${f.name}: PT_LOAD/phdr bytes ${i}`));
    assert.ok(e.header.shoff + e.header.shnum * e.header.shentsize === out.length, 'section header table at the end');
    for (const s of before.sections) {
      const t = e.sections[s.index]!;
      assert.equal([t.name, t.type, t.flags, t.addr, t.link, t.info], [s.name, s.type, s.flags, s.addr, s.link, s.info]);
      if (s.index !== before.header.shstrndx) assert.ok(same(e.rawSectionData(t), before.rawSectionData(s)), `${f.name}: ${s.name}`);
    }
  }
});

test('removing a section in the middle renumbers sh_link, sh_info and symbol section indexes', () => {
  const f = all.find((x) => x.name === 'c/gcc-pie')!;
  const b = fixtureBytes(f);
  const before = ElfFile.parse(b);
  const symSection = (e: ElfFile) => e.symbols().map((s) => [s.name, s.shndx > 0 && s.shndx < C.SHN_LORESERVE ? e.sections[s.shndx]!.name : s.shndx]);
  const out = rewriteElf(b, [{ op: 'remove', name: '.comment' }]);
  const e = ElfFile.parse(out);
  assert.is(e.section('.comment'), undefined);
  assert.is(e.sections.length, before.sections.length - 1);
  assert.equal(symSection(e), symSection(before));
  const link = (x: ElfFile, n: string) => x.sections[x.section(n)!.link]!.name;
  assert.is(link(e, '.symtab'), '.strtab');
  assert.is(link(e, '.dynsym'), '.dynstr');
  const rela = e.sections.filter((s) => s.type === C.SHT_RELA);
  for (const r of rela) {
    const was = before.section(r.name)!;
    assert.is(e.sections[r.info]!.name, before.sections[was.info]!.name, `${r.name} sh_info`);
  }
  assert.is(e.sections[e.header.shstrndx]!.name, '.shstrtab');
  // The removed bytes are gone (zeroed or cut).
  const c = before.section('.comment')!;
  assert.ok(out.subarray(c.offset, c.offset + c.size).every((x) => x === 0));
});

test('relocatable object: removing sections fixes group members and relocation targets', () => {
  const f = all.find((x) => x.name === 'obj/amd64.o')!;
  const b = fixtureBytes(f);
  const before = ElfFile.parse(b);
  const victim = before.sections.find((s) => s.name === '.comment') ?? before.sections.find((s) => s.name.startsWith('.note'))!;
  const out = rewriteElf(b, [{ op: 'remove', name: victim.name }]);
  const e = ElfFile.parse(out);
  for (const r of e.sections.filter((s) => s.type === C.SHT_RELA || s.type === C.SHT_REL)) {
    const was = before.section(r.name)!;
    assert.is(e.sections[r.info]!.name, before.sections[was.info]!.name);
  }
  assert.equal(
    e.symbols().map((s) => [s.name, s.type === C.STT_SECTION ? null : s.shndx > 0 && s.shndx < C.SHN_LORESERVE ? e.sections[s.shndx]!.name : s.shndx]),
    before.symbols().map((s) => [s.name, s.type === C.STT_SECTION ? null : s.shndx > 0 && s.shndx < C.SHN_LORESERVE ? before.sections[s.shndx]!.name : s.shndx]),
  );
});

test('update and rename: non-ALLOC contents of any size; renames', () => {
  const b = fixtureBytes('c/gcc-dwarf5');
  const big = utf8('x'.repeat(5000));
  const out = rewriteElf(b, [
    { op: 'update', name: '.comment', data: big },
    { op: 'rename', name: '.debug_str', to: '.debug_str_renamed' },
    { op: 'update', name: '.debug_line_str', data: utf8('ab\0') },
  ]);
  const e = ElfFile.parse(out);
  assert.ok(same(e.sectionData(e.section('.comment')!), big));
  assert.ok(e.section('.debug_str_renamed'));
  assert.is(e.section('.debug_str'), undefined);
  assert.equal(Array.from(e.sectionData(e.section('.debug_line_str')!)), [0x61, 0x62, 0]);
  assert.ok(same(loadedBytes(out)[1]!, loadedBytes(b)[1]!));
});

test('a plan is applied in order, in one pass: add then remove in one plan is no change', () => {
  const b = fixtureBytes('c/gcc-pie');
  assert.ok(same(rewriteElf(b, [{ op: 'add', name: '.x', data: utf8('1') }, { op: 'rename', name: '.x', to: '.y' }, { op: 'remove', name: '.y' }]), b));
});

test('plans that do not fit are RewriteErrors with a stable code; non-ELF input is a ParseError', () => {
  const b = fixtureBytes('c/gcc-pie');
  const code = (edits: SectionEdit[]) => {
    try {
      rewriteElf(b, edits);
    } catch (e) {
      assert.ok(isRewriteError(e), String(e));
      assert.not.match((e as Error).message, /\n/);
      return (e as { code: string }).code;
    }
    return 'ok';
  };
  assert.is(code([{ op: 'add', name: '.comment', data: utf8('x') }]), 'exists');
  assert.is(code([{ op: 'remove', name: '.nope' }]), 'missing');
  assert.is(code([{ op: 'remove', name: '.shstrtab' }]), 'in-use');
  assert.is(code([{ op: 'remove', name: '.strtab' }]), 'in-use');
  assert.is(code([{ op: 'update', name: '.text', data: new Uint8Array(1 << 20) }]), 'does-not-fit');
  assert.is(code([{ op: 'update', name: '.bss', data: utf8('x') }]), 'invalid');
  assert.is(code([{ op: 'add', name: '.note.bad', data: utf8('not a note') }]), 'invalid');
  assert.is(code([{ op: 'rename', name: '.comment', to: '.text' }]), 'exists');
  assert.throws(() => rewriteElf(utf8('#!/bin/sh\necho hi\n'), []), (e: unknown) => e instanceof ParseError && e.code === 'bad-magic');
});

test('extended numbering: leaving and re-entering 0xff00 sections', () => {
  const b = fixtureBytes('many-sections/many.o');
  const before = ElfFile.parse(b);
  assert.is(before.header.raw.shnum, 0);
  const symNames = (e: ElfFile) => e.symbols().map((s) => [s.name, s.shndx > 0 && s.shndx < e.sections.length ? e.sections[s.shndx]!.name : s.shndx]);
  // Remove enough early sections to drop below 0xff00: every later index shifts.
  const defining = new Set(before.symbols().map((s) => s.shndx));
  const victims = before.sections.filter((s) => /^\.s\d+$/.test(s.name) && !defining.has(s.index)).slice(0, 200);
  const fewer = rewriteElf(b, victims.map((s) => ({ op: 'remove', name: s.name }) as const));
  const e1 = ElfFile.parse(fewer);
  assert.ok(e1.header.shnum < C.SHN_LORESERVE);
  assert.is(e1.header.raw.shnum, e1.header.shnum);
  assert.is(e1.header.raw.shstrndx, e1.header.shstrndx);
  assert.is(e1.sections[e1.header.shstrndx]!.name, '.shstrtab');
  assert.equal(symNames(e1), symNames(before));
  // Add them back: extended numbering again.
  const more = rewriteElf(fewer, victims.map((s) => ({ op: 'add', name: s.name, data: new Uint8Array(1) }) as const));
  const e2 = ElfFile.parse(more);
  assert.is(e2.header.shnum, before.header.shnum);
  assert.is(e2.header.raw.shnum, 0);
  assert.is(e2.header.raw.shstrndx, e2.header.shstrndx);
  assert.is(e2.sections[e2.header.shstrndx]!.name, '.shstrtab');
  assert.equal(symNames(e2), symNames(before));
  // Without index shifts the name table stays past 0xff00: SHN_XINDEX and section 0's sh_link.
  const renamed = ElfFile.parse(rewriteElf(b, [{ op: 'rename', name: '.s5', to: '.s5-renamed' }]));
  assert.is(renamed.header.raw.shstrndx, C.SHN_XINDEX);
  assert.is(renamed.header.shstrndx, before.header.shstrndx);
  assert.ok(renamed.section('.s5-renamed'));
  assert.equal(symNames(renamed), symNames(before));
});

test('loadable notes: a new PT_LOAD and PT_NOTE, found through program headers, in every executable', () => {
  let n = 0;
  for (const f of all.filter((x) => (x.kind === 'exec' || x.kind === 'dyn') && withSections(x))) {
    const b = fixtureBytes(f);
    const res = planRewrite(readElfImage(b), [{ op: 'add', name: '.note.elfkit.stamp', data: stampNote(b), loadable: true }]);
    assert.equal(res.warnings, [], `${f.name}: the program header table grew in place`);
    const out = rewriteElf(b, [{ op: 'add', name: '.note.elfkit.stamp', data: stampNote(b), loadable: true }]);
    const e = ElfFile.parse(out);
    const before = ElfFile.parse(b);
    const s = e.section('.note.elfkit.stamp')!;
    assert.ok(s.flags & C.SHF_ALLOC);
    const notes = e.segmentNotes().filter((x) => x.owner === 'FDO');
    assert.is(notes.length, 1, f.name);
    const load = e.segments.find((p) => p.type === C.PT_LOAD && s.addr >= p.vaddr && s.addr + BigInt(s.size) <= p.vaddr + p.memsz)!;
    assert.ok(load && s.offset - load.offset === Number(s.addr - load.vaddr), `${f.name}: note inside a PT_LOAD at its address`);
    assert.is(load.offset % Number(load.align), Number(load.vaddr % load.align));
    const loads = e.segments.filter((p) => p.type === C.PT_LOAD);
    loads.slice(1).forEach((p, i) => assert.ok(p.vaddr > loads[i]!.vaddr, `${f.name}: PT_LOADs in address order`));
    // Every existing PT_LOAD keeps its place; build ids stay readable.
    for (const p of before.segments.filter((x) => x.type === C.PT_LOAD)) assert.ok(e.segments.some((q) => q.type === C.PT_LOAD && q.offset === p.offset && q.vaddr === p.vaddr && q.filesz === p.filesz));
    assert.is(e.buildId(), before.buildId());
    assert.is(e.goBuildId(), before.goBuildId());
    n++;
  }
  assert.ok(n > 20, `checked ${n}`);
});

test('loadable re-stamp updates in place; removing it erases the note from the segments', () => {
  for (const name of ['c/gcc-pie', 'c/gcc-static', 'go/go1.27-amd64']) {
    const b = fixtureBytes(name);
    const one = rewriteElf(b, [{ op: 'add', name: '.note.elfkit.stamp', data: stampNote(b, '{"type":"elfkit-stamp","n":1}'), loadable: true }]);
    const two = rewriteElf(one, [{ op: 'update', name: '.note.elfkit.stamp', data: stampNote(b, '{"type":"elfkit-stamp","n":22222}') }]);
    assert.is(two.length, one.length, `${name}: in place`);
    const e = ElfFile.parse(two);
    const texts = e.segmentNotes().filter((x) => x.owner === 'FDO').map((x) => new TextDecoder().decode(x.desc));
    assert.equal(texts, ['{"type":"elfkit-stamp","n":22222}\0\0\0\0'.slice(0, texts[0]!.length)], name);
    // Much larger: the stamp's segment, the highest one, grows in place; the non-ALLOC sections behind it move.
    const big = `{"type":"elfkit-stamp","pad":"${'x'.repeat(5000)}"}`;
    const three = rewriteElf(two, [{ op: 'update', name: '.note.elfkit.stamp', data: stampNote(b, big) }]);
    const e3 = ElfFile.parse(three);
    assert.equal(e3.segmentNotes().filter((x) => x.owner === 'FDO').map((x) => new TextDecoder().decode(x.desc).replace(/\0+$/, '')), [big], `${name}: grown in place`);
    assert.is(e3.segments.length, ElfFile.parse(two).segments.length, `${name}: no new segment`);
    for (const s of ElfFile.parse(two).sections) {
      if (s.name !== '.note.elfkit.stamp') assert.ok(same(e3.rawSectionData(e3.section(s.name)!), ElfFile.parse(two).rawSectionData(s)), `${name}: ${s.name} kept`);
    }
    const gone = ElfFile.parse(rewriteElf(two, [{ op: 'remove', name: '.note.elfkit.stamp' }]));
    assert.equal(gone.segmentNotes().filter((x) => x.owner === 'FDO'), [], name);
    assert.is(gone.buildId(), ElfFile.parse(b).buildId());
  }
});

test('loadable placement needs segments', () => {
  const b = fixtureBytes('obj/amd64.o');
  assert.throws(() => rewriteElf(b, [{ op: 'add', name: '.note.x', data: stampNote(b), loadable: true }]), (e: unknown) => isRewriteError(e) && e.code === 'unsupported');
});


test('bytes that nothing describes: found as a byte-by-byte scan finds them, and kept where they are', () => {
  // The runs of bytes outside the headers, segments, sections and section header table.
  const unknownRuns = (b: Uint8Array) => {
    const elf = ElfFile.parse(b);
    const h = elf.header;
    const known = new Uint8Array(b.length);
    const mark = (start: number, end: number) => known.fill(1, Math.min(start, b.length), Math.min(end, b.length));
    mark(0, h.ehsize);
    mark(h.shoff, h.shoff + h.shnum * h.shentsize);
    if (h.phnum > 0 && h.phoff > 0) mark(h.phoff, h.phoff + h.phnum * h.phentsize);
    for (const p of elf.segments) mark(p.offset, p.offset + p.filesz);
    for (const s of elf.sections) if (s.type !== C.SHT_NOBITS) mark(s.offset, s.offset + s.size);
    const runs: { start: number; end: number }[] = [];
    for (let i = 0; i < b.length; i++) {
      if (known[i]) continue;
      const last = runs[runs.length - 1];
      if (last && last.end === i) last.end++;
      else runs.push({ start: i, end: i + 1 });
    }
    return runs;
  };
  // Reference: in each run, its first to last non-zero byte, one byte at a time.
  const reference = (b: Uint8Array) =>
    unknownRuns(b).flatMap(({ start, end }) => {
      let first = -1;
      let last = -1;
      for (let i = start; i < end; i++) if (b[i] !== 0) [first, last] = [first < 0 ? i : first, i];
      return first < 0 ? [] : [{ start: first, end: last + 1 }];
    });
  let checked = 0;
  for (const f of all.filter((x) => x.kind === 'exec' || x.kind === 'dyn').slice(0, 12)) {
    const input = fixtureBytes(f);
    // Non-zero bytes in the padding between what is known (at a run's first, last and odd offsets) and a tail appended to the file.
    const b = new Uint8Array(input.length + 7);
    b.set(input);
    b.set([0, 3, 0, 0, 0, 9, 0], input.length);
    for (const g of unknownRuns(input).slice(0, 3)) for (const at of [g.start, g.start + 5, g.end - 1, (g.start + g.end) >> 1]) if (at < g.end) b[at] = 0x5a;
    const expected = reference(b);
    assert.ok(expected.length > 0, f.name);
    assert.equal(unknownBytes(readElfImage(b)), expected, f.name);
    const out = rewriteElf(b, [{ op: 'add', name: '.extra', data: utf8('kept?') }]);
    for (const r of expected) assert.ok(same(out.subarray(r.start, r.end), b.subarray(r.start, r.end)), `${f.name}: bytes at ${r.start} kept`);
    checked++;
  }
  assert.ok(checked > 3);
});

test.run();
