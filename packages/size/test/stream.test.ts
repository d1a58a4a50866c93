// The compile-unit walk reads .debug_info as it is inflated: node's native
// inflater driven piece by piece gives the bytes inflateSync gives, and the
// sizes are those of a walk over the whole section.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile } from '@elfkit/elf';
import { BytesSource, isParseError } from '@elfkit/binary';
import { fixtureBytes } from '@elfkit/fixtures';
import { nodeDecompressors } from '@elfkit/symbolize/node';
import { SizeModel } from '../dist/index.js';
import { ForwardRangeLists } from '../dist/range-lists.js';
import { DW_AT_ranges, Dwarf, type ListCursor } from '@elfkit/dwarf';

const ZLIB = ['c/gcc-zlib', 'c/gcc-zdebug', 'go/go1.27-amd64-cgo'];

test("node's streaming inflater: sectionChunks gives sectionData's bytes, in pieces; corrupt data fails as sectionData fails", () => {
  for (const name of ZLIB) {
    const bytes = fixtureBytes(name);
    const elf = ElfFile.parse(new BytesSource(bytes), { decompressors: nodeDecompressors });
    for (const s of elf.sections.filter((x) => elf.compression(x))) {
      const expected = ElfFile.parse(bytes).sectionData(s);
      const parts = [...elf.sectionChunks(s, 300)];
      const got = new Uint8Array(expected.length);
      let at = 0;
      for (const p of parts) {
        got.set(p, at);
        at += p.length;
      }
      assert.is(at, expected.length, `${name} ${s.name}`);
      assert.equal(got, expected, `${name} ${s.name}`);
    }
    const s = elf.debugSection('.debug_info')!;
    const c = elf.compression(s)!;
    const bad = bytes.slice();
    bad.fill(0, s.offset + c.headerSize, s.offset + c.headerSize + 2);
    const damaged = ElfFile.parse(new BytesSource(bad), { decompressors: nodeDecompressors });
    let message = '';
    try {
      for (const _ of damaged.sectionChunks(damaged.debugSection('.debug_info')!)) void _;
    } catch (e) {
      assert.ok(isParseError(e));
      message = (e as Error).message;
    }
    assert.match(message, /^zlib data is corrupt/, name);
  }
});

test('compile units from the streamed walk equal those over the whole section (the section loaded first)', () => {
  for (const name of [...ZLIB, 'c/gcc-dwarf5', 'cpp/gxx-dwarf5']) {
    const bytes = fixtureBytes(name);
    const streamed = new SizeModel(ElfFile.parse(new BytesSource(bytes), { decompressors: nodeDecompressors }));
    // Loaded before the walk: the chunks are the cached section, in one piece.
    const elf = ElfFile.parse(new BytesSource(bytes), { decompressors: nodeDecompressors });
    elf.sectionData(elf.debugSection('.debug_info')!);
    const whole = new SizeModel(elf);
    assert.equal(JSON.stringify(streamed.tree(['compileunits'])), JSON.stringify(whole.tree(['compileunits'])), name);
    assert.equal(streamed.errors.map((e) => e.message), whole.errors.map((e) => e.message), name);
  }
});

function entries(c: ListCursor | undefined): string[] {
  const out: string[] = [];
  while (c?.next()) out.push(`${c.entryOffset} ${c.kind} ${c.hasRange ? `${c.beginAddress}-${c.endAddress}` : ''}`);
  return out;
}

test('.debug_ranges read through the forward window: every list of every DIE is the list read from the whole section', () => {
  for (const name of ['go/go1.19-amd64', 'go/go1.22-amd64', 'go/go1.19-ppc64']) {
    const elf = ElfFile.parse(new BytesSource(fixtureBytes(name)), { decompressors: nodeDecompressors });
    const d = Dwarf.load((n) => {
      const s = elf.debugSection(n);
      return s ? elf.sectionData(s) : undefined;
    }, { order: elf.header.order, dwo: false });
    const forward = new ForwardRangeLists(elf, elf.debugSection('.debug_ranges'));
    let lists = 0;
    for (const u of d.units()) {
      const c = u.entries();
      while (c.next()) {
        const at = c.attr(DW_AT_ranges);
        if (!at) continue;
        assert.equal(entries(forward.cursor(u, at)), entries(u.rangeListCursor(at)), `${name} DIE 0x${c.offset.toString(16)}`);
        lists++;
      }
    }
    assert.ok(lists > 10, `${name}: ${lists} lists`);
    // The Go linker writes the lists in unit order: the window never had to give up.
    assert.is((forward as unknown as { fallback: boolean }).fallback, false, name);
  }
});

test.run();
