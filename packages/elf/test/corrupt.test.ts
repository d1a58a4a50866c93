/**
 * Corrupt-input sweep: truncate fixtures at many lengths and flip bytes
 * inside their headers and tables; every reader call must either succeed or
 * throw ParseError — never RangeError/TypeError, never hang, never allocate
 * without bound.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile, constants as C, type Section } from '@elfkit/elf';
import { ParseError } from '@elfkit/binary';
import { fixture, fixtureBytes } from '@elfkit/fixtures';

/** Calls every reader entry point; returns how many threw ParseError. */
function exercise(bytes: Uint8Array): number {
  let parseErrors = 0;
  const tryIt = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ParseError) {
        parseErrors++;
        assert.type(e.section, 'string');
        assert.ok(Number.isInteger(e.offset), 'error offset');
        return;
      }
      throw e;
    }
  };
  let elf: ElfFile | undefined;
  tryIt(() => (elf = ElfFile.parse(bytes)));
  if (!elf) return parseErrors;
  const f = elf;
  tryIt(() => f.sections);
  tryIt(() => f.segments);
  tryIt(() => f.sectionToSegmentMapping());
  tryIt(() => f.interpreter());
  tryIt(() => f.notes().map((n) => f.decodeNote(n)));
  tryIt(() => f.segmentNotes());
  tryIt(() => f.buildId());
  tryIt(() => f.dynamic());
  tryIt(() => f.isPie());
  tryIt(() => f.relocationTables());
  tryIt(() => f.readVirtual(f.header.entry, 16));
  let sections: readonly Section[] = [];
  tryIt(() => (sections = f.sections));
  for (const s of sections) {
    tryIt(() => f.compression(s));
    tryIt(() => f.sectionData(s));
    if (s.type === C.SHT_SYMTAB || s.type === C.SHT_DYNSYM) tryIt(() => f.symbolsOf(s));
  }
  return parseErrors;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Byte ranges worth corrupting: the file header, both header tables, and the tables the reader decodes. */
function interestingRanges(bytes: Uint8Array): [number, number][] {
  const elf = ElfFile.parse(bytes);
  const h = elf.header;
  const ranges: [number, number][] = [[0, h.ehsize]];
  if (h.phoff) ranges.push([h.phoff, h.phoff + h.phnum * h.phentsize]);
  if (h.shoff) ranges.push([h.shoff, h.shoff + h.shnum * h.shentsize]);
  for (const s of elf.sections) {
    if (s.type === C.SHT_NOBITS) continue;
    const kinds = [C.SHT_SYMTAB, C.SHT_DYNSYM, C.SHT_DYNAMIC, C.SHT_NOTE, C.SHT_REL, C.SHT_RELA, C.SHT_RELR, C.SHT_GNU_versym, C.SHT_GNU_verneed, C.SHT_GNU_verdef, C.SHT_SYMTAB_SHNDX];
    if (kinds.includes(s.type) || s.index === h.shstrndx || s.flags & C.SHF_COMPRESSED || s.name.startsWith('.zdebug')) {
      ranges.push([s.offset, s.offset + Math.min(s.size, 256)]);
    }
  }
  return ranges.filter(([a, b]) => b > a && b <= bytes.length);
}

const SWEEP = [
  'c/gcc-pie',
  'c/gcc-m32',
  'c/gcc-zlib',
  'c/gcc-zstd',
  'c/gcc-zdebug',
  'c/gcc-relr',
  'c/gcc-stripped',
  'c/gcc-aarch64',
  'obj/ppc64.o',
  'obj/mips64le.o',
  'obj/mips.o',
  'obj/s390x.o',
  'go/go1.27-s390x-sw',
  'go/go1.19-mips',
  'go/go1.27-amd64-pie',
  'cpp/gxx-dwarf5',
  'c/gcc-split.dwp',
  'c/gcc-static',
];

const totals = { inputs: 0, parseErrors: 0, recordsChecked: 0 };

/** What the intact file reads as, part by part, to check a damaged copy against. */
interface Reading {
  segments: string;
  sections: string;
  /** Per section index: its notes, relocations or symbols (as JSON), for the parts that read. */
  parts: Map<number, string>;
}

const j = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString(16) : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));

/** Reads `bytes` leniently, the way the CLI does: every part on its own, damage to one leaving the others. */
function read(bytes: Uint8Array): Reading {
  const f = ElfFile.parse(bytes, { lenient: true });
  const skip = () => {};
  const parts = new Map<number, string>();
  for (const s of f.sections) {
    try {
      if (s.type === C.SHT_NOTE) parts.set(s.index, j(f.notes(skip).filter((n) => n.section === s.name)));
      else if (s.type === C.SHT_SYMTAB || s.type === C.SHT_DYNSYM) parts.set(s.index, j(f.symbolsOf(s).map((x) => [x.name, x.value, x.size, x.type, x.bind, x.shndx])));
      else if (s.type === C.SHT_RELA || s.type === C.SHT_REL || s.type === C.SHT_RELR) parts.set(s.index, j(f.relocationTables(skip).find((t) => t.section.index === s.index)?.relocations));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
  }
  return { segments: j(f.segments), sections: j(f.sections.map((s) => ({ ...s, name: '', label: '' }))), parts };
}

/**
 * Damage at `pos` must leave every record that does not depend on that byte
 * as the intact file reads it: the program headers unless the file header
 * or their table was hit, the section headers unless the file header or
 * their table was, and each note, symbol and relocation table unless the
 * byte is in it, its linked string table, or a header it is found through.
 */
function checkRecords(name: string, original: Uint8Array, intact: Reading, bytes: Uint8Array, pos: number): void {
  const elf = ElfFile.parse(original);
  const h = elf.header;
  const inRange = (a: number, len: number) => pos >= a && pos < a + len;
  const hitHeader = pos < h.ehsize;
  if (hitHeader) return;
  const got = read(bytes);
  const what = `${name}: byte 0x${pos.toString(16)}`;
  if (!inRange(h.phoff, h.phnum * h.phentsize)) {
    assert.is(got.segments, intact.segments, `${what}: program headers`);
    totals.recordsChecked++;
  }
  if (inRange(h.shoff, h.shnum * h.shentsize)) return;
  assert.is(got.sections, intact.sections, `${what}: section headers`);
  totals.recordsChecked++;
  for (const [index, want] of intact.parts) {
    const s = elf.sections[index]!;
    const link = elf.sections[s.link];
    const shndx = elf.sections.find((x) => x.type === C.SHT_SYMTAB_SHNDX && x.link === s.index);
    const depends = [s, link, shndx, elf.sections[h.shstrndx]].filter((x) => x && x.type !== C.SHT_NOBITS);
    if (depends.some((x) => inRange(x!.offset, x!.size))) continue;
    // Relocations name their symbol table, whose own string table they do not need.
    assert.is(got.parts.get(index), want, `${what}: ${s.name} still reads as in the intact file`);
    totals.recordsChecked++;
  }
}

for (const name of SWEEP) {
  test(`corrupt sweep: ${name}`, () => {
    const original = fixtureBytes(fixture(name));
    const rand = rng(0x5eed ^ original.length);
    // Truncations: the header boundary region byte by byte, then spread over the file.
    const lengths = new Set<number>();
    for (let i = 0; i <= 64; i += 4) lengths.add(i);
    for (let i = 0; i < 60; i++) lengths.add(Math.floor(rand() * original.length));
    for (const len of lengths) {
      const t0 = performance.now();
      totals.parseErrors += exercise(original.slice(0, len));
      totals.inputs++;
      assert.ok(performance.now() - t0 < 30000, `truncation at ${len} took too long`);
    }
    // Byte flips inside headers and tables.
    const intact = read(original);
    const ranges = interestingRanges(original);
    const total = ranges.reduce((n, [a, b]) => n + b - a, 0);
    for (let i = 0; i < 220; i++) {
      let k = Math.floor(rand() * total);
      let pos = 0;
      for (const [a, b] of ranges) {
        if (k < b - a) {
          pos = a + k;
          break;
        }
        k -= b - a;
      }
      const bytes = original.slice();
      const mode = i % 4;
      bytes[pos] = mode === 0 ? bytes[pos]! ^ (1 << Math.floor(rand() * 8)) : mode === 1 ? 0xff : mode === 2 ? 0 : Math.floor(rand() * 256);
      const t0 = performance.now();
      totals.parseErrors += exercise(bytes);
      totals.inputs++;
      assert.ok(performance.now() - t0 < 30000, `flip at 0x${pos.toString(16)} took too long`);
      if (bytes[pos] !== original[pos]) checkRecords(name, original, intact, bytes, pos);
    }
    const mem = process.memoryUsage();
    assert.ok(mem.heapUsed + mem.arrayBuffers < 1 << 30, 'memory stays bounded');
  });
}

test('hostile headers: huge counts and zero entry sizes are refused, not looped over', () => {
  const base = fixtureBytes(fixture('c/gcc-pie'));
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  // e_shentsize = 0 with e_shnum = 0xffff (pyelftools#370)
  let b = base.slice();
  dv(b).setUint16(0x3a, 0, true);
  dv(b).setUint16(0x3c, 0xffff, true);
  assert.throws(() => ElfFile.parse(b).sections, (e: unknown) => e instanceof ParseError);
  // 0xff-filled e_shoff
  b = base.slice();
  dv(b).setBigUint64(0x28, 0xffffffffffffffffn, true);
  assert.throws(() => ElfFile.parse(b).sections, (e: unknown) => e instanceof ParseError);
  // section 0 claims 2^40 sections through extended numbering
  b = base.slice();
  const shoff = Number(dv(b).getBigUint64(0x28, true));
  dv(b).setUint16(0x3c, 0, true);
  dv(b).setBigUint64(shoff + 0x20, 1n << 40n, true);
  assert.throws(() => ElfFile.parse(b).sections, (e: unknown) => e instanceof ParseError && (e.code === 'truncated' || e.code === 'too-large'));
  // a program header table far past the end
  b = base.slice();
  dv(b).setBigUint64(0x20, 1n << 50n, true);
  assert.throws(() => ElfFile.parse(b).segments, (e: unknown) => e instanceof ParseError);
});

test('not ELF, empty and tiny inputs', () => {
  for (const bytes of [new Uint8Array(0), Uint8Array.from([0x7f]), new TextEncoder().encode('#!/bin/sh\necho hi\n'), Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 9, 1, 1])]) {
    assert.throws(() => ElfFile.parse(bytes), (e: unknown) => e instanceof ParseError);
  }
});

test('sweep summary', () => {
  process.stdout.write(`\ncorrupt sweep: ${totals.inputs} corrupted inputs, ${totals.parseErrors} ParseErrors, no other exceptions; ${totals.recordsChecked} undamaged parts read as in the intact file\n`);
  assert.ok(totals.inputs >= SWEEP.length * 250);
});

test.run();
