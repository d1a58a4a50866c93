// Test helper: a GoImage over an ELF file's bytes, through @elfkit/elf (the
// CLI has its own adapter; the package under test must not depend on it).
import { ElfFile, constants as C } from '@elfkit/elf';
import { memoryImage, type GoImage } from '../dist/index.js';

/** The ELF file and a GoImage of `bytes` (sections, PT_LOAD/PT_NOTE segments, .symtab). */
export function elfImage(bytes: Uint8Array): { elf: ElfFile; image: GoImage } {
  const elf = ElfFile.parse(bytes);
  const flags = (f: number) => `${f & C.PF_R ? 'r' : ''}${f & C.PF_W ? 'w' : ''}${f & C.PF_X ? 'x' : ''}`;
  const symbols: Record<string, { address: bigint; size: bigint }> = {};
  for (const s of elf.symbols()) symbols[s.name] ??= { address: s.value, size: s.size };
  const image = memoryImage({
    order: elf.header.order,
    pointerSize: elf.bits === 64 ? 8 : 4,
    sections: elf.sections
      .filter((s) => s.type !== C.SHT_NOBITS && (s.flags & C.SHF_ALLOC) !== 0)
      .map((s) => ({ name: s.name, address: s.addr, data: elf.sectionData(s) })),
    segments: elf.segments
      .filter((p) => p.type === C.PT_LOAD || p.type === C.PT_NOTE)
      .map((p) => ({ kind: p.type === C.PT_LOAD ? ('load' as const) : ('note' as const), address: p.vaddr, memorySize: p.memsz, data: elf.segmentData(p), flags: flags(p.flags), align: Number(p.align) })),
    symbols,
  });
  return { elf, image };
}

/**
 * A copy of an ELF file with its section header table gone (e_shoff,
 * e_shnum and e_shstrndx zeroed), as sstrip and some packers leave them:
 * only program headers remain.
 */
export function withoutSections(bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  const is64 = b[4] === 2;
  const zero = (at: number, n: number) => b.fill(0, at, at + n);
  if (is64) {
    zero(0x28, 8);
    zero(0x3c, 2);
    zero(0x3e, 2);
  } else {
    zero(0x20, 4);
    zero(0x30, 2);
    zero(0x32, 2);
  }
  return b;
}
