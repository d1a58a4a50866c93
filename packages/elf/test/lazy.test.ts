import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile, type InflateStream } from '@elfkit/elf';
import { Unzlib } from 'fflate';
import { isParseError } from '@elfkit/binary';
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

/** A streaming inflater over fflate's (the tests run it small pieces at a time). */
function fflateStream(): InflateStream {
  let out: Uint8Array[] = [];
  const u = new Unzlib((chunk) => out.push(chunk));
  return {
    push(chunk, final) {
      u.push(chunk, final);
      const got = out;
      out = [];
      return got;
    },
    close() {},
  };
}

function joined(pieces: Iterable<Uint8Array>): { bytes: Uint8Array; count: number } {
  const list = [...pieces];
  const bytes = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of list) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, count: list.length };
}

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(isParseError(e), String(e));
    return (e as Error).message;
  }
  return 'no error';
}

test('sectionChunks: the bytes sectionData gives, in pieces (streamed where the inflater can, whole where not), nothing cached', () => {
  for (const name of ['c/gcc-zlib', 'c/gcc-zdebug', 'c/gcc-zstd', 'c/gcc-static']) {
    const expected = ElfFile.parse(fixtureBytes(name)).sectionData(ElfFile.parse(fixtureBytes(name)).debugSection('.debug_info')!);
    for (const zlibStream of [undefined, fflateStream]) {
      const src = counting(fixtureBytes(name));
      const elf = ElfFile.parse(src, { decompressors: zlibStream ? { zlibStream } : {} });
      const s = elf.debugSection('.debug_info')!;
      const { bytes, count } = joined(elf.sectionChunks(s, 512));
      assert.equal(bytes, expected, `${name} ${zlibStream ? 'streamed' : 'whole'}`);
      const streamed = name === 'c/gcc-static' || (zlibStream !== undefined && !name.endsWith('zstd'));
      if (streamed) assert.ok(count > 1 && expected.length > 1024, `${name}: ${count} pieces`);
      else assert.is(count, 1, name);
      // Not cached: a second walk reads the file again.
      const before = src.read_;
      joined(elf.sectionChunks(s, 512));
      assert.ok(src.read_ > before, name);
    }
  }
});

test('sectionChunks: damage fails as sectionData fails, after the pieces before it', () => {
  for (const name of ['c/gcc-zlib', 'c/gcc-zdebug']) {
    const bytes = fixtureBytes(name).slice();
    const probe = ElfFile.parse(bytes);
    const s = probe.debugSection('.debug_info')!;
    const c = probe.compression(s)!;
    // A stream that is not zlib, and a size one larger than the stream inflates to.
    const corrupt = bytes.slice();
    corrupt.fill(0, s.offset + c.headerSize, s.offset + c.headerSize + 2);
    const tooBig = bytes.slice();
    const sizeAt = name === 'c/gcc-zdebug' ? s.offset + 4 : s.offset + 8;
    const view = new DataView(tooBig.buffer);
    if (name === 'c/gcc-zdebug') view.setBigUint64(sizeAt, BigInt(c.size + 1), false);
    else view.setBigUint64(sizeAt, BigInt(c.size + 1), true);
    for (const damaged of [corrupt, tooBig]) {
      const whole = ElfFile.parse(damaged);
      const expected = thrown(() => whole.sectionData(whole.debugSection('.debug_info')!));
      const elf = ElfFile.parse(damaged, { decompressors: { zlibStream: fflateStream } });
      let pieces = 0;
      const got = thrown(() => {
        for (const _ of elf.sectionChunks(elf.debugSection('.debug_info')!, 256)) pieces++;
      });
      assert.ok(/corrupt|decompressed/.test(got), got);
      assert.is(got.split(':')[0], expected.split(':')[0], `${name}: ${got} / ${expected}`);
      if (damaged === tooBig) assert.ok(pieces > 1, `${name}: the pieces before the end came first`);
    }
  }
});


test('fieldColumns gives the fields the accessors read, entry by entry (ELF64, ELF32, SHN_XINDEX as stored)', () => {
  for (const name of ['c/gcc-static', 'c/gcc-m32', 'many-sections/many.o', 'obj/ppc64.o', 'obj/mips.o']) {
    const elf = ElfFile.parse(fixtureBytes(name));
    const t = elf.symbolTable(elf.symbolTables('symtab')[0]!);
    const c = t.fieldColumns();
    assert.ok(t.count > 2, `${name}: ${t.count} symbols`);
    for (const k of ['info', 'other', 'rawShndx', 'values', 'sizes'] as const) assert.is(c[k].length, t.count, `${name} ${k}`);
    for (let i = 0; i < t.count; i++) {
      const at = `${name} symbol ${i}`;
      assert.is(c.info[i], t.info(i), at);
      assert.is(c.other[i], t.other(i), at);
      assert.is(c.rawShndx[i], t.rawShndx(i), at);
      assert.is(c.values[i], Number(t.value(i)), at);
      assert.is(c.sizes[i], t.sizeNumber(i), at);
    }
  }
});

test.run();
