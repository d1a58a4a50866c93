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

test.run();
