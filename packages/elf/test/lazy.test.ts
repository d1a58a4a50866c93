import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile } from '@elfkit/elf';
import type { ByteSource } from '@elfkit/binary';
import { fixtureBytes } from '@elfkit/fixtures';

/** A source that counts the bytes read from it. */
function counting(bytes: Uint8Array): ByteSource & { read_: number } {
  const src = {
    size: bytes.length,
    read_: 0,
    read(offset: number, length: number) {
      src.read_ += length;
      return bytes.subarray(offset, offset + length);
    },
  };
  return src;
}

test('parsing reads the header only; listings read only their tables', () => {
  const bytes = fixtureBytes('c/gcc-static');
  const src = counting(bytes);
  const elf = ElfFile.parse(src);
  assert.ok(src.read_ <= 128, `header: ${src.read_} bytes`);
  elf.sections;
  elf.segments;
  const afterHeaders = src.read_;
  assert.ok(afterHeaders < 8192, `headers and names: ${afterHeaders} bytes of ${bytes.length}`);
  elf.symbols();
  const symtab = elf.section('.symtab')!;
  const strtab = elf.section('.strtab')!;
  assert.ok(src.read_ - afterHeaders <= symtab.size + strtab.size, 'symbols read .symtab and .strtab only');
  assert.ok(src.read_ < bytes.length / 4, `a listing read ${src.read_} of ${bytes.length} bytes`);
  const before = src.read_;
  elf.symbols();
  assert.is(src.read_, before, 'tables are cached');
});

test('virtual address reads go through PT_LOAD and zero-fill the bss tail', () => {
  const elf = ElfFile.parse(fixtureBytes('c/gcc-static'));
  const text = elf.section('.text')!;
  assert.equal(elf.readVirtual(text.addr, 16), elf.sectionData(text).subarray(0, 16));
  const bss = elf.section('.bss')!;
  assert.equal(elf.readVirtual(bss.addr, 8), new Uint8Array(8));
  assert.is(elf.readVirtual(0n, 4), undefined);
});



test('preloadSection: an asynchronous decoder fills what sectionData returns; a failing one leaves sectionData to decode (and report) itself', async () => {
  for (const name of ['c/gcc-zlib', 'c/gcc-zdebug', 'c/gcc-zstd']) {
    const plain = ElfFile.parse(fixtureBytes(name));
    const info = plain.debugSection('.debug_info')!;
    const expected = plain.sectionData(info);
    // The decoder's bytes are the ones sectionData hands out (a marked copy tells them apart).
    const elf = ElfFile.parse(fixtureBytes(name));
    const s = elf.debugSection('.debug_info')!;
    const formats: string[] = [];
    let marked: Uint8Array | undefined;
    await elf.preloadSection(s, async (data, size, format) => {
      formats.push(format);
      assert.is(size, expected.length);
      marked = plain.sectionData(info).slice();
      return marked;
    });
    assert.equal(formats, [name.endsWith('zstd') ? 'zstd' : 'zlib'], name);
    assert.is(elf.sectionData(s), marked, name);
    // A decoder that fails, or gives the wrong size, changes nothing.
    for (const decode of [async () => undefined, async () => new Uint8Array(3), async () => Promise.reject(new Error('no'))]) {
      const e = ElfFile.parse(fixtureBytes(name));
      const t = e.debugSection('.debug_info')!;
      await e.preloadSection(t, decode);
      assert.equal(e.sectionData(t), expected, name);
    }
  }
  // A source that reads off the caller's thread gives the compressed bytes (the section's whole range, once);
  // a short read there changes nothing either.
  const bytes = fixtureBytes('c/gcc-zlib');
  const expected = ElfFile.parse(bytes).sectionData(ElfFile.parse(bytes).debugSection('.debug_info')!);
  for (const short of [false, true]) {
    const asked: [number, number][] = [];
    const src: ByteSource = {
      size: bytes.length,
      read: (offset, length) => bytes.subarray(offset, offset + length),
      readAsync: async (offset, length) => (asked.push([offset, length]), bytes.slice(offset, offset + length - (short ? 1 : 0))),
    };
    const e = ElfFile.parse(src);
    const s = e.debugSection('.debug_info')!;
    let decoded: Uint8Array | undefined;
    await e.preloadSection(s, async (data, size) => {
      assert.is(data.length, s.size - (short ? 1 : 0) - (e.compression(s)?.headerSize ?? 0));
      return (decoded = expected.slice());
    });
    assert.equal(asked, [[s.offset, s.size]]);
    if (short) {
      assert.is(decoded, undefined);
      assert.equal(e.sectionData(s), expected);
    } else assert.is(e.sectionData(s), decoded);
  }
  // An uncompressed section is not the decoder's business.
  const elf = ElfFile.parse(fixtureBytes('c/gcc-static'));
  let called = false;
  await elf.preloadSection(elf.section('.text')!, async () => ((called = true), new Uint8Array(0)));
  assert.is(called, false);
});

test.run();
