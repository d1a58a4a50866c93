// Call frame information from assembled bytes: CIE versions 1, 3 and 4,
// 32- and 64-bit DWARF, every DW_EH_PE encoding and augmentation, every
// DW_CFA instruction through the row machine, .eh_frame_hdr lookups, the
// expression evaluator, and bad input (a ParseError naming the entry).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import * as D from '../dist/index.js';
import { Asm } from './assembler.js';
import { fixtureBytes } from '@elfkit/fixtures';

const rowsOf = (s: D.FrameSection, fde: D.Fde, machine = 62) => [...D.unwindRows(fde, s.instructions(fde.cie), s.instructions(fde), { machine })];
const fdes = (s: D.FrameSection) => [...s.entries()].filter((e): e is D.Fde => e.kind === 'fde');
const rule = (row: D.UnwindRow, r: number) => row.registers.get(r);
/** Each instruction's `size`: they follow one another, and the last ends the entry. */
const sizes = (s: D.FrameSection, e: D.Cie | D.Fde) => {
  const c = s.instructions(e);
  const out: number[] = [];
  let at = e.instructionsOffset;
  while (c.next()) {
    assert.is(c.at, at);
    out.push(c.size);
    at += c.size;
  }
  assert.is(at, e.end);
  return out;
};

test('.debug_frame version 1: factored offsets, advances of every width, remember/restore_state keep the CFA', () => {
  const a = new Asm('little');
  a.label('cie').initialLength('cie_end').u32(0xffffffff).u8(1).cstr('').uleb(1).sleb(-8).u8(16);
  a.u8(0x0c).uleb(7).uleb(8); // def_cfa rsp+8
  a.u8(0x80 | 16).uleb(1); // offset rip at cfa-8
  a.label('cie_end');
  a.label('fde').initialLength('fde_end').u32(0).u64(0x1000).u64(0x100);
  a.u8(0x40 | 1); // advance_loc 1 → 0x1001
  a.u8(0x0e).uleb(16); // def_cfa_offset 16
  a.u8(0x80 | 6).uleb(2); // rbp at cfa-16
  a.u8(0x02).u8(3); // advance_loc1 3 → 0x1004
  a.u8(0x0d).uleb(6); // def_cfa_register rbp
  a.u8(0x03).u16(0x10); // advance_loc2 → 0x1014
  a.u8(0x0a); // remember_state
  a.u8(0x0c).uleb(7).uleb(8); // def_cfa rsp+8 (an early return)
  a.u8(0xc0 | 6); // restore rbp
  a.u8(0x04).u32(1); // advance_loc4 → 0x1015
  a.u8(0x0b); // restore_state
  a.u8(0x00).u8(0x00);
  a.label('fde_end');
  const s = new D.FrameSection('debug_frame', a.build(), { order: 'little', addressSize: 8 });
  const [cie, fde] = [...s.entries()];
  assert.is(cie!.kind, 'cie');
  const c = cie as D.Cie;
  assert.equal([c.version, c.augmentation, c.codeAlign, c.dataAlign, c.returnAddressRegister, c.offsetSize], [1, '', 1, -8, 16, 4]);
  const f = fde as D.Fde;
  assert.equal([f.cieOffset, f.initialLocation, f.addressRange], [0, 0x1000n, 0x100n]);
  const rows = rowsOf(s, f);
  assert.equal(
    rows.map((r) => [r.start, r.end]),
    [
      [0x1000n, 0x1001n],
      [0x1001n, 0x1004n],
      [0x1004n, 0x1014n],
      [0x1014n, 0x1015n],
      [0x1015n, 0x1100n],
    ],
  );
  assert.equal(rows[0]!.cfa, { kind: 'register', register: 7, offset: 8 });
  assert.equal(rule(rows[0]!, 16), { kind: 'offset', offset: -8 });
  assert.equal(rows[2]!.cfa, { kind: 'register', register: 6, offset: 16 });
  assert.equal(rule(rows[2]!, 6), { kind: 'offset', offset: -16 });
  // Between remember and restore: rsp+8 and rbp back to the CIE's rule (none).
  assert.equal(rows[3]!.cfa, { kind: 'register', register: 7, offset: 8 });
  assert.is(rule(rows[3]!, 6), undefined);
  // restore_state brings back the CFA as well as the registers (GCC's unwinder, gdb and gimli agree).
  assert.equal(rows[4]!.cfa, { kind: 'register', register: 6, offset: 16 });
  assert.equal(rule(rows[4]!, 6), { kind: 'offset', offset: -16 });
  // Lookups by address.
  assert.is(s.fdeFor(0x1050n)?.offset, f.offset);
  assert.is(s.fdeFor(0x1100n), undefined);
  assert.equal(D.unwindRowFor(f, 0x1014n, s.instructions(c), s.instructions(f))!.cfa, { kind: 'register', register: 7, offset: 8 });
  assert.equal(D.unwindRowFor(f, 0x10ffn, s.instructions(c), s.instructions(f))!.start, 0x1015n);
  // The length of every instruction, one-byte operands decoded from the bytes and wider ones through the reader.
  assert.equal(sizes(s, c), [3, 2]);
  assert.equal(sizes(s, f), [1, 2, 2, 2, 2, 3, 1, 3, 1, 5, 1, 1, 1]);
});

test('.debug_frame version 3: every register rule, expressions, set_loc, MIPS advance, GNU args size and negative offsets', () => {
  const a = new Asm('big');
  a.label('cie').initialLength('cie_end').u32(0xffffffff).u8(3).cstr('').uleb(4).sleb(-4).uleb(65); // RA column above 63 needs ULEB
  a.u8(0x12).uleb(1).sleb(-2); // def_cfa_sf r1, -2*-4 = 8
  a.u8(0x07).uleb(65); // undefined ra
  a.label('cie_end');
  a.label('fde').initialLength('fde_end').u32(0).u32(0x400).u32(0x80);
  a.u8(0x05).uleb(3).uleb(2); // offset_extended r3 at cfa-8
  a.u8(0x11).uleb(4).sleb(-3); // offset_extended_sf r4: -3*-4 = +12
  a.u8(0x14).uleb(5).uleb(1); // val_offset r5 = cfa-4
  a.u8(0x15).uleb(6).sleb(1); // val_offset_sf r6 = cfa-4
  a.u8(0x09).uleb(7).uleb(8); // register r7 in r8
  a.u8(0x08).uleb(9); // same_value r9
  a.u8(0x2f).uleb(10).uleb(2); // GNU_negative_offset_extended r10: -(2*-4) = +8
  a.u8(0x10).uleb(11).uleb(2).u8(0x71).sleb(16); // expression r11: breg1 16
  a.u8(0x16).uleb(12).uleb(1).u8(0x30); // val_expression r12: lit0
  a.u8(0x2e).uleb(32); // GNU_args_size 32
  a.u8(0x01).u32(0x410); // set_loc 0x410
  a.u8(0x06).uleb(3); // restore_extended r3 (the CIE has no rule)
  a.u8(0x13).sleb(-4); // def_cfa_offset_sf 16
  a.u8(0x1d).u64(4); // MIPS_advance_loc8 4*4 → 0x420
  a.u8(0x0f).uleb(3).u8(0x71).sleb(0).u8(0x06); // def_cfa_expression breg1 0; deref
  a.label('fde_end');
  const s = new D.FrameSection('debug_frame', a.build(), { order: 'big', addressSize: 4 });
  const f = fdes(s)[0]!;
  const c = f.cie;
  assert.equal([c.version, c.returnAddressRegister, c.codeAlign, c.dataAlign, c.addressSize], [3, 65, 4, -4, 4]);
  const rows = rowsOf(s, f, 8);
  assert.equal(
    rows.map((r) => [r.start, r.end]),
    [
      [0x400n, 0x410n],
      [0x410n, 0x420n],
      [0x420n, 0x480n],
    ],
  );
  const r0 = rows[0]!;
  assert.equal(r0.cfa, { kind: 'register', register: 1, offset: 8 });
  assert.equal(rule(r0, 65), { kind: 'undefined' });
  assert.equal(rule(r0, 3), { kind: 'offset', offset: -8 });
  assert.equal(rule(r0, 4), { kind: 'offset', offset: 12 });
  assert.equal(rule(r0, 5), { kind: 'val-offset', offset: -4 });
  assert.equal(rule(r0, 6), { kind: 'val-offset', offset: -4 });
  assert.equal(rule(r0, 7), { kind: 'register', register: 8 });
  assert.equal(rule(r0, 9), { kind: 'same-value' });
  assert.equal(rule(r0, 10), { kind: 'offset', offset: 8 });
  assert.is(rule(r0, 11)!.kind, 'expression');
  assert.is(rule(r0, 12)!.kind, 'val-expression');
  assert.is(r0.argsSize, 32);
  assert.is(rule(rows[1]!, 3), undefined);
  assert.equal(rows[1]!.cfa, { kind: 'register', register: 1, offset: 16 });
  assert.is(rows[2]!.cfa.kind, 'expression');
  // The instruction cursor agrees with the table.
  const ins = D.decodeCfaInstructions(s.instructions(f));
  assert.equal(
    ins.map((i) => D.cfaInstructionName(i.op, 8)),
    ['DW_CFA_offset_extended', 'DW_CFA_offset_extended_sf', 'DW_CFA_val_offset', 'DW_CFA_val_offset_sf', 'DW_CFA_register', 'DW_CFA_same_value', 'DW_CFA_GNU_negative_offset_extended', 'DW_CFA_expression', 'DW_CFA_val_expression', 'DW_CFA_GNU_args_size', 'DW_CFA_set_loc', 'DW_CFA_restore_extended', 'DW_CFA_def_cfa_offset_sf', 'DW_CFA_MIPS_advance_loc8', 'DW_CFA_def_cfa_expression'],
  );
  assert.equal(sizes(s, f), [3, 3, 3, 3, 3, 2, 3, 5, 4, 2, 5, 2, 2, 9, 5]);
});

test('.debug_frame version 4 in 64-bit DWARF: address and segment sizes from the CIE, 8-byte CIE ids and pointers', () => {
  const b = new Asm('little');
  b.label('cie').initialLength('cie_end', 8).u64(0xffffffffffffffffn).u8(4).cstr('').u8(4).u8(2).uleb(2).sleb(-4).uleb(14);
  b.u8(0x0c).uleb(13).uleb(0);
  b.label('cie_end');
  b.label('fde').initialLength('fde_end', 8).u64(0).u16(7).u32(0x8000).u32(0x20);
  b.u8(0x40 | 2).u8(0x0e).uleb(8);
  b.label('fde_end');
  const s = new D.FrameSection('debug_frame', b.build(), { order: 'little', addressSize: 8 });
  const [cie, fde] = [...s.entries()] as [D.Cie, D.Fde];
  assert.equal([cie.offsetSize, cie.version, cie.addressSize, cie.segmentSize, cie.id], [8, 4, 4, 2, 0xffffffffffffffffn]);
  assert.equal([fde.offsetSize, fde.segmentSelector, fde.initialLocation, fde.addressRange], [8, 7n, 0x8000n, 0x20n]);
  const rows = rowsOf(s, fde, 40);
  assert.equal(rows.map((r) => [r.start, r.cfa]), [
    [0x8000n, { kind: 'register', register: 13, offset: 0 }],
    [0x8004n, { kind: 'register', register: 13, offset: 8 }],
  ]);
});

/** An .eh_frame CIE "zR" with `enc`, then one FDE whose location is written by `loc`. */
function ehFrame(enc: number, loc: (a: Asm) => void, range: (a: Asm) => void, address = 0x2000n) {
  const a = new Asm('little');
  a.label('cie').initialLength('cie_end').u32(0).u8(1).cstr('zR').uleb(1).sleb(-8).u8(16).uleb(1).u8(enc);
  a.u8(0x0c).uleb(7).uleb(8);
  a.label('cie_end');
  a.label('fde').initialLength('fde_end').label('ptr').ref('ptr', 4, 'cie');
  loc(a);
  range(a);
  a.uleb(0);
  a.label('fde_end');
  return new D.FrameSection('eh_frame', a.build(), { order: 'little', addressSize: 8, address, textBase: 0x10000n, dataBase: 0x20000n });
}

test('.eh_frame pointer encodings: every value format and pcrel, textrel, datarel, aligned', () => {
  const cases: [number, (a: Asm) => void, bigint][] = [
    [D.DW_EH_PE_absptr, (a) => a.u64(0x401000), 0x401000n],
    [D.DW_EH_PE_udata2, (a) => a.u16(0x1234), 0x1234n],
    [D.DW_EH_PE_udata4, (a) => a.u32(0x12345678), 0x12345678n],
    [D.DW_EH_PE_udata8, (a) => a.u64(0x123456789an), 0x123456789an],
    [D.DW_EH_PE_uleb128, (a) => a.uleb(0x4000), 0x4000n],
    [D.DW_EH_PE_sleb128 | D.DW_EH_PE_pcrel, (a) => a.sleb(-0x10), 0x2000n + 0x1cn - 0x10n],
    [D.DW_EH_PE_sdata2 | D.DW_EH_PE_textrel, (a) => a.u16(0xfff0), 0x10000n - 0x10n],
    [D.DW_EH_PE_sdata4 | D.DW_EH_PE_pcrel, (a) => a.u32(0xfffff000), 0x2000n + 0x1cn - 0x1000n],
    [D.DW_EH_PE_sdata8 | D.DW_EH_PE_datarel, (a) => a.u64(0x40), 0x20040n],
  ];
  for (const [enc, loc, want] of cases) {
    const s = ehFrame(enc, loc, (a) => (enc === D.DW_EH_PE_uleb128 ? a.uleb(0x10) : enc === (D.DW_EH_PE_sleb128 | D.DW_EH_PE_pcrel) ? a.sleb(0x10) : a.uint(0x10n, D.encodedPointerSize(enc, 8)!)));
    const f = fdes(s)[0]!;
    assert.is(f.initialLocation, want, D.pointerEncodingName(enc));
    assert.is(f.addressRange, 0x10n, D.pointerEncodingName(enc));
    assert.is(s.fdeFor(want + 4n)?.offset, f.offset);
  }
  // aligned: the value starts at the next 8-byte boundary of the section (address 0x2000 + offset).
  const aligned = ehFrame(D.DW_EH_PE_aligned, (a) => {
    while ((a.pos & 7) !== 0) a.u8(0);
    a.u64(0x7000);
  }, (a) => a.u64(0x10));
  assert.is(fdes(aligned)[0]!.initialLocation, 0x7000n);
  // A relative encoding without its base is an error naming the field, not a wrong address.
  const noBase = new D.FrameSection('eh_frame', ehFrame(D.DW_EH_PE_datarel | D.DW_EH_PE_sdata4, (a) => a.u32(4), (a) => a.u32(4)).bytes, { order: 'little', addressSize: 8 });
  assert.throws(() => [...noBase.entries()], (e: unknown) => isParseError(e) && /needs the data base/.test((e as Error).message) && (e as { section: string }).section === '.eh_frame');
});

test('.eh_frame augmentations zPLRS and AArch64 B: personality (indirect), LSDA, signal frames, negate_ra_state', () => {
  const a = new Asm('little');
  a.label('cie').initialLength('cie_end').u32(0).u8(1).cstr('zPLRSB').uleb(4).sleb(-8).u8(30);
  a.uleb(7).u8(D.DW_EH_PE_indirect | D.DW_EH_PE_pcrel | D.DW_EH_PE_sdata4).label('pers').u32(0x100).u8(D.DW_EH_PE_udata4).u8(D.DW_EH_PE_pcrel | D.DW_EH_PE_sdata4);
  a.u8(0x0c).uleb(31).uleb(0);
  a.label('cie_end');
  a.label('fde').initialLength('fde_end').label('ptr').ref('ptr', 4, 'cie').u32(0x100).u32(0x40);
  a.uleb(4).u32(0x9000); // LSDA
  a.u8(0x2d).u8(0x40 | 1).u8(0x0e).uleb(16).u8(0x2d).u8(0x40 | 1);
  a.label('fde_end');
  const s = new D.FrameSection('eh_frame', a.build(), { order: 'little', addressSize: 8, address: 0x1000n });
  const f = fdes(s)[0]!;
  const c = f.cie;
  assert.ok(c.signalFrame && c.bKey);
  assert.is(c.personalityEncoding, 0x9b);
  assert.is(c.personality, 0x1000n + 0x15n + 0x100n); // pcrel from the field (section offset 0x15)
  assert.is(f.lsda, 0x9000n);
  const start = 0x1000n + BigInt(f.offset + 8) + 0x100n; // pcrel from the FDE's location field
  assert.is(f.initialLocation, start);
  const rows = rowsOf(s, f, 183);
  assert.equal(rows.map((r) => rule(r, D.AARCH64_RA_SIGN_STATE)), [{ kind: 'constant', value: 1 }, { kind: 'constant', value: 0 }, { kind: 'constant', value: 0 }]);
  assert.equal(D.cfaInstructionName(0x2d, 183), 'DW_CFA_AARCH64_negate_ra_state');
  assert.equal(D.cfaInstructionName(0x2d, 2), 'DW_CFA_GNU_window_save');
  // On x86-64 0x2d means nothing: the table fails with the entry named.
  assert.throws(() => rowsOf(s, f, 62), (e: unknown) => isParseError(e) && /0x2d/.test((e as Error).message) && (e as Error).message.includes(`entry at 0x${f.offset.toString(16)}`));
});

test('.eh_frame_hdr: header fields and binary search over the table (datarel, sdata4)', () => {
  const ehAddr = 0x3000n;
  // Build .eh_frame with three FDEs, then its header.
  const a = new Asm('little');
  a.label('cie').initialLength('cie_end').u32(0).u8(1).cstr('zR').uleb(1).sleb(-8).u8(16).uleb(1).u8(D.DW_EH_PE_udata4);
  a.u8(0x0c).uleb(7).uleb(8);
  a.label('cie_end');
  const starts = [0x1000, 0x1100, 0x1200];
  starts.forEach((st, i) => {
    a.label(`f${i}`).initialLength(`f${i}_end`).label(`p${i}`).ref(`p${i}`, 4, 'cie').u32(st).u32(0x80).uleb(0);
    a.u8(0x40 | 4).u8(0x0e).uleb(16 + i * 8);
    a.label(`f${i}_end`);
  });
  a.u32(0);
  const bytes = a.build();
  const section = new D.FrameSection('eh_frame', bytes, { order: 'little', addressSize: 8, address: ehAddr });
  const offsets = fdes(section).map((f) => f.offset);
  const hdrAddr = 0x2f00n;
  const h = new Asm('little');
  h.u8(1).u8(D.DW_EH_PE_pcrel | D.DW_EH_PE_sdata4).u8(D.DW_EH_PE_udata4).u8(D.DW_EH_PE_datarel | D.DW_EH_PE_sdata4);
  h.u32(Number(ehAddr - (hdrAddr + 4n))).u32(3);
  starts.forEach((st, i) => h.u32(st - Number(hdrAddr)).u32(Number(ehAddr) + offsets[i]! - Number(hdrAddr)));
  const hdr = new D.EhFrameHdr(h.build(), hdrAddr, { order: 'little', addressSize: 8 });
  assert.equal([hdr.version, hdr.ehFrameAddress, hdr.fdeCount, hdr.searchable], [1, ehAddr, 3, true]);
  assert.is(hdr.lookup(0xfffn), undefined);
  assert.is(hdr.lookup(0x1000n), ehAddr + BigInt(offsets[0]!));
  assert.is(hdr.lookup(0x11ffn), ehAddr + BigInt(offsets[1]!));
  assert.is(hdr.lookup(0x9999n), ehAddr + BigInt(offsets[2]!));
  const cfi = new D.CallFrameInfo({ ehFrame: { bytes, address: ehAddr }, ehFrameHdr: { bytes: h.build(), address: hdrAddr } }, { order: 'little', addressSize: 8, machine: 62 });
  assert.is(cfi.unwindInfo(0x1105n)!.row.cfa.kind, 'register');
  assert.equal(cfi.unwindInfo(0x1105n)!.row.cfa, { kind: 'register', register: 7, offset: 24 });
  assert.equal(cfi.unwindInfo(0x1101n)!.row.cfa, { kind: 'register', register: 7, offset: 8 });
  assert.is(cfi.unwindInfo(0x1180n), undefined); // past the FDE's range: the hdr's nearest entry does not cover it
  // The terminator is an entry of its own.
  assert.equal([...section.entries()].at(-1), { kind: 'terminator', offset: bytes.length - 4, end: bytes.length });
});

test('DWARF expressions: the PLT CFA expression, branches, memory and register failures', () => {
  const regs: Record<number, bigint> = { 7: 0x7ffe0000n, 16: 0x401025n };
  const mem = new Map<bigint, bigint>([[0x7ffe00a0n, 0x1234n]]);
  const ctx: D.EvaluationContext = {
    addressSize: 8,
    order: 'little',
    register: (n) => regs[n],
    memory: (a) => mem.get(a),
  };
  // breg7 8; breg16 0; lit15; and; lit11; ge; lit3; shl; plus: rsp+8, or rsp+16 past the PLT's push.
  const plt = Uint8Array.from([0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]);
  assert.equal(D.evaluateExpression(plt, ctx), { kind: 'memory', address: 0x7ffe0008n });
  regs[16] = 0x40102bn;
  assert.equal(D.evaluateExpression(plt, ctx), { kind: 'memory', address: 0x7ffe0010n });
  // breg7 160; deref (the sigcontext's rsp in __restore_rt).
  assert.equal(D.evaluateExpression(Uint8Array.from([0x77, 0xa0, 0x01, 0x06]), ctx), { kind: 'memory', address: 0x1234n });
  // lit1; bra +1 (skip lit2); lit3; stack_value → 3 (the branch pops).
  assert.equal(D.evaluateExpression(Uint8Array.from([0x31, 0x28, 1, 0, 0x32, 0x33, 0x9f]), ctx), { kind: 'value', value: 3n });
  // The CFA pushed first: offset rule as an expression.
  assert.equal(D.evaluateExpression(Uint8Array.from([0x23, 8]), ctx, [0x100n]), { kind: 'memory', address: 0x108n });
  assert.throws(() => D.evaluateExpression(Uint8Array.from([0x75, 0]), ctx), (e: unknown) => e instanceof D.EvaluationError && e.failure === 'register');
  assert.throws(() => D.evaluateExpression(Uint8Array.from([0x30, 0x06]), ctx), (e: unknown) => e instanceof D.EvaluationError && e.failure === 'memory');
  assert.throws(() => D.evaluateExpression(Uint8Array.from([0x2f, 0xfd, 0xff]), ctx), (e: unknown) => e instanceof D.EvaluationError && e.failure === 'too-long');
});

test('bad CFI: every failure is a ParseError naming the section and the entry', () => {
  const bad: [string, (a: Asm) => void][] = [
    ['unknown augmentation', (a) => a.label('cie').initialLength('e').u32(0).u8(1).cstr('zQ').uleb(1).sleb(-8).u8(16).uleb(0).label('e')],
    ['CIE version', (a) => a.label('cie').initialLength('e').u32(0).u8(9).cstr('').uleb(1).sleb(-8).u8(16).label('e')],
    ['length past the end', (a) => a.u32(0x100).u32(0)],
    ['CIE pointer outside', (a) => a.initialLength('e').u32(0x4000).u32(0).u32(0).label('e')],
    ['unknown instruction', (a) => a.label('cie').initialLength('e').u32(0).u8(1).cstr('').uleb(1).sleb(-8).u8(16).u8(0x3f).label('e')],
  ];
  for (const [what, build] of bad) {
    const a = new Asm('little');
    build(a);
    const s = new D.FrameSection('eh_frame', a.build(), { order: 'little', addressSize: 8 });
    assert.throws(
      () => {
        for (const e of s.entries()) if (e.kind !== 'terminator') D.decodeCfaInstructions(s.instructions(e));
      },
      (e: unknown) => isParseError(e) && (e as { section: string }).section === '.eh_frame',
      what,
    );
  }
  // restore_state without remember_state names the entry.
  const a = new Asm('little');
  a.label('cie').initialLength('ce').u32(0xffffffff).u8(3).cstr('').uleb(1).sleb(-8).uleb(16).label('ce');
  a.label('fde').initialLength('fe').u32(0).u64(0x10).u64(0x10).u8(0x0b).label('fe');
  const s = new D.FrameSection('debug_frame', a.build(), { order: 'little', addressSize: 8 });
  const f = fdes(s)[0]!;
  assert.throws(() => rowsOf(s, f), (e: unknown) => isParseError(e) && /restore_state without/.test((e as Error).message) && (e as Error).message.includes(`entry at 0x${f.offset.toString(16)}`));
});

test('corrupt sweep: truncated and flipped .eh_frame of a real binary reads as entries or ParseErrors, never anything else', () => {
  const elf = ElfFile.parse(fixtureBytes('c/gcc-static'));
  const sec = elf.section('.eh_frame')!;
  const orig = elf.sectionData(sec).subarray(0, 0x3000);
  let entries = 0;
  let errors = 0;
  const readAll = (bytes: Uint8Array) => {
    const s = new D.FrameSection('eh_frame', bytes, { order: 'little', addressSize: 8, address: sec.addr });
    try {
      for (const e of s.entries()) {
        entries++;
        if (e.kind === 'fde') rowsOf(s, e);
      }
    } catch (e) {
      if (!isParseError(e)) throw e;
      errors++;
    }
  };
  for (let cut = 0; cut < orig.length; cut += 97) readAll(orig.subarray(0, cut));
  let seed = 7;
  for (let i = 0; i < 300; i++) {
    const b = new Uint8Array(orig);
    for (let k = 0; k < 4; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[seed % b.length] ^= 1 << (seed >>> 29);
    }
    readAll(b);
  }
  assert.ok(entries > 1000 && errors > 10, `${entries} entries, ${errors} errors`);
});

test.run();
