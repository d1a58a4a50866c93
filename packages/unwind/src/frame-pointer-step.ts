import { readUnsigned, type Memory } from './memory.js';
import { Registers } from './registers.js';
import type { StepOutcome } from './step.js';

/**
 * Unwinds one frame by the frame-pointer chain, for code without CFI:
 * x86 and i386 keep `[fp] = caller's fp, [fp + word] = return address`,
 * AArch64 and RISC-V the frame record `{fp, lr}` that fp points at
 * (RISC-V: just below it). The frame pointer must lie at or above the stack
 * pointer and be aligned, or the chain is taken as broken.
 */
export function framePointerStep(regs: Registers, memory: Memory): StepOutcome {
  const arch = regs.arch;
  const fp = regs.get(arch.fp);
  const sp = regs.sp;
  const word = BigInt(arch.addressSize);
  if (fp === undefined || fp === 0n || fp % word !== 0n || (sp !== undefined && fp < sp)) return undefined;
  const riscv = arch.machine === 243;
  const recordAt = riscv ? fp - 2n * word : fp;
  const callerFp = readUnsigned(memory, recordAt, arch.addressSize, arch.order);
  const ret = readUnsigned(memory, recordAt + word, arch.addressSize, arch.order);
  if (callerFp === undefined || ret === undefined) return undefined;
  const next = new Map<number, bigint>();
  for (const [n, v] of regs.entries()) if (arch.calleeSaved.has(n)) next.set(n, v);
  next.set(arch.fp, callerFp);
  next.set(arch.sp, riscv ? fp : fp + 2n * word);
  next.set(arch.pc, ret);
  if (arch.lr !== undefined) next.set(arch.lr, ret);
  return { registers: new Registers(arch, next), method: 'frame-pointer', signalFrame: false };
}
