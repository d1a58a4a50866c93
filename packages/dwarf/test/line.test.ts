// Line programs on hand-assembled `.debug_line`: DWARF 5 entry formats in
// an unusual order with MD5 and LLVM_source, 0-based indexes, opcode_base
// other than 13, unknown standard and extended opcodes, define_file, VLIW
// op_index, tombstones, and paths joined exactly once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError } from '@elfkit/binary';
import * as D from '../dist/index.js';
import { LineProgram, type LineRow } from '../dist/index.js';
import { Asm } from './assembler.js';

const strings = () => {
  throw new Error('no strings');
};
const short = (r: LineRow) => [Number(r.address), r.file, r.line, r.column, r.endSequence];

test('DWARF 5 header: entry formats in any order, MD5 and LLVM_source, unknown content types, 0-based files', () => {
  const lineStr = new Asm().cstr('/comp').cstr('rel/inc').cstr('a.c').build();
  const a = new Asm()
    .initialLength('end').u16(5).u8(8).u8(0)
    .initialLength('hdr_end')
    .u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    // directory format: path as line_strp
    .u8(1).uleb(D.DW_LNCT_path).uleb(D.DW_FORM_line_strp)
    .uleb(2).u32(0).u32(6)
    // file format: unknown type first, then MD5, directory_index before path, source
    .u8(5)
    .uleb(0x2fff).uleb(D.DW_FORM_udata)
    .uleb(D.DW_LNCT_MD5).uleb(D.DW_FORM_data16)
    .uleb(D.DW_LNCT_directory_index).uleb(D.DW_FORM_data1)
    .uleb(D.DW_LNCT_path).uleb(D.DW_FORM_string)
    .uleb(D.DW_LNCT_LLVM_source).uleb(D.DW_FORM_string)
    .uleb(3)
    .uleb(7).bytes(new Array(16).fill(0xab)).u8(0).cstr('main.c').cstr('int main;\n')
    .uleb(7).bytes(new Array(16).fill(0xcd)).u8(1).cstr('inc.h').cstr('')
    .uleb(7).bytes(new Array(16).fill(0xef)).u8(0).cstr('/abs/x.c').cstr('')
    .label('hdr_end')
    .u8(0).uleb(9).u8(D.DW_LNE_set_address).u64(0x1000)
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_set_file).uleb(1)
    .u8(D.DW_LNS_advance_line).sleb(4)
    .u8(D.DW_LNS_set_column).uleb(3)
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_set_file).uleb(0)
    .u8(D.DW_LNS_advance_pc).uleb(4)
    .u8(0).uleb(1).u8(D.DW_LNE_end_sequence)
    .label('end')
    .build();
  const p = LineProgram.parse(a, 'little', '.debug_line', 0, {
    compDir: '/comp',
    strings: (form, v) => {
      assert.is(form, D.DW_FORM_line_strp);
      const s = ['/comp', 'rel/inc'];
      return s[(v as number) === 0 ? 0 : 1]!;
    },
  });
  void lineStr;
  const h = p.header;
  assert.equal(h.includeDirectories, ['/comp', 'rel/inc']);
  assert.equal(h.fileNames.map((f) => f.path), ['main.c', 'inc.h', '/abs/x.c']);
  assert.is(h.fileNames[0]!.source, 'int main;\n');
  assert.is(h.fileNames[1]!.source, '', 'an empty embedded source is kept, not taken for absent');
  assert.equal([...h.fileNames[1]!.md5!], new Array(16).fill(0xcd));
  // 0-based: file 0 is the primary source in directory 0 (the compilation directory, not joined again).
  assert.is(p.filePath(0), '/comp/main.c');
  assert.is(p.filePath(1), '/comp/rel/inc/inc.h', 'a relative include directory goes under comp_dir');
  assert.is(p.filePath(2), '/abs/x.c');
  assert.is(p.filePath(3), undefined);
  assert.equal([...p.rows()].map(short), [
    [0x1000, 1, 1, 0, false],
    [0x1000, 1, 5, 3, false],
    [0x1004, 0, 5, 3, true],
  ]);
});

test('DWARF 2-4: 1-based tables, dir 0 is comp_dir, define_file, opcode_base 10, unknown opcodes skipped', () => {
  const a = new Asm()
    .initialLength('end').u16(3)
    .initialLength('hdr_end')
    .u8(4).u8(1).u8(-3 & 0xff).u8(12).u8(10)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1])
    .cstr('inc').cstr('')
    .cstr('a.c').uleb(0).uleb(0).uleb(0)
    .cstr('b.h').uleb(1).uleb(0).uleb(0)
    .cstr('')
    .label('hdr_end')
    .u8(0).uleb(5).u8(D.DW_LNE_set_address).u32(0x400)
    // opcode 10 is a special opcode here (opcode_base 10): adjusted 0 → line += -3, no address advance
    .u8(10)
    // special opcode 10 + 12*2 + 5: address += 2*4, line += -3 + 5
    .u8(10 + 12 * 2 + 5)
    // an unknown extended opcode (0x80) of 3 bytes, skipped by its length
    .u8(0).uleb(3).u8(0x80).u8(1).u8(2)
    .u8(0).uleb(2).u8(D.DW_LNE_set_discriminator).uleb(5)
    .u8(0).uleb(8).u8(D.DW_LNE_define_file).cstr('c.c').uleb(1).uleb(0).uleb(0)
    .u8(D.DW_LNS_set_file).uleb(3)
    .u8(D.DW_LNS_const_add_pc)
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_fixed_advance_pc).u16(0x10)
    .u8(0).uleb(1).u8(D.DW_LNE_end_sequence)
    .label('end')
    .build();
  const p = LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 4, compDir: '/src', strings });
  const rows = [...p.rows()];
  // Lines are unsigned 32-bit registers (as in LLVM): 1 - 3 wraps, + 2 wraps back to 0.
  assert.equal(rows.map(short), [
    [0x400, 1, 4294967294, 0, false],
    [0x408, 1, 0, 0, false],
    [0x458, 3, 0, 0, false],
    [0x468, 3, 0, 0, true],
  ]);
  assert.is(rows[2]!.discriminator, 5, 'set_discriminator applies to the next row');
  assert.is(rows[3]!.discriminator, 0, '…and is reset after it');
  assert.is(p.filePath(1), '/src/a.c', 'directory 0 of DWARF 2-4 is comp_dir');
  assert.is(p.filePath(2), '/src/inc/b.h');
  assert.is(p.filePath(3), '/src/inc/c.c', 'DW_LNE_define_file');
  assert.is(p.filePath(0), undefined, 'file 0 does not exist before DWARF 5');
});

test('opcode_base 14: an unknown standard opcode is skipped by its declared operand count', () => {
  const a = new Asm()
    .initialLength('end').u16(4)
    .initialLength('hdr_end')
    .u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(14)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 2])
    .cstr('')
    .cstr('a.c').uleb(0).uleb(0).uleb(0).cstr('')
    .label('hdr_end')
    .u8(13).uleb(0x1234).uleb(0x7f)
    .u8(D.DW_LNS_advance_line).sleb(9)
    .u8(D.DW_LNS_copy)
    .label('end')
    .build();
  const p = LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 8, strings });
  assert.equal([...p.rows()].map(short), [[0, 1, 10, 0, false]]);
});

test('VLIW: op_index advances with maximum_operations_per_instruction', () => {
  const a = new Asm()
    .initialLength('end').u16(4)
    .initialLength('hdr_end')
    .u8(8).u8(3).u8(1).u8(0).u8(4).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    .cstr('').cstr('')
    .label('hdr_end')
    .u8(D.DW_LNS_advance_pc).uleb(4)
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_advance_pc).uleb(2)
    .u8(D.DW_LNS_copy)
    .label('end')
    .build();
  const rows = [...LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 8, strings }).rows()];
  assert.equal(rows.map((r) => [Number(r.address), r.opIndex]), [
    [8, 1],
    [16, 0],
  ]);
});

test('tombstones: set_address 0xffff…ffff keeps 64-bit precision and wraps', () => {
  const a = new Asm()
    .initialLength('end').u16(4)
    .initialLength('hdr_end')
    .u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    .cstr('').cstr('')
    .label('hdr_end')
    .u8(0).uleb(9).u8(D.DW_LNE_set_address).u64(0xfffffffffffffffen)
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_advance_pc).uleb(3)
    .u8(D.DW_LNS_copy)
    .u8(0).uleb(1).u8(D.DW_LNE_end_sequence)
    .u8(0).uleb(9).u8(D.DW_LNE_set_address).u64(0x2000)
    .u8(D.DW_LNS_copy)
    .label('end')
    .build();
  const rows = [...LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 8, strings }).rows()];
  assert.equal(rows.map((r) => r.address), [0xfffffffffffffffen, 1n, 1n, 0x2000n]);
});

test('a truncated program yields the rows before the damage, then a ParseError naming .debug_line', () => {
  const a = new Asm()
    .initialLength('end').u16(4)
    .initialLength('hdr_end')
    .u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    .cstr('').cstr('')
    .label('hdr_end')
    .u8(D.DW_LNS_copy)
    .u8(D.DW_LNS_advance_pc)
    .label('end')
    .build();
  const p = LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 8, strings });
  const got: LineRow[] = [];
  try {
    for (const r of p.rows()) got.push(r);
    assert.unreachable();
  } catch (e) {
    assert.ok(isParseError(e));
    assert.match((e as Error).message, /\.debug_line\+0x/);
  }
  assert.is(got.length, 1);
});

test('line_range 0 with a special opcode is an error, not a division by zero', () => {
  const a = new Asm()
    .initialLength('end').u16(4)
    .initialLength('hdr_end')
    .u8(1).u8(1).u8(1).u8(0).u8(0).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    .cstr('').cstr('')
    .label('hdr_end')
    .u8(20)
    .label('end')
    .build();
  const p = LineProgram.parse(a, 'little', '.debug_line', 0, { addressSize: 8, strings });
  assert.throws(() => [...p.rows()], (e: unknown) => isParseError(e) && /line_range 0/.test((e as Error).message));
});

test.run();
