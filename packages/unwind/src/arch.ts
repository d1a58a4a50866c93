/**
 * What the unwinder needs to know about a machine: its DWARF register
 * numbers (psABI), which of them hold the pc, the stack pointer, the frame
 * pointer and the return address, and the names a core file or a perf
 * sample uses for them.
 */
export interface Arch {
  /** ELF e_machine. */
  readonly machine: number;
  readonly name: string;
  /** Pointer size in bytes. */
  readonly addressSize: 4 | 8;
  readonly order: 'little' | 'big';
  /** DWARF numbers of the pc (a pseudo number where DWARF has none), stack pointer, frame pointer and link register (if any). */
  readonly pc: number;
  readonly sp: number;
  readonly fp: number;
  readonly lr?: number;
  /** Register names (as `user_regs_struct` spells them) → DWARF number. */
  readonly dwarfByName: Readonly<Record<string, number>>;
  /** DWARF number → the name to print. */
  readonly names: Readonly<Record<number, string>>;
  /**
   * Registers a callee must preserve (psABI): after an unwind step they keep
   * their value unless the CFI says where they were saved; the others
   * become unknown in the caller.
   */
  readonly calleeSaved: ReadonlySet<number>;
}

const range = (from: number, n: number, name: (i: number) => string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [name(i), from + i]));

/** x86-64 (System V psABI: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8–15 r8–r15, 16 return address/rip). */
export const X86_64: Arch = {
  machine: 62,
  name: 'x86-64',
  addressSize: 8,
  order: 'little',
  pc: 16,
  sp: 7,
  fp: 6,
  dwarfByName: {
    rax: 0, rdx: 1, rcx: 2, rbx: 3, rsi: 4, rdi: 5, rbp: 6, rsp: 7, r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15, rip: 16,
    rflags: 49, eflags: 49, es: 50, cs: 51, ss: 52, ds: 53, fs: 54, gs: 55, fs_base: 58, gs_base: 59,
  },
  names: { 0: 'rax', 1: 'rdx', 2: 'rcx', 3: 'rbx', 4: 'rsi', 5: 'rdi', 6: 'rbp', 7: 'rsp', 8: 'r8', 9: 'r9', 10: 'r10', 11: 'r11', 12: 'r12', 13: 'r13', 14: 'r14', 15: 'r15', 16: 'rip', 49: 'rflags', 58: 'fs_base', 59: 'gs_base' },
  calleeSaved: new Set([3, 6, 7, 12, 13, 14, 15, 58, 59]),
};

/** i386 (0 eax, 1 ecx, 2 edx, 3 ebx, 4 esp, 5 ebp, 6 esi, 7 edi, 8 eip). */
export const I386: Arch = {
  machine: 3,
  name: 'i386',
  addressSize: 4,
  order: 'little',
  pc: 8,
  sp: 4,
  fp: 5,
  dwarfByName: { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7, eip: 8, eflags: 9 },
  names: { 0: 'eax', 1: 'ecx', 2: 'edx', 3: 'ebx', 4: 'esp', 5: 'ebp', 6: 'esi', 7: 'edi', 8: 'eip', 9: 'eflags' },
  calleeSaved: new Set([3, 4, 5, 6, 7]),
};

/** AArch64 (0–30 x0–x30, 31 sp, 32 pc, 34 RA_SIGN_STATE). */
export const AARCH64: Arch = {
  machine: 183,
  name: 'aarch64',
  addressSize: 8,
  order: 'little',
  pc: 32,
  sp: 31,
  fp: 29,
  lr: 30,
  dwarfByName: { ...range(0, 31, (i) => `x${i}`), sp: 31, pc: 32 },
  names: { ...Object.fromEntries(Array.from({ length: 31 }, (_, i) => [i, `x${i}`])), 31: 'sp', 32: 'pc' },
  calleeSaved: new Set([19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31]),
};

/** RISC-V 64 (0–31 x0–x31: 1 ra, 2 sp, 8 s0/fp); the pc has no DWARF number, 64 stands for it here. */
export const RISCV64: Arch = {
  machine: 243,
  name: 'riscv64',
  addressSize: 8,
  order: 'little',
  pc: 64,
  sp: 2,
  fp: 8,
  lr: 1,
  dwarfByName: {
    pc: 64, ra: 1, sp: 2, gp: 3, tp: 4, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17,
    s2: 18, s3: 19, s4: 20, s5: 21, s6: 22, s7: 23, s8: 24, s9: 25, s10: 26, s11: 27, t3: 28, t4: 29, t5: 30, t6: 31,
  },
  names: { 1: 'ra', 2: 'sp', 8: 's0', 64: 'pc' },
  calleeSaved: new Set([2, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]),
};

/** ARM 32-bit (0–15 r0–r15: 11 fp, 13 sp, 14 lr, 15 pc). */
export const ARM: Arch = {
  machine: 40,
  name: 'arm',
  addressSize: 4,
  order: 'little',
  pc: 15,
  sp: 13,
  fp: 11,
  lr: 14,
  dwarfByName: { ...range(0, 13, (i) => `r${i}`), sp: 13, lr: 14, pc: 15 },
  names: { 11: 'fp', 13: 'sp', 14: 'lr', 15: 'pc' },
  calleeSaved: new Set([4, 5, 6, 7, 8, 9, 10, 11, 13]),
};

const ARCHES: Record<number, Arch> = { 62: X86_64, 3: I386, 183: AARCH64, 243: RISCV64, 40: ARM };

/** The architecture of ELF machine `machine`, or undefined when the unwinder does not know it. */
export function archOf(machine: number): Arch | undefined {
  return ARCHES[machine];
}
