/**
 * Inputs no toolchain makes by default, derived from fixtures and checked
 * against readelf: PN_XNUM program header counts, files whose section
 * headers were removed (everything through program headers, notes through
 * PT_NOTE with mixed 4- and 8-byte alignment), and a systemd-style
 * `.note.package` JSON note.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile, constants as C } from '@elfkit/elf';
import { fixtureBytes, run, skip, which } from '@elfkit/fixtures';
import { checkAgainstReadelf } from './oracle.js';
import { READELF } from './readelf.js';

const dir = mkdtempSync(join(tmpdir(), 'elfkit-special-'));
const save = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A copy of an ELF64 little-endian fixture with e_phnum = PN_XNUM and the count in section 0's sh_info. */
function withPnXnum(name: string): Uint8Array {
  const b = fixtureBytes(name).slice();
  const dv = view(b);
  const phnum = dv.getUint16(0x38, true);
  const shoff = Number(dv.getBigUint64(0x28, true));
  dv.setUint16(0x38, C.PN_XNUM, true);
  dv.setUint32(shoff + 0x2c, phnum, true);
  return b;
}

/** A copy with the section header table removed from the header (as sstrip does). */
function withoutSectionHeaders(name: string): Uint8Array {
  const b = fixtureBytes(name).slice();
  const dv = view(b);
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  if (is64) {
    dv.setBigUint64(0x28, 0n, le);
    dv.setUint16(0x3c, 0, le);
    dv.setUint16(0x3e, 0, le);
  } else {
    dv.setUint32(0x20, 0, le);
    dv.setUint16(0x30, 0, le);
    dv.setUint16(0x32, 0, le);
  }
  return b;
}

test('PN_XNUM: the program header count comes from section 0', () => {
  const b = withPnXnum('c/gcc-pie');
  const elf = ElfFile.parse(b);
  assert.is(elf.header.raw.phnum, C.PN_XNUM);
  assert.is(elf.header.phnum, ElfFile.parse(fixtureBytes('c/gcc-pie')).header.phnum);
  assert.is(elf.segments.length, elf.header.phnum);
  if (READELF) checkAgainstReadelf('gcc-pie with PN_XNUM', save('pnxnum', b));
});

test('extended section numbering: e_shnum 0 and e_shstrndx SHN_XINDEX', () => {
  const elf = ElfFile.parse(fixtureBytes('many-sections/many.o'));
  assert.is(elf.header.raw.shnum, 0);
  assert.is(elf.header.raw.shstrndx, C.SHN_XINDEX);
  assert.ok(elf.sections.length > 0xff00);
  assert.is(elf.sections[elf.header.shstrndx]!.name, '.shstrtab');
  assert.ok(elf.symbols().some((s) => s.rawShndx === C.SHN_XINDEX && s.shndx > 0xff00));
});

for (const name of ['c/gcc-pie', 'c/gcc-static', 'c/gcc-m32', 'go/go1.27-amd64', 'go/go1.27-s390x']) {
  test(`no section headers: ${name} read through program headers`, () => {
    const b = withoutSectionHeaders(name);
    const elf = ElfFile.parse(b);
    assert.is(elf.sections.length, 0);
    const full = ElfFile.parse(fixtureBytes(name));
    assert.is(elf.segments.length, full.segments.length);
    // Notes come from PT_NOTE segments: build ids stay reachable when a
    // PT_NOTE covers them (Go's linker covers only .note.go.buildid).
    const segmentIds = full.segmentNotes().filter((n) => n.owner === 'GNU' && n.type === C.NT_GNU_BUILD_ID);
    assert.is(elf.buildId(), segmentIds.length ? full.buildId() : undefined);
    assert.is(elf.goBuildId(), full.goBuildId());
    assert.is(elf.interpreter(), full.interpreter());
    assert.equal(elf.dynamic()?.map((e) => [e.tag, e.value]), full.dynamic()?.map((e) => [e.tag, e.value]));
    if (READELF) checkAgainstReadelf(`${name} without section headers`, save(name.replace('/', '_') + '.noshdr', b));
  });
}

test('mixed note alignment in one file: 8-byte GNU property, 4-byte build id', () => {
  const elf = ElfFile.parse(withoutSectionHeaders('c/gcc-static'));
  const aligns = new Set(elf.notes().map((n) => n.align));
  assert.equal([...aligns].sort(), [4, 8]);
  assert.ok(elf.notes().some((n) => n.owner === 'GNU' && n.type === C.NT_GNU_PROPERTY_TYPE_0 && n.align === 8));
});

test('.note.package (FDO packaging metadata, JSON) is decoded', () => {
  const objcopy = which('objcopy');
  if (!objcopy) return skip('.note.package', 'objcopy not found');
  const json = '{"type":"deb","name":"elfkit-fixture","version":"1.0","osCpe":"cpe:/o:debian:debian_linux:12"}';
  const desc = new TextEncoder().encode(json + '\0');
  const padded = new Uint8Array((desc.length + 3) & ~3);
  padded.set(desc);
  const note = new Uint8Array(16 + padded.length);
  const dv = view(note);
  dv.setUint32(0, 4, true);
  dv.setUint32(4, padded.length, true);
  dv.setUint32(8, C.NT_FDO_PACKAGING_METADATA, true);
  note.set([0x46, 0x44, 0x4f, 0], 12);
  note.set(padded, 16);
  const notePath = save('package.note', note);
  const out = join(dir, 'with-package');
  const src = save('src', fixtureBytes('c/gcc-pie'));
  assert.is(run(objcopy, ['--add-section', `.note.package=${notePath}`, src, out]).status, 0);
  const elf = ElfFile.parse(new Uint8Array(readFileSync(out)));
  const pkg = elf.notes().find((n) => n.owner === 'FDO')!;
  const c = elf.decodeNote(pkg);
  assert.is(c.kind, 'package');
  if (c.kind === 'package') {
    assert.equal(c.json, JSON.parse(json));
    assert.is(c.text, json);
  }
  if (READELF) checkAgainstReadelf('gcc-pie with .note.package', out);
});

test.run();
