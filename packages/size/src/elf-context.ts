import type { ElfFile, Section, Segment } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Addresses as the size maps hold them: numbers. Object files have no
 * addresses, so a section's contents get a made-up range of their own
 * (section index × 2^32 + offset, as bloaty does with 2^40); files whose
 * addresses pass 2^53 (a kernel) are shifted down by their lowest segment
 * address so that numbers stay exact.
 */
export class ElfContext {
  readonly isObject: boolean;
  readonly fileSize: number;
  /** Subtracted from every address. */
  readonly bias: bigint;
  /** The PT_LOAD segments. */
  readonly loads: readonly Segment[];
  /** The PT_TLS segment, if any. */
  readonly tls: Segment | undefined;

  constructor(readonly elf: ElfFile) {
    this.isObject = elf.header.type === C.ET_REL;
    this.fileSize = elf.source.size;
    this.loads = elf.segments.filter((p) => p.type === C.PT_LOAD);
    this.tls = elf.segments.find((p) => p.type === C.PT_TLS);
    let max = 0n;
    let min: bigint | undefined;
    for (const p of this.loads) {
      if (p.vaddr + p.memsz > max) max = p.vaddr + p.memsz;
      if (min === undefined || p.vaddr < min) min = p.vaddr;
    }
    this.bias = max > MAX_SAFE && min !== undefined ? min : 0n;
  }

  /** An address as a number (NaN when it cannot be one). */
  address(a: bigint): number {
    const v = this.bias === 0n ? a : a - this.bias;
    return v >= 0n && v <= MAX_SAFE ? Number(v) : NaN;
  }

  /** An address already held as a number (below 2^53). */
  addressNumber(a: number): number {
    return this.bias === 0n ? a : this.address(BigInt(a));
  }

  /** The address of offset `value` of section `shndx` in an object file; `value` itself otherwise. */
  symbolAddress(value: bigint, shndx: number): number {
    if (!this.isObject) return this.address(value);
    return shndx * 0x1_0000_0000 + Number(BigInt.asUintN(32, value));
  }

  /** Where section `s` is in the address space (its made-up range in an object file). */
  sectionAddress(s: Section): number {
    return this.isObject ? s.index * 0x1_0000_0000 : this.address(s.addr);
  }

  /**
   * Bytes of `s` in memory: its size when SHF_ALLOC, else 0 (bloaty's
   * rule) — and 0 for `.tbss`, whose addresses are a template for each
   * thread's copy and overlap the sections after it (bloaty charges them
   * to `.tbss`, taking them from `.init_array` or whatever follows).
   */
  static sectionVmSize(s: Section): number {
    if (s.flags & C.SHF_TLS && s.type === C.SHT_NOBITS) return 0;
    return s.flags & C.SHF_ALLOC ? s.size : 0;
  }

  /** Bytes of `s` in the file: none for SHT_NOBITS. */
  static sectionFileSize(s: Section): number {
    return s.type === C.SHT_NOBITS || s.type === C.SHT_NULL ? 0 : s.size;
  }
}
