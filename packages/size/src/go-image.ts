import * as C from '@elfkit/elf/constants';
import type { ElfFile, Segment } from '@elfkit/elf';
import { type GoImage, type ImageSection, type ImageSegment, type ImageSymbol } from '@elfkit/gosym';

/**
 * An ELF PT_LOAD or PT_NOTE program header as the Go readers' segment.
 * Only constants are imported, so a caller that reads segments itself
 * (the stamp command) needs no more of the ELF reader.
 */
export function imageSegment(p: Segment, data: () => Uint8Array): ImageSegment {
  return {
    kind: p.type === C.PT_LOAD ? 'load' : 'note',
    address: p.vaddr,
    memorySize: p.memsz,
    fileSize: p.filesz,
    readable: (p.flags & C.PF_R) !== 0,
    writable: (p.flags & C.PF_W) !== 0,
    executable: (p.flags & C.PF_X) !== 0,
    align: Number(p.align),
    data,
  };
}

/**
 * An ELF file as the Go readers' {@link GoImage}: allocated sections,
 * PT_LOAD and PT_NOTE segments (read once, on first use), the static
 * symbol table and reads at addresses. Symbols may come from a separate
 * debug file when the binary has none.
 */
export function elfGoImage(elf: ElfFile, symbolsFrom: ElfFile = elf): GoImage {
  const sections = new Map<string, ImageSection | null>();
  const symbols = new Map<string, ImageSymbol | null>();
  const segments: ImageSegment[] = [];
  const loaded = new Map<ImageSegment, Uint8Array>();
  for (const p of elf.segments) {
    if (p.type !== C.PT_LOAD && p.type !== C.PT_NOTE) continue;
    const seg: ImageSegment = imageSegment(p, () => {
      let d = loaded.get(seg);
      if (!d) loaded.set(seg, (d = elf.segmentData(p)));
      return d;
    });
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
      let s = symbols.get(name);
      if (s === undefined) symbols.set(name, (s = findSymbol(symbolsFrom, name) ?? (symbolsFrom !== elf ? findSymbol(elf, name) : undefined) ?? null));
      return s ?? undefined;
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

/**
 * The first `.symtab` symbol called `name`, found by comparing the name's
 * bytes with the string table: the Go reader asks for a handful of names,
 * and decoding 46,000 symbols into objects to answer them would cost more
 * memory than the rest of a size report.
 */
function findSymbol(elf: ElfFile, name: string): ImageSymbol | undefined {
  const sec = elf.symbolTables('symtab')[0];
  if (!sec || sec.type === C.SHT_NOBITS) return undefined;
  const t = elf.symbolTable(sec);
  const strings = t.strtabBytes;
  const want = utf8(name);
  outer: for (let i = 1; i < t.count; i++) {
    const off = t.nameOffset(i);
    if (off + want.length >= strings.length || strings[off + want.length] !== 0) continue;
    for (let k = 0; k < want.length; k++) if (strings[off + k] !== want[k]) continue outer;
    return { address: t.value(i), size: t.size(i) };
  }
  return undefined;
}

/** `s` as UTF-8 bytes. */
function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}
