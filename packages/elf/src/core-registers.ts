// The general-purpose register block of NT_PRSTATUS (the kernel's
// `user_regs_struct` / `elf_gregset_t`) per machine: names in layout order.
import * as C from './constants.js';

/** The register block layout of one machine. */
export interface RegisterLayout {
  readonly machine: number;
  /** Register names, in the order the kernel stores them. */
  readonly names: readonly string[];
  /** Bytes per register (4 or 8). */
  readonly size: 4 | 8;
  /** The name of the program counter and of the stack pointer. */
  readonly pc: string;
  readonly sp: string;
}

const X86_64 = [
  'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax',
  'rip', 'cs', 'rflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
];
const I386 = ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'eax', 'ds', 'es', 'fs', 'gs', 'orig_eax', 'eip', 'cs', 'eflags', 'esp', 'ss'];
const AARCH64 = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'pstate'];
const ARM = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc', 'cpsr', 'orig_r0'];
const RISCV = [
  'pc', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

const LAYOUTS: Record<string, RegisterLayout> = {
  [`${C.EM_X86_64}/64`]: { machine: C.EM_X86_64, names: X86_64, size: 8, pc: 'rip', sp: 'rsp' },
  [`${C.EM_386}/32`]: { machine: C.EM_386, names: I386, size: 4, pc: 'eip', sp: 'esp' },
  [`${C.EM_AARCH64}/64`]: { machine: C.EM_AARCH64, names: AARCH64, size: 8, pc: 'pc', sp: 'sp' },
  [`${C.EM_ARM}/32`]: { machine: C.EM_ARM, names: ARM, size: 4, pc: 'pc', sp: 'sp' },
  [`${C.EM_RISCV}/64`]: { machine: C.EM_RISCV, names: RISCV, size: 8, pc: 'pc', sp: 'sp' },
};

/** The NT_PRSTATUS register layout of `machine` in an ELF of `bits`, or undefined for a machine elfkit does not know. */
export function registerLayout(machine: number, bits: 32 | 64): RegisterLayout | undefined {
  return LAYOUTS[`${machine}/${bits}`];
}

/** The registers of one thread as a core recorded them. */
export class CoreRegisters {
  constructor(
    readonly layout: RegisterLayout,
    /** Values in layout order. */
    readonly values: readonly bigint[],
  ) {}

  /** The value of the register called `name` (as in {@link RegisterLayout.names}). */
  get(name: string): bigint | undefined {
    const i = this.layout.names.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }

  /** The program counter. */
  get pc(): bigint {
    return this.get(this.layout.pc)!;
  }

  /** The stack pointer. */
  get sp(): bigint {
    return this.get(this.layout.sp)!;
  }

  /** `[name, value]` pairs in layout order. */
  entries(): [string, bigint][] {
    return this.layout.names.map((n, i) => [n, this.values[i]!]);
  }
}
