// The unwinder on synthetic stacks: frame-pointer chains, the stop reasons
// (outermost frame, unreadable return address, a stack pointer that does
// not grow, a loop, the depth limit, bad CFI), and AArch64 return addresses
// signed with pointer authentication, stripped through the CFI's
// RA_SIGN_STATE and NT_ARM_PAC_MASK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ParseError } from '@elfkit/binary';
import { CallFrameInfo } from '@elfkit/dwarf';
import { AARCH64, BufferMemory, ModuleList, Registers, X86_64, unwind, type UnwindModule } from '../dist/index.js';

const STACK = 0x7ff0_0000n;

/** A little-endian stack image with 8-byte words written at offsets from STACK. */
function stack(words: Record<number, bigint>, size = 0x400): BufferMemory {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  for (const [off, w] of Object.entries(words)) v.setBigUint64(Number(off), w, true);
  return new BufferMemory(STACK, b);
}

const code = (name: string, start: bigint, end: bigint, cfi?: () => CallFrameInfo | undefined): UnwindModule => ({ name, start, end, bias: 0n, callFrameInfo: cfi ?? (() => undefined) });
const text = new ModuleList([code('app', 0x400000n, 0x500000n)]);

test('frame pointers: rbp chain to a zero return address', () => {
  // frame 0: rbp = STACK+0x10 → [STACK+0x10] = STACK+0x40, [STACK+0x18] = ret1; then [STACK+0x40] = 0, [STACK+0x48] = ret2; then ret 0.
  const mem = stack({ 0x10: STACK + 0x40n, 0x18: 0x401111n, 0x40: STACK + 0x80n, 0x48: 0x402222n, 0x80: 0n, 0x88: 0n });
  const regs = Registers.fromNamed(X86_64, [['rip', 0x400100n], ['rsp', STACK], ['rbp', STACK + 0x10n]]);
  const bt = unwind(regs, mem, text);
  assert.equal(bt.frames.map((f) => [f.pc, f.method, f.adjusted]), [
    [0x400100n, 'initial', false],
    [0x401111n, 'frame-pointer', true],
    [0x402222n, 'frame-pointer', true],
  ]);
  assert.equal(bt.frames[1]!.lookupPc, 0x401110n);
  assert.equal(bt.stop, { kind: 'end', detail: 'the return address is 0' });
});

test('stop reasons: no module, loops, a stack pointer going down, unreadable memory, the depth limit', () => {
  const regs = (rip: bigint, rbp: bigint) => Registers.fromNamed(X86_64, [['rip', rip], ['rsp', STACK], ['rbp', rbp]]);
  // A return address outside every module.
  let bt = unwind(regs(0x400100n, STACK + 0x10n), stack({ 0x10: STACK + 0x40n, 0x18: 0x999999n }), text);
  assert.equal(bt.stop, { kind: 'no-module', pc: 0x999999n });
  assert.is(bt.frames.length, 2);
  // A frame pointer that points at itself leaves the caller's below its stack pointer: the chain is broken there.
  bt = unwind(regs(0x400100n, STACK + 0x10n), stack({ 0x10: STACK + 0x10n, 0x18: 0x400100n }), text);
  assert.equal(bt.stop, { kind: 'no-unwind-info', pc: 0x4000ffn, module: 'app' });
  // A signal frame whose saved context is the trampoline itself: the same pc and sp come back.
  const restorer = Uint8Array.from([0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05]);
  const ctx = stack({ [40 + 15 * 8]: STACK, [40 + 16 * 8]: 0x400500n });
  const both = { read: (a: bigint, n: number) => (a >= 0x400500n && a + BigInt(n) <= 0x400509n ? restorer.subarray(Number(a - 0x400500n), Number(a - 0x400500n) + n) : ctx.read(a, n)) };
  bt = unwind(regs(0x400500n, 0n), both, text);
  assert.is(bt.stop.kind, 'loop');
  assert.is(bt.frames[0]!.signalFrame, true);
  // The caller's frame pointer below the stack pointer: no frame-pointer step, and nothing else applies.
  bt = unwind(regs(0x400100n, STACK + 0x10n), stack({ 0x10: STACK - 0x100n, 0x18: 0x400200n }), text);
  assert.equal(bt.stop, { kind: 'no-unwind-info', pc: 0x4001ffn, module: 'app' });
  // rbp outside the captured stack: no step at all for frame 0.
  bt = unwind(regs(0x400100n, STACK + 0x10000n), stack({}), text);
  assert.equal(bt.stop, { kind: 'no-unwind-info', pc: 0x400100n, module: 'app' });
  // A long chain and a small limit.
  const words: Record<number, bigint> = {};
  for (let i = 0; i < 40; i++) {
    words[0x10 + i * 0x20] = STACK + BigInt(0x30 + i * 0x20);
    words[0x18 + i * 0x20] = 0x400300n + BigInt(i);
  }
  bt = unwind(regs(0x400100n, STACK + 0x10n), stack(words, 0x1000), text, { maxFrames: 5 });
  assert.equal(bt.stop, { kind: 'depth-limit', limit: 5 });
  assert.is(bt.frames.length, 6);
});

test('bad CFI stops with the ParseError, after the frames before it', () => {
  const broken = new ModuleList([code('lib', 0x400000n, 0x500000n, () => {
    throw new ParseError('invalid', 'unknown augmentation', '.eh_frame', 0x40);
  })]);
  const bt = unwind(Registers.fromNamed(X86_64, [['rip', 0x400100n], ['rsp', STACK]]), stack({}), broken);
  assert.is(bt.stop.kind, 'bad-cfi');
  assert.is(bt.frames.length, 1);
  assert.match(bt.stop.kind === 'bad-cfi' ? bt.stop.error.message : '', /\.eh_frame\+0x40/);
});

/** An AArch64 .debug_frame: CIE (RA x30, CFA sp+0), one FDE: negate_ra_state; sub sp 16; save x29/x30 at CFA-16/-8. */
function aarch64Cfi(): CallFrameInfo {
  const bytes: number[] = [];
  const u32 = (v: number) => bytes.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  const u64 = (v: bigint) => {
    for (let i = 0; i < 8; i++) bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
  };
  // CIE: length, id, version 3, "", code 4, data -8, RA 30, def_cfa sp 0.
  const cie = [0xff, 0xff, 0xff, 0xff, 3, 0, 4, 0x78, 30, 0x0c, 31, 0];
  u32(cie.length);
  bytes.push(...cie);
  const fdeAt = bytes.length;
  const ins = [0x2d, 0x41, 0x0e, 16, 0x9d, 2, 0x9e, 1];
  u32(4 + 16 + ins.length);
  u32(0);
  u64(0x400000n);
  u64(0x100n);
  bytes.push(...ins);
  void fdeAt;
  return new CallFrameInfo({ debugFrame: { bytes: Uint8Array.from(bytes) } }, { order: 'little', addressSize: 8, machine: 183 });
}

test('AArch64: return addresses signed with pointer authentication are stripped (NT_ARM_PAC_MASK, else 48-bit VA)', () => {
  const mods = new ModuleList([code('app', 0x400000n, 0x500000n, aarch64Cfi)]);
  // At 0x400008 (after negate_ra_state and the advance) the frame saved x29 at sp+0 and x30 (signed) at sp+8.
  const signed = 0x002d_0000_0040_0abcn;
  const mem = stack({ 0x0: STACK + 0x100n, 0x8: signed });
  const regs = Registers.fromNamed(AARCH64, [['pc', 0x400008n], ['sp', STACK], ['x29', STACK], ['x30', 0x400004n]]);
  let bt = unwind(regs, mem, mods, { maxFrames: 1 });
  assert.is(bt.frames[1]!.pc, 0x0000_0000_0040_0abcn);
  assert.is(bt.frames[1]!.registers.get(29), STACK + 0x100n);
  assert.is(bt.frames[1]!.sp, STACK + 16n);
  bt = unwind(regs, mem, mods, { maxFrames: 1, pacMask: 0x007f_0000_0000_0000n });
  assert.is(bt.frames[1]!.pc, 0x0000_0000_0040_0abcn);
  // Before the frame is set up (at 0x400000) the return address is still in x30, unsigned.
  bt = unwind(Registers.fromNamed(AARCH64, [['pc', 0x400000n], ['sp', STACK], ['x30', 0x400f00n]]), mem, mods, { maxFrames: 1 });
  assert.is(bt.frames[1]!.pc, 0x400f00n);
});

test.run();
