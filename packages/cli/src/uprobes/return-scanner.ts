import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { CodeSegment } from './code-map.js';

/**
 * Finds the return instructions of a function: the places an entry uprobe
 * stands in for a uretprobe (which Go's moving stacks cannot survive).
 */
export interface ReturnScanner {
  /** What decodes the instructions (`iced-x86 1.21.0`, `fixed-width A64`). */
  readonly decoder: string;
  /** Positions (in `segment`'s bytes) of the return instructions of the code at [at, at + length). */
  scan(segment: CodeSegment, at: number, length: number): number[];
}

/**
 * The scanner for the file's machine: x86-64 and i386 through iced-x86 (a
 * real decoder: a linear sweep over the function, as objdump and every
 * eBPF Go tracer do; Go keeps no data in its text), AArch64 by its
 * fixed-width `RET` encodings. Undefined for other machines.
 */
export async function returnScanner(elf: ElfFile): Promise<ReturnScanner | undefined> {
  switch (elf.header.machine) {
    case C.EM_X86_64:
    case C.EM_386: {
      const { x86ReturnScanner } = await import('./x86-returns.js');
      return x86ReturnScanner(elf.header.machine === C.EM_X86_64 ? 64 : 32);
    }
    case C.EM_AARCH64: {
      const { arm64ReturnScanner } = await import('./arm64-returns.js');
      return arm64ReturnScanner(elf.header.order);
    }
    default:
      return undefined;
  }
}
