import type { ElfFile, Segment } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';

/** One executable PT_LOAD segment: where its code is in memory and in the file, and its bytes. */
export interface CodeSegment {
  readonly vaddr: bigint;
  /** One past the last address with file bytes (`vaddr + size`), made once: uprobes asks for every function. */
  readonly end: bigint;
  /** p_offset: where the bytes are in the file. */
  readonly offset: number;
  /** p_filesz. */
  readonly size: number;
  readonly segment: Segment;
  /** The segment's file bytes (read on first use, once). */
  bytes(): Uint8Array;
}

/**
 * The executable segments of an ELF file and the translation from a
 * virtual address to a file offset that uprobes need
 * (`vaddr - p_vaddr + p_offset`, as cilium/ebpf and bcc compute it): only
 * addresses backed by file bytes of a PF_X PT_LOAD translate.
 */
export class CodeMap {
  readonly segments: readonly CodeSegment[];

  constructor(elf: ElfFile) {
    this.segments = elf.segments
      .filter((p) => p.type === C.PT_LOAD && (p.flags & C.PF_X) !== 0 && p.filesz > 0)
      .map((p) => {
        let data: Uint8Array | undefined;
        return { vaddr: p.vaddr, end: p.vaddr + BigInt(p.filesz), offset: p.offset, size: p.filesz, segment: p, bytes: () => (data ??= elf.segmentData(p)) };
      });
  }

  /** The segment holding `vaddr` in its file bytes. */
  segmentAt(vaddr: bigint): CodeSegment | undefined {
    for (const s of this.segments) if (vaddr >= s.vaddr && vaddr < s.end) return s;
    return undefined;
  }

  /**
   * How many bytes of code [start, end) has in `s`'s file bytes from `at`
   * (start's position there; cut where the bytes end), or undefined when
   * the range leaves the segment.
   */
  codeLength(s: CodeSegment, at: number, start: bigint, end: bigint): number | undefined {
    if (end < start || end > s.end) return undefined;
    return Math.max(0, Math.min(at + Number(end - start), s.bytes().length) - at);
  }
}
