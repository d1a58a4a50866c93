import { isParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { GoImage, ImageSection, ImageSegment, ImageSymbol } from '@elfkit/gosym';
import { imageSegment } from './image-segment.js';

/**
 * Adapts an ELF file to the Go readers' GoImage: allocated sections with
 * file data, PT_LOAD and PT_NOTE segments, the static symbol table (looked
 * up by name bytes) and reads at virtual addresses. One adapter serves
 * every package and the CLI. Symbols may come from a separate debug file
 * (`symbolsFrom`) when the binary has none.
 */
export function goImage(elf: ElfFile, symbolsFrom: ElfFile = elf): GoImage {
  const sectionCache = new Map<string, ImageSection | null>();
  const found = new Map<string, ImageSymbol | null>();
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
      let s = sectionCache.get(name);
      if (s === undefined) {
        const sec = elf.section(name);
        if (!sec || sec.type === C.SHT_NOBITS) s = null;
        else {
          let data: Uint8Array | undefined;
          s = { name, address: sec.addr, size: sec.size, data: () => (data ??= elf.sectionData(sec)) };
        }
        sectionCache.set(name, s);
      }
      return s ?? undefined;
    },
    symbol(name) {
      let hit = found.get(name);
      if (hit === undefined) {
        hit = findSymbol(symbolsFrom, name) ?? (symbolsFrom !== elf ? findSymbol(elf, name) : undefined) ?? null;
        found.set(name, hit);
      }
      return hit ?? undefined;
    },
    read(address, size) {
      // A segment already read serves small reads (inline tree records,
      // string headers) without a system call; others read just the range.
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
 * Go's text, `[runtime.text, runtime.etext)` from the symbol table: the
 * pclntab's functions all lie there (an externally linked binary's C code
 * lies outside). Undefined when the symbol table does not say.
 */
export function goTextRange(elf: ElfFile): { readonly start: bigint; readonly end: bigint } | undefined {
  const text = findSymbol(elf, 'runtime.text');
  const etext = text && findSymbol(elf, 'runtime.etext');
  return text && etext && etext.address > text.address ? { start: text.address, end: etext.address } : undefined;
}

/**
 * The first `.symtab` symbol called `name`. The Go readers ask for a
 * handful of names among ~50,000 symbols: each is found by comparing bytes
 * in the string table, decoding none.
 */
function findSymbol(elf: ElfFile, name: string): ImageSymbol | undefined {
  const sec = elf.symbolTables('symtab')[0];
  if (!sec || sec.type === C.SHT_NOBITS) return undefined;
  let t;
  try {
    t = elf.symbolTable(sec);
  } catch (e) {
    // An unreadable table is as none: the Go reader finds its tables by section and moduledata, as in a
    // stripped binary (the damage is reported by whoever lists the symbols).
    if (isParseError(e)) return undefined;
    throw e;
  }
  const want = new TextEncoder().encode(name);
  const str = t.strtabBytes;
  outer: for (let i = 1; i < t.count; i++) {
    const off = t.nameOffset(i);
    if (off + want.length >= str.length || str[off + want.length] !== 0) continue;
    for (let k = 0; k < want.length; k++) if (str[off + k] !== want[k]) continue outer;
    return { address: t.value(i), size: t.size(i) };
  }
  return undefined;
}
