// Range and location lists (pre-5 and DWARF 5 shapes, GNU split-DWARF
// .debug_loc.dwo), expressions, aranges, DWARF package indexes and the
// separate-debug-file helpers, on hand-assembled bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { isParseError } from '@elfkit/binary';
import * as D from '../dist/index.js';
import {
  arangeSets,
  arangeSpans,
  crc32,
  decodeExpression,
  dwoCandidates,
  listOffset,
  locationList,
  parseDebugAltLink,
  parseDebugLink,
  parseDebugSup,
  parseDwpIndex,
  rangeList,
  readListsHeader,
  separateDebugCandidates,
  type ListContext,
} from '../dist/index.js';
import { Asm } from './assembler.js';
import { Reader } from '@elfkit/binary';

const ctx = (over: Partial<ListContext> = {}): ListContext => ({
  order: 'little',
  addressSize: 8,
  offsetSize: 4,
  version: 5,
  baseAddress: 0x1000n,
  address: (i) => [0x5000n, 0x6000n, 0x7000n][i] ?? (() => { throw new Error('bad index'); })(),
  ...over,
});
const ranges = (es: { range?: { begin: bigint; end: bigint } }[]) => es.filter((e) => e.range).map((e) => [e.range!.begin, e.range!.end]);

test('.debug_ranges: pairs relative to the CU base, base address selection, end of list', () => {
  const b = new Asm().u64(0x10).u64(0x20).u64(-1n).u64(0x8000).u64(0x1).u64(0x2).u64(0).u64(0).build();
  const es = [...rangeList(b, '.debug_ranges', 0, false, ctx())];
  assert.equal(es.map((e) => D.rleName(e.kind)), ['DW_RLE_offset_pair', 'DW_RLE_base_address', 'DW_RLE_offset_pair', 'DW_RLE_end_of_list']);
  assert.equal(ranges(es), [
    [0x1010n, 0x1020n],
    [0x8001n, 0x8002n],
  ]);
  // 32-bit: the selection entry is 0xffffffff
  const b32 = new Asm().u32(0xffffffff).u32(0x100).u32(1).u32(3).u32(0).u32(0).build();
  assert.equal(ranges([...rangeList(b32, '.debug_ranges', 0, false, ctx({ addressSize: 4 }))]), [[0x101n, 0x103n]]);
});

test('.debug_rnglists: every entry kind, rnglistx through the offsets table', () => {
  const a = new Asm()
    .initialLength('end').u16(5).u8(8).u8(0).u32(1)
    .label('base').ref('l0', 4, 'base')
    .label('l0')
    .u8(D.DW_RLE_base_addressx).uleb(0)
    .u8(D.DW_RLE_offset_pair).uleb(0x10).uleb(0x20)
    .u8(D.DW_RLE_startx_endx).uleb(1).uleb(2)
    .u8(D.DW_RLE_startx_length).uleb(1).uleb(0x30)
    .u8(D.DW_RLE_base_address).u64(0x9000)
    .u8(D.DW_RLE_offset_pair).uleb(1).uleb(2)
    .u8(D.DW_RLE_start_end).u64(0xa000).u64(0xa010)
    .u8(D.DW_RLE_start_length).u64(0xb000).uleb(8)
    .u8(D.DW_RLE_end_of_list)
    .label('end')
    .build();
  const h = readListsHeader(new Reader(a, { order: 'little', section: '.debug_rnglists' }), 0);
  assert.equal([h.version, h.offsetEntryCount, h.base], [5, 1, 12]);
  const off = listOffset(a, 'little', '.debug_rnglists', h.base, 0, 4);
  assert.is(off, 16);
  assert.equal(ranges([...rangeList(a, '.debug_rnglists', off, true, ctx())]), [
    [0x5010n, 0x5020n],
    [0x6000n, 0x7000n],
    [0x6000n, 0x6030n],
    [0x9001n, 0x9002n],
    [0xa000n, 0xa010n],
    [0xb000n, 0xb008n],
  ]);
  assert.throws(() => listOffset(a, 'little', '.debug_rnglists', h.base, 99, 4), (e: unknown) => isParseError(e));
});

test('location lists: .debug_loc, .debug_loclists with default_location, GNU .debug_loc.dwo', () => {
  const loc = new Asm().u64(0x10).u64(0x20).u16(1).u8(D.DW_OP_reg0).u64(0).u64(0).build();
  const l1 = [...locationList(loc, '.debug_loc', 0, 'loc', ctx())];
  assert.equal(ranges(l1), [[0x1010n, 0x1020n]]);
  assert.equal([...l1[0]!.expression!], [D.DW_OP_reg0]);
  const lists = new Asm()
    .u8(D.DW_LLE_startx_length).uleb(0).uleb(4).uleb(1).u8(D.DW_OP_reg1)
    .u8(D.DW_LLE_default_location).uleb(2).u8(D.DW_OP_lit1).u8(D.DW_OP_stack_value)
    .u8(D.DW_LLE_end_of_list)
    .build();
  const l2 = [...locationList(lists, '.debug_loclists', 0, 'loclists', ctx())];
  assert.equal(l2.map((e) => D.lleName(e.kind)), ['DW_LLE_startx_length', 'DW_LLE_default_location', 'DW_LLE_end_of_list']);
  assert.equal(ranges(l2), [[0x5000n, 0x5004n]]);
  assert.is(l2[1]!.range, undefined);
  assert.is(l2[1]!.expression!.length, 2);
  // Pre-standard split DWARF: startx_length with a u32 length and u16 expression lengths.
  const dwo = new Asm().u8(3).uleb(2).u32(0x40).u16(1).u8(D.DW_OP_reg3).u8(0).build();
  assert.equal(ranges([...locationList(dwo, '.debug_loc.dwo', 0, 'loc.dwo', ctx())]), [[0x7000n, 0x7040n]]);
  // An unknown kind is a ParseError at its offset.
  assert.throws(() => [...locationList(new Uint8Array([0x42]), '.debug_loclists', 0, 'loclists', ctx())], (e: unknown) => isParseError(e) && /kind 0x42/.test((e as Error).message));
});

test('expressions: operands of every shape, nested entry_value, unknown opcodes rejected', () => {
  const e = new Asm()
    .u8(D.DW_OP_breg7).sleb(-8)
    .u8(D.DW_OP_bregx).uleb(33).sleb(16)
    .u8(D.DW_OP_const8u).u64(0xffffffffffffffffn)
    .u8(D.DW_OP_const2s).u16(0xfffe)
    .u8(D.DW_OP_implicit_value).uleb(3).bytes([1, 2, 3])
    .u8(D.DW_OP_entry_value).uleb(1).u8(D.DW_OP_reg5)
    .u8(D.DW_OP_addr).u32(0x8048000)
    .u8(D.DW_OP_piece).uleb(4)
    .u8(D.DW_OP_skip).u16(0xfffd)
    .build();
  const ops = decodeExpression(e, { addressSize: 4, offsetSize: 4, version: 5 }, 'little');
  assert.equal(ops.map((o) => D.opName(o.op)), ['DW_OP_breg7', 'DW_OP_bregx', 'DW_OP_const8u', 'DW_OP_const2s', 'DW_OP_implicit_value', 'DW_OP_entry_value', 'DW_OP_addr', 'DW_OP_piece', 'DW_OP_skip']);
  assert.equal(ops[0]!.operands, [-8]);
  assert.equal(ops[1]!.operands, [33, 16]);
  assert.equal(ops[2]!.operands, [0xffffffffffffffffn]);
  assert.equal(ops[3]!.operands, [-2]);
  assert.equal([...(ops[4]!.operands[0] as Uint8Array)], [1, 2, 3]);
  assert.equal(ops[5]!.nested!.map((o) => o.op), [D.DW_OP_reg5]);
  assert.equal(ops[6]!.operands, [0x8048000n]);
  assert.equal(ops[8]!.operands, [-3]);
  assert.throws(() => decodeExpression(new Uint8Array([0x01]), { addressSize: 8, offsetSize: 4, version: 5 }, 'little'), (x: unknown) => isParseError(x));
  assert.throws(() => decodeExpression(new Uint8Array([D.DW_OP_const4u, 1]), { addressSize: 8, offsetSize: 4, version: 5 }, 'little'), (x: unknown) => isParseError(x));
});

test('.debug_aranges: tuples aligned to twice the address size, a bad set skipped', () => {
  const a = new Asm()
    .initialLength('e1').u16(2).u32(0x30).u8(8).u8(0).u32(0).u64(0x1000).u64(0x20).u64(0).u64(0).label('e1')
    .initialLength('e2').u16(7).u32(0).u8(8).u8(0).label('e2')
    .initialLength('e3').u16(2).u32(0x60).u8(4).u8(0).u32(0).u32(0x2000).u32(4).u32(0).u32(0).label('e3')
    .build();
  const errors: unknown[] = [];
  const sets = [...arangeSets(a, 'little', '.debug_aranges', (e) => errors.push(e))];
  assert.equal(sets.map((s) => [s.debugInfoOffset, s.entries.map((e) => [e.address, e.length])]), [
    [0x30, [[0x1000n, 0x20n]]],
    [0x60, [[0x2000n, 4n]]],
  ]);
  assert.is(errors.length, 1);
});

test('.debug_aranges as numbers: the same ranges as the sets give, empty and past-2^53 ones left out, either byte order', () => {
  for (const order of ['little', 'big'] as const) {
    const a = new Asm(order)
      .initialLength('e1').u16(2).u32(0x30).u8(8).u8(0).u32(0).u64(0x1000).u64(0x20).u64(0x5000).u64(0).u64(0x20_0000_0000_0000n).u64(0x10).u64(0x7fff_0000_0000n).u64(0x100).u64(0).u64(0).label('e1')
      .initialLength('e2').u16(7).u32(0).u8(8).u8(0).label('e2')
      .initialLength('e3').u16(2).u32(0x60).u8(4).u8(0).u32(0).u32(0x2000).u32(4).u32(0).u32(0).label('e3')
      .build();
    const errors: unknown[] = [];
    const spans = arangeSpans(a, order, '.debug_aranges', (e) => errors.push(e));
    const got = Array.from({ length: spans.count }, (_, i) => [spans.lows[i], spans.highs[i], spans.unitOffsets[i], spans.addressSizes[i]]);
    assert.equal(got, [
      [0x1000, 0x1020, 0x30, 8],
      [0x7fff_0000_0000, 0x7fff_0000_0100, 0x30, 8],
      [0x2000, 0x2004, 0x60, 4],
    ]);
    assert.is(errors.length, 1);
    // The same ranges as arangeSets, but for the empty and unrepresentable ones.
    const fromSets = [...arangeSets(a, order, '.debug_aranges', () => {})].flatMap((set) =>
      set.entries.filter((e) => e.length > 0n && e.address + e.length <= BigInt(Number.MAX_SAFE_INTEGER)).map((e) => [Number(e.address), Number(e.address + e.length), set.debugInfoOffset, set.addressSize]),
    );
    assert.equal(got, fromSets);
  }
  assert.throws(() => arangeSpans(new Asm().u32(0x100).build(), 'little'), (x: unknown) => isParseError(x));
});

test('.debug_cu_index: version 2 and 5 layouts, lookup by signature, empty index', () => {
  for (const version of [2, 5]) {
    const a = new Asm();
    if (version === 2) a.u32(2);
    else a.u16(5).u16(0);
    a.u32(3).u32(1).u32(2) // columns, units, slots
      .u64(0).u64(0xabcdn) // hash slots
      .u32(0).u32(1) // index slots
      .u32(1).u32(3).u32(version === 2 ? 6 : 8) // column section ids
      .u32(0x100).u32(0x40).u32(0x20) // offsets of row 1
      .u32(0x80).u32(0x10).u32(0x30); // sizes of row 1
    const idx = parseDwpIndex(a.build(), 'little', '.debug_cu_index');
    assert.is(idx.version, version);
    const row = idx.find(0xabcdn)!;
    assert.equal(row.contributions.info, { offset: 0x100, size: 0x80 });
    assert.equal(row.contributions.abbrev, { offset: 0x40, size: 0x10 });
    assert.equal(version === 2 ? row.contributions.strOffsets : row.contributions.rnglists, { offset: 0x20, size: 0x30 });
    assert.is(idx.byUnitOffset(0x100), row);
  }
  assert.equal(parseDwpIndex(new Uint8Array(0), 'little', '.debug_cu_index').rows, []);
  // Counts that cannot fit are refused before anything is allocated.
  const huge = new Asm().u32(2).u32(8).u32(0x7fffffff).u32(0x40000000).build();
  assert.throws(() => parseDwpIndex(huge, 'little', '.debug_cu_index'), (e: unknown) => isParseError(e) && (e as { code: string }).code === 'too-large');
});

test('separate debug files: debuglink, altlink, debug_sup, CRC-32, search order', () => {
  const link = new Asm().cstr('app.debug').bytes([0, 0]).u32(0xdeadbeef).build();
  assert.equal(parseDebugLink(link, 'little'), { name: 'app.debug', crc: 0xdeadbeef });
  const alt = new Asm().cstr('/usr/lib/debug/.dwz/x').bytes([0xab, 0xcd]).build();
  assert.equal(parseDebugAltLink(alt), { name: '/usr/lib/debug/.dwz/x', buildId: 'abcd' });
  const sup = new Asm().u16(5).u8(0).cstr('common.sup').uleb(2).bytes([1, 2]).build();
  assert.equal(parseDebugSup(sup, 'little'), { version: 5, isSupplementary: false, name: 'common.sup', checksum: '0102' });
  const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
  assert.is(crc32(data), zlibCrc32(data) >>> 0);
  assert.is(crc32(data), 0x414fa339);
  assert.equal(separateDebugCandidates('/opt/app/bin/app', { buildId: 'ABCDEF', debugLink: 'app.debug', debugDirectories: ['/usr/lib/debug', '/d'] }).map((c) => c.path), [
    '/usr/lib/debug/.build-id/ab/cdef.debug',
    '/d/.build-id/ab/cdef.debug',
    '/opt/app/bin/.build-id/ab/cdef.debug',
    '/opt/app/bin/app.debug',
    '/opt/app/bin/.debug/app.debug',
    '/usr/lib/debug/opt/app/bin/app.debug',
    '/d/opt/app/bin/app.debug',
  ]);
  assert.equal(dwoCandidates('x.dwo', '/build', '/opt/app'), ['/build/x.dwo', '/opt/x.dwo']);
  assert.equal(dwoCandidates('/abs/x.dwo', '/build', '/opt/app'), ['/abs/x.dwo', '/opt/x.dwo']);
});

test.run();
