import { readUnsigned, type Memory } from './memory.js';
import { Registers } from './registers.js';
import type { StepOutcome } from './step.js';

// x86-64 `__restore_rt` (glibc, musl) and Go's runtime.sigreturn__sigaction: mov $15, %rax; syscall.
const X86_64_RT_SIGRETURN = [0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05];
// AArch64 `__kernel_rt_sigreturn` (vDSO) and libc copies: mov x8, #139; svc #0.
const AARCH64_RT_SIGRETURN = [0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4];

// Where the kernel's rt_sigframe keeps the interrupted registers, from the sp the handler returned with.
// x86-64: sp points at the ucontext (the return address was popped); uc_mcontext is at +40, its
// gregs are r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags.
const X86_64_GREGS: [number, number][] = [[8, 0], [9, 1], [10, 2], [11, 3], [12, 4], [13, 5], [14, 6], [15, 7], [5, 8], [4, 9], [6, 10], [3, 11], [1, 12], [0, 13], [2, 14], [7, 15], [16, 16]];
const X86_64_MCONTEXT = 40n;
// AArch64: sp points at the rt_sigframe: siginfo (128 bytes), then the ucontext whose uc_mcontext
// (16-byte aligned at +176) starts with fault_address, then x0–x30, sp, pc.
const AARCH64_REGS = 128n + 176n + 8n;

/**
 * Steps over a signal trampoline that has no CFI by recognizing its
 * instructions at the pc and reading the registers the kernel saved in
 * the signal frame (glibc's `__restore_rt` has CFI, marked `S`; Go's
 * runtime.sigreturn and some vDSOs do not). The caller is the interrupted
 * code: its pc is not a return address.
 */
export function signalStep(regs: Registers, pc: bigint, memory: Memory): StepOutcome {
  const arch = regs.arch;
  const sp = regs.sp;
  if (sp === undefined) return undefined;
  const at = (pattern: number[]) => {
    const b = memory.read(pc, pattern.length);
    return !!b && pattern.every((x, i) => b[i] === x);
  };
  const next = new Map<number, bigint>();
  if (arch.machine === 62 && at(X86_64_RT_SIGRETURN)) {
    const base = sp + X86_64_MCONTEXT;
    for (const [dwarf, slot] of X86_64_GREGS) {
      const v = readUnsigned(memory, base + BigInt(slot * 8), 8, arch.order);
      if (v === undefined) return { stop: { kind: 'unreadable-memory', address: base + BigInt(slot * 8) } };
      next.set(dwarf, v);
    }
  } else if (arch.machine === 183 && at(AARCH64_RT_SIGRETURN)) {
    const base = sp + AARCH64_REGS;
    for (let i = 0; i < 33; i++) {
      const v = readUnsigned(memory, base + BigInt(i * 8), 8, arch.order);
      if (v === undefined) return { stop: { kind: 'unreadable-memory', address: base + BigInt(i * 8) } };
      next.set(i === 31 ? 31 : i === 32 ? 32 : i, v);
    }
  } else return undefined;
  return { registers: new Registers(arch, next), method: 'signal', signalFrame: true };
}
