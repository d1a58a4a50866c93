import { constants as C, type ElfFile } from '@elfkit/elf';
import type { GoImage, ImageSection, ImageSegment } from '@elfkit/gosym';

/**
 * The Go readers' view of an ELF file, reduced to what finding the pclntab
 * needs (sections by name, loadable segments, reads at addresses).
 */
export function elfGoImage(elf: ElfFile): GoImage {
  const segments: ImageSegment[] = elf.segments
    .filter((p) => p.type === C.PT_LOAD || p.type === C.PT_NOTE)
    .map((p) => {
      let d: Uint8Array | undefined;
      return {
        kind: p.type === C.PT_LOAD ? 'load' : 'note',
        address: p.vaddr,
        memorySize: p.memsz,
        fileSize: p.filesz,
        readable: (p.flags & 4) !== 0,
        writable: (p.flags & 2) !== 0,
        executable: (p.flags & 1) !== 0,
        align: Number(p.align),
        data: () => (d ??= elf.segmentData(p)),
      };
    });
  return {
    order: elf.header.order,
    pointerSize: elf.bits === 64 ? 8 : 4,
    hasSections: elf.sections.length > 0,
    segments,
    section(name): ImageSection | undefined {
      const s = elf.section(name);
      if (!s || s.type === C.SHT_NOBITS) return undefined;
      let d: Uint8Array | undefined;
      return { name, address: s.addr, size: s.size, data: () => (d ??= elf.sectionData(s)) };
    },
    symbol(name) {
      const s = elf.symbol(name);
      return s ? { address: s.value, size: s.size } : undefined;
    },
    read: (address, size) => elf.readVirtual(address, size),
  };
}
