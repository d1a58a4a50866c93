import { constants as C, type ElfFile } from '@elfkit/elf';
import { type GoImage, type ImageSection, type ImageSegment, type ImageSymbol } from '@elfkit/gosym';

/**
 * An ELF file as the Go readers' {@link GoImage}: allocated sections,
 * PT_LOAD and PT_NOTE segments (read once, on first use), the static
 * symbol table and reads at addresses. Symbols may come from a separate
 * debug file when the binary has none.
 */
export function elfGoImage(elf: ElfFile, symbolsFrom: ElfFile = elf): GoImage {
  const sections = new Map<string, ImageSection | null>();
  let symbols: Map<string, ImageSymbol> | undefined;
  const segments: ImageSegment[] = [];
  const loaded = new Map<ImageSegment, Uint8Array>();
  for (const p of elf.segments) {
    if (p.type !== C.PT_LOAD && p.type !== C.PT_NOTE) continue;
    const seg: ImageSegment = {
      kind: p.type === C.PT_LOAD ? 'load' : 'note',
      address: p.vaddr,
      memorySize: p.memsz,
      fileSize: p.filesz,
      readable: (p.flags & C.PF_R) !== 0,
      writable: (p.flags & C.PF_W) !== 0,
      executable: (p.flags & C.PF_X) !== 0,
      align: Number(p.align),
      data: () => {
        let d = loaded.get(seg);
        if (!d) loaded.set(seg, (d = elf.segmentData(p)));
        return d;
      },
    };
    segments.push(seg);
  }
  return {
    order: elf.header.order,
    pointerSize: elf.bits === 64 ? 8 : 4,
    hasSections: elf.sections.length > 0,
    segments,
    section(name) {
      let s = sections.get(name);
      if (s === undefined) {
        const sec = elf.section(name);
        let data: Uint8Array | undefined;
        s = sec && sec.type !== C.SHT_NOBITS ? { name, address: sec.addr, size: sec.size, data: () => (data ??= elf.sectionData(sec)) } : null;
        sections.set(name, s);
      }
      return s ?? undefined;
    },
    symbol(name) {
      if (!symbols) {
        symbols = new Map();
        const from = symbolsFrom.symbols().length > 0 ? symbolsFrom : elf;
        for (const s of from.symbols()) if (!symbols.has(s.name)) symbols.set(s.name, { address: s.value, size: s.size });
      }
      return symbols.get(name);
    },
    read(address, size) {
      // A segment already read serves small reads; others read just the range.
      for (const [seg, d] of loaded) {
        if (seg.kind !== 'load' || address < seg.address || address + BigInt(size) > seg.address + BigInt(seg.fileSize)) continue;
        const rel = Number(address - seg.address);
        return d.subarray(rel, rel + size);
      }
      return elf.readVirtual(address, size);
    },
  };
}
