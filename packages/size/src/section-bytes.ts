import type { ElfFile, Section } from '@elfkit/elf';

/**
 * Maps offsets in a section's contents to file offsets. For a compressed
 * section (SHF_COMPRESSED or `.zdebug_*`) a range of the decompressed
 * contents is charged its share of the compressed bytes: offsets are
 * scaled by compressed/uncompressed size, so the pieces of a section still
 * add up to exactly its file size (the compression header stays with the
 * section's fallback label). (bloaty decompresses them too, but its
 * ranges into the decompressed copy do not map back to the file.)
 */
export class SectionBytes {
  private readonly start: number;
  private readonly scale: number;
  /** True when offsets are scaled (the section is compressed). */
  readonly compressed: boolean;

  constructor(
    readonly section: Section,
    /** Size of the contents (decompressed). */
    readonly contentSize: number,
    headerSize: number,
  ) {
    this.start = section.offset + headerSize;
    this.compressed = headerSize > 0;
    this.scale = this.compressed && contentSize > 0 ? Math.max(0, section.size - headerSize) / contentSize : 1;
  }

  /** How `elf` stores section `s`. */
  static of(elf: ElfFile, s: Section): SectionBytes {
    let c;
    try {
      c = elf.compression(s);
    } catch {
      c = undefined;
    }
    if (!c || c.format === 'unknown') return new SectionBytes(s, s.size, 0);
    return new SectionBytes(s, c.size, c.headerSize);
  }

  /** The file range `[start, end)` holding contents `[a, b)`. */
  fileRange(a: number, b: number): [number, number] {
    return [this.fileOffset(a), this.fileOffset(b)];
  }

  /** The file offset that contents offset `a` maps to (a range's bounds map one by one: no pair made per range). */
  fileOffset(a: number): number {
    return this.compressed ? this.start + Math.floor(a * this.scale) : this.start + a;
  }
}
