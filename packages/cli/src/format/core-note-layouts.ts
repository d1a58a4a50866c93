// How eu-readelf (elfutils 0.188) describes the core notes of each machine
// (its backends' *_corenote.c and *_regs.c): the items of NT_PRSTATUS and
// NT_PRPSINFO beyond the common ones, where each register sits in the
// register block, and each register's name, set, width and type. The
// printer in core-notes-text.ts lays them out as eu-readelf does.
import * as E from '@elfkit/elf/constants';

/** An ELF data type of a core item (`ELF_T_*`). */
export type ItemType = 'BYTE' | 'HALF' | 'WORD' | 'SWORD' | 'XWORD' | 'SXWORD';

/** One field of a core note (`Ebl_Core_Item`). */
export interface CoreItem {
  readonly name: string;
  /** Items of a group print together; a group ends the line. */
  readonly group: string;
  readonly offset: number;
  readonly type: ItemType;
  /** d decimal, x hex, B signal set, T timeval, c char, s string. */
  readonly format: 'd' | 'x' | 'B' | 'T' | 'c' | 's';
  readonly count?: number;
}

/** Where consecutive registers sit in a register block (`Ebl_Register_Location`). */
export interface RegisterLocation {
  readonly offset: number;
  /** DWARF number of the first register. */
  readonly regno: number;
  readonly count: number;
  readonly bits: number;
  /** Bytes of padding after each register. */
  readonly pad?: number;
}

/** A register's name, set, width and type (`ebl_register_info`). */
export interface RegisterInfo {
  readonly name: string;
  readonly set: string;
  readonly bits: number;
  readonly type: 'signed' | 'unsigned' | 'address' | 'float';
}

/** The notes of one machine as eu-readelf knows them. */
export interface MachineCoreLayout {
  /** Size of the register block of NT_PRSTATUS. */
  readonly regsSize: number;
  readonly prstatusRegs: readonly RegisterLocation[];
  /** Items inside the register block (offsets from its start): orig_rax, pc… */
  readonly prstatusItems: readonly CoreItem[];
  /** Types of pid_t and uid_t/gid_t. */
  readonly pidType: ItemType;
  readonly uidType: ItemType;
  /** NT_FPREGSET's size and registers, where eu-readelf decodes it. */
  readonly fpregset?: { readonly size: number; readonly regs: readonly RegisterLocation[]; readonly items?: readonly CoreItem[] };
  registerInfo(regno: number): RegisterInfo | undefined;
  /** Names of AT_HWCAP bits, where eu-readelf prints them. */
  readonly hwcap?: readonly string[];
}

const X86_HWCAP = [
  'fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '10', 'sep', 'mtrr', 'pge', 'mca', 'cmov',
  'pat', 'pse36', 'pn', 'clflush', '20', 'dts', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe',
];
const ARM_HWCAP = ['swp', 'half', 'thumb', '26bit', 'fast-mult', 'fpa', 'vfp', 'edsp', 'java', 'iwmmxt', 'crunch', 'thumbee'];

const X86_64_GPR = ['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip'];
const SEGMENTS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

function x86_64Info(regno: number): RegisterInfo | undefined {
  if (regno <= 16) return { name: X86_64_GPR[regno]!, set: 'integer', bits: 64, type: regno === 6 || regno === 7 || regno === 16 ? 'address' : 'signed' };
  if (regno <= 32) return { name: `xmm${regno - 17}`, set: 'SSE', bits: 128, type: 'unsigned' };
  if (regno <= 40) return { name: `st${regno - 33}`, set: 'x87', bits: 80, type: 'float' };
  if (regno <= 48) return { name: `mm${regno - 41}`, set: 'MMX', bits: 64, type: 'unsigned' };
  if (regno === 49) return { name: 'rflags', set: 'integer', bits: 64, type: 'unsigned' };
  if (regno <= 55) return { name: SEGMENTS[regno - 50]!, set: 'segment', bits: 16, type: 'unsigned' };
  if (regno === 58 || regno === 59) return { name: regno === 58 ? 'fs.base' : 'gs.base', set: 'segment', bits: 64, type: 'address' };
  if (regno === 62 || regno === 63) return { name: regno === 62 ? 'tr' : 'ldtr', set: 'segment', bits: 16, type: 'unsigned' };
  if (regno === 64) return { name: 'mxcsr', set: 'x87', bits: 64, type: 'unsigned' };
  if (regno === 65 || regno === 66) return { name: regno === 65 ? 'fcw' : 'fsw', set: 'x87', bits: 16, type: 'unsigned' };
  return undefined;
}

const I386_GPR = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'trapno'];

function i386Info(regno: number): RegisterInfo | undefined {
  if (regno <= 10) return { name: I386_GPR[regno]!, set: 'integer', bits: 32, type: regno === 4 || regno === 5 || regno === 8 ? 'address' : regno === 9 ? 'unsigned' : 'signed' };
  if (regno >= 11 && regno <= 18) return { name: `st${regno - 11}`, set: 'x87', bits: 80, type: 'float' };
  if (regno >= 21 && regno <= 28) return { name: `xmm${regno - 21}`, set: 'SSE', bits: 128, type: 'unsigned' };
  if (regno >= 29 && regno <= 36) return { name: `mm${regno - 29}`, set: 'MMX', bits: 64, type: 'unsigned' };
  if (regno === 37 || regno === 38) return { name: regno === 37 ? 'fctrl' : 'fstat', set: 'FPU-control', bits: 16, type: 'unsigned' };
  if (regno === 39) return { name: 'mxcsr', set: 'FPU-control', bits: 32, type: 'unsigned' };
  if (regno >= 40 && regno <= 45) return { name: SEGMENTS[regno - 40]!, set: 'segment', bits: 16, type: 'unsigned' };
  return undefined;
}

function aarch64Info(regno: number): RegisterInfo | undefined {
  if (regno <= 30) return { name: `x${regno}`, set: 'integer', bits: 64, type: 'signed' };
  if (regno === 31) return { name: 'sp', set: 'integer', bits: 64, type: 'address' };
  if (regno === 33) return { name: 'elr', set: 'integer', bits: 64, type: 'address' };
  if (regno >= 64 && regno <= 95) return { name: `v${regno - 64}`, set: 'FP/SIMD', bits: 128, type: 'unsigned' };
  return undefined;
}

function armInfo(regno: number): RegisterInfo | undefined {
  if (regno <= 12) return { name: `r${regno}`, set: 'integer', bits: 32, type: 'signed' };
  if (regno <= 15) return { name: ['sp', 'lr', 'pc'][regno - 13]!, set: 'integer', bits: 32, type: 'address' };
  if (regno === 128) return { name: 'spsr', set: 'integer', bits: 32, type: 'unsigned' };
  if (regno >= 256 && regno <= 287) return { name: `d${regno - 256}`, set: 'VFP', bits: 64, type: 'float' };
  return undefined;
}

const RISCV_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

function riscvInfo(regno: number): RegisterInfo | undefined {
  if (regno <= 31) return { name: RISCV_NAMES[regno]!, set: 'integer', bits: 64, type: regno === 1 || regno === 2 ? 'address' : 'signed' };
  if (regno <= 63) return { name: `f${regno - 32}`, set: 'FPU', bits: 64, type: 'float' };
  return undefined;
}

const LAYOUTS: Record<string, MachineCoreLayout> = {
  [`${E.EM_X86_64}/64`]: {
    regsSize: 27 * 8,
    prstatusRegs: [
      ...[15, 14, 13, 12, 6, 3, 11, 10, 9, 8, 0, 2, 1].map((regno, i) => ({ offset: i * 8, regno, count: 1, bits: 64 })),
      { offset: 13 * 8, regno: 4, count: 2, bits: 64 },
      { offset: 16 * 8, regno: 16, count: 1, bits: 64 },
      { offset: 17 * 8, regno: 51, count: 1, bits: 16, pad: 6 },
      { offset: 18 * 8, regno: 49, count: 1, bits: 64 },
      { offset: 19 * 8, regno: 7, count: 1, bits: 64 },
      { offset: 20 * 8, regno: 52, count: 1, bits: 16, pad: 6 },
      { offset: 21 * 8, regno: 58, count: 2, bits: 64 },
      { offset: 23 * 8, regno: 53, count: 1, bits: 16, pad: 6 },
      { offset: 24 * 8, regno: 50, count: 1, bits: 16, pad: 6 },
      { offset: 25 * 8, regno: 54, count: 2, bits: 16, pad: 6 },
    ],
    prstatusItems: [{ name: 'orig_rax', group: 'register', offset: 15 * 8, type: 'SXWORD', format: 'd' }],
    pidType: 'SWORD',
    uidType: 'SWORD',
    fpregset: {
      size: 512,
      regs: [
        { offset: 0, regno: 65, count: 2, bits: 16 },
        { offset: 24, regno: 64, count: 1, bits: 32 },
        { offset: 32, regno: 33, count: 8, bits: 80, pad: 6 },
        { offset: 160, regno: 17, count: 16, bits: 128 },
      ],
    },
    registerInfo: x86_64Info,
    hwcap: X86_HWCAP,
  },
  [`${E.EM_386}/32`]: {
    regsSize: 17 * 4,
    prstatusRegs: [
      { offset: 0, regno: 3, count: 1, bits: 32 },
      { offset: 4, regno: 1, count: 2, bits: 32 },
      { offset: 12, regno: 6, count: 2, bits: 32 },
      { offset: 20, regno: 5, count: 1, bits: 32 },
      { offset: 24, regno: 0, count: 1, bits: 32 },
      { offset: 28, regno: 43, count: 1, bits: 16, pad: 2 },
      { offset: 32, regno: 40, count: 1, bits: 16, pad: 2 },
      { offset: 36, regno: 44, count: 1, bits: 16, pad: 2 },
      { offset: 40, regno: 45, count: 1, bits: 16, pad: 2 },
      { offset: 48, regno: 8, count: 1, bits: 32 },
      { offset: 52, regno: 41, count: 1, bits: 16, pad: 2 },
      { offset: 56, regno: 9, count: 1, bits: 32 },
      { offset: 60, regno: 4, count: 1, bits: 32 },
      { offset: 64, regno: 42, count: 1, bits: 16, pad: 2 },
    ],
    prstatusItems: [{ name: 'orig_eax', group: 'register', offset: 44, type: 'SWORD', format: 'd' }],
    pidType: 'SWORD',
    uidType: 'HALF',
    fpregset: {
      size: 108,
      regs: [
        { offset: 0, regno: 37, count: 2, bits: 16, pad: 2 },
        { offset: 28, regno: 11, count: 8, bits: 80 },
      ],
    },
    registerInfo: i386Info,
    hwcap: X86_HWCAP,
  },
  [`${E.EM_AARCH64}/64`]: {
    regsSize: 34 * 8,
    prstatusRegs: [{ offset: 0, regno: 0, count: 32, bits: 64 }],
    prstatusItems: [
      { name: 'pc', group: 'register', offset: 32 * 8, type: 'XWORD', format: 'x' },
      { name: 'pstate', group: 'register', offset: 33 * 8, type: 'XWORD', format: 'x' },
    ],
    pidType: 'SWORD',
    uidType: 'WORD',
    fpregset: {
      size: 528,
      regs: [{ offset: 0, regno: 64, count: 32, bits: 128 }],
      items: [
        { name: 'fpsr', group: 'register', offset: 512, type: 'WORD', format: 'x' },
        { name: 'fpcr', group: 'register', offset: 516, type: 'WORD', format: 'x' },
      ],
    },
    registerInfo: aarch64Info,
  },
  [`${E.EM_ARM}/32`]: {
    regsSize: 18 * 4,
    prstatusRegs: [
      { offset: 0, regno: 0, count: 16, bits: 32 },
      { offset: 64, regno: 128, count: 1, bits: 32 },
    ],
    prstatusItems: [{ name: 'orig_r0', group: 'register', offset: 68, type: 'SWORD', format: 'd' }],
    pidType: 'SWORD',
    uidType: 'HALF',
    registerInfo: armInfo,
    hwcap: ARM_HWCAP,
  },
  [`${E.EM_RISCV}/64`]: {
    regsSize: 32 * 8,
    prstatusRegs: [{ offset: 8, regno: 1, count: 31, bits: 64 }],
    prstatusItems: [{ name: 'pc', group: 'register', offset: 0, type: 'XWORD', format: 'x' }],
    pidType: 'SWORD',
    uidType: 'WORD',
    registerInfo: riscvInfo,
  },
};

/** eu-readelf's description of `machine`'s core notes, or undefined where it has none. */
export function machineCoreLayout(machine: number, bits: 32 | 64): MachineCoreLayout | undefined {
  return LAYOUTS[`${machine}/${bits}`];
}
