import type { Arch } from '@elfkit/unwind';

/**
 * What the Go runtime's stack walk needs to know about a machine
 * (`internal/goarch` and `runtime/internal/sys`): whether calls leave the
 * return address in a link register, the fixed area at the bottom of every
 * frame (`sys.MinFrameSize`) and the stack alignment.
 */
export interface GoMachine {
  readonly arch: Arch;
  readonly ptrSize: 4 | 8;
  readonly order: 'little' | 'big';
  /** arm, arm64, riscv64…: the return address arrives in a register and the prologue saves it at the frame's bottom. */
  readonly usesLR: boolean;
  /** `sys.MinFrameSize`: bytes below a frame's arguments that belong to the callee (the saved LR on LR machines). */
  readonly minFrameSize: number;
  /** `sys.StackAlign`. */
  readonly stackAlign: number;
  /** `sys.PCQuantum`: the instruction alignment (1 on x86). */
  readonly pcQuantum: number;
  /** GOARCH, for messages. */
  readonly goarch: string;
}

const MACHINES: Record<number, Omit<GoMachine, 'arch' | 'ptrSize' | 'order'>> = {
  62: { usesLR: false, minFrameSize: 0, stackAlign: 8, pcQuantum: 1, goarch: 'amd64' },
  3: { usesLR: false, minFrameSize: 0, stackAlign: 4, pcQuantum: 1, goarch: '386' },
  183: { usesLR: true, minFrameSize: 8, stackAlign: 16, pcQuantum: 4, goarch: 'arm64' },
  40: { usesLR: true, minFrameSize: 4, stackAlign: 4, pcQuantum: 4, goarch: 'arm' },
  243: { usesLR: true, minFrameSize: 8, stackAlign: 8, pcQuantum: 4, goarch: 'riscv64' },
};

/** The Go facts of `arch`, or undefined for a machine this reader does not know. */
export function goMachine(arch: Arch): GoMachine | undefined {
  const m = MACHINES[arch.machine];
  return m && { ...m, arch, ptrSize: arch.addressSize, order: arch.order };
}
