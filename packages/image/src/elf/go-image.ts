import { constants as C, type ElfFile } from '@elfkit/elf';
import { readSegments, type GoImage, type ImageSection, type ImageSegment } from '@elfkit/gosym';

/**
 * An ELF file as the Go readers' image: sections with addresses, PT_LOAD
 * and PT_NOTE segments (read when first asked), no symbol table (the build
 * info does not need one).
 */
export function elfGoImage(elf: ElfFile): GoImage {
  const segments: ImageSegment[] = [];
  for (const p of elf.segments) {
    if (p.type !== C.PT_LOAD && p.type !== C.PT_NOTE) continue;
    let data: Uint8Array | undefined;
    segments.push({
      kind: p.type === C.PT_LOAD ? 'load' : 'note',
      address: p.vaddr,
      memorySize: p.memsz,
      fileSize: p.filesz,
      readable: (p.flags & C.PF_R) !== 0,
      writable: (p.flags & C.PF_W) !== 0,
      executable: (p.flags & C.PF_X) !== 0,
      align: Number(p.align),
      data: () => (data ??= elf.segmentData(p)),
    });
  }
  return {
    order: elf.header.order,
    pointerSize: elf.bits === 64 ? 8 : 4,
    hasSections: elf.sections.length > 0,
    segments,
    section(name): ImageSection | undefined {
      const s = elf.section(name);
      if (!s || s.type === C.SHT_NOBITS) return undefined;
      return { name, address: s.addr, size: s.size, data: () => elf.sectionData(s) };
    },
    symbol: () => undefined,
    read: (address, size) => elf.readVirtual(address, size) ?? readSegments(segments, address, size),
  };
}
