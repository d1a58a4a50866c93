import { constants as C, type ElfFile, type Segment } from '@elfkit/elf';

/** One executable PT_LOAD segment: where its code is in memory and in the file, and its bytes. */
export interface CodeSegment {
  readonly vaddr: bigint;
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
        return { vaddr: p.vaddr, offset: p.offset, size: p.filesz, segment: p, bytes: () => (data ??= elf.segmentData(p)) };
      });
  }

  /** The segment holding `vaddr` in its file bytes. */
  segmentAt(vaddr: bigint): CodeSegment | undefined {
    for (const s of this.segments) if (vaddr >= s.vaddr && vaddr < s.vaddr + BigInt(s.size)) return s;
    return undefined;
  }

  /** The file offset of `vaddr`, or undefined when no executable segment's file bytes hold it. */
  fileOffset(vaddr: bigint): number | undefined {
    const s = this.segmentAt(vaddr);
    return s ? s.offset + Number(vaddr - s.vaddr) : undefined;
  }

  /** The code bytes of [start, end) with the segment they are in; undefined when the range leaves the segment. */
  code(start: bigint, end: bigint): { segment: CodeSegment; at: number; bytes: Uint8Array } | undefined {
    const s = this.segmentAt(start);
    if (!s || end < start || end > s.vaddr + BigInt(s.size)) return undefined;
    const at = Number(start - s.vaddr);
    return { segment: s, at, bytes: s.bytes().subarray(at, at + Number(end - start)) };
  }
}
