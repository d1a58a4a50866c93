import type { ElfFile, Section } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { ElfContext } from '../elf-context.js';
import { forEachEhFrameHdrEntry, forEachFde } from '../frames.js';
import type { MapBuilder } from '../map-builder.js';
import { SectionBytes } from '../section-bytes.js';

/**
 * The address symbol `i` of `table` stands for: its value (an object
 * file's section-relative value placed in the section's range; a TLS
 * offset placed in the PT_TLS image). NaN when it has none.
 */
function symbolAt(elf: ElfFile, sec: Section, i: number, ctx: ElfContext): number {
  const t = elf.symbolTable(sec);
  const type = t.info(i) & 0xf;
  const raw = t.rawShndx(i);
  if (type === C.STT_SECTION || raw === C.SHN_UNDEF || t.nameOffset(i) === 0) return NaN;
  if (type === C.STT_TLS && !ctx.isObject) return ctx.tls ? ctx.address(ctx.tls.vaddr + t.value(i)) : NaN;
  if (ctx.isObject && raw >= C.SHN_LORESERVE && raw !== C.SHN_XINDEX) return NaN;
  return ctx.symbolAddress(t.value(i), raw === C.SHN_XINDEX ? t.shndx(i) : raw);
}

/**
 * Symbol table entries and their names, charged to the label of the
 * address each symbol stands for (bloaty's ReadELFSymbolTableEntries):
 * `.symtab`/`.strtab` in the file, and `.dynsym`/`.dynstr` in memory too.
 */
function addSymbolEntries(b: MapBuilder, ctx: ElfContext): void {
  const elf = ctx.elf;
  for (const sec of elf.symbolTables('all')) {
    if (sec.type === C.SHT_NOBITS) continue;
    let t;
    let strtab: Section;
    try {
      t = elf.symbolTable(sec);
      strtab = elf.linkedSection(sec);
    } catch {
      continue;
    }
    if (strtab.type === C.SHT_NOBITS) continue;
    const names = t.strtabBytes;
    for (let i = 1; i < t.count; i++) {
      const at = symbolAt(elf, sec, i, ctx);
      if (Number.isNaN(at)) continue;
      const off = t.nameOffset(i);
      const nul = names.indexOf(0, off);
      if (off < names.length) b.addFileRangeFor(at, strtab.offset + off, (nul < 0 ? names.length : nul + 1) - off);
      b.addFileRangeFor(at, sec.offset + i * t.entsize, t.entsize);
    }
  }
}

/** Each REL/RELA entry, charged to the label of the address it relocates. */
function addRelocations(b: MapBuilder, ctx: ElfContext): void {
  const elf = ctx.elf;
  const is64 = elf.bits === 64;
  const le = elf.header.order === 'little';
  for (const sec of elf.sections) {
    if (sec.type !== C.SHT_REL && sec.type !== C.SHT_RELA) continue;
    const min = sec.type === C.SHT_RELA ? (is64 ? 24 : 12) : is64 ? 16 : 8;
    const entsize = sec.entsize >= min ? sec.entsize : min;
    let data: Uint8Array;
    try {
      data = elf.rawSectionData(sec);
    } catch {
      continue;
    }
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    // In an object file r_offset counts from the start of the section sh_info names.
    const target = ctx.isObject ? elf.sections[sec.info] : undefined;
    if (ctx.isObject && !target) continue;
    for (let at = 0; at + entsize <= data.length; at += entsize) {
      const off = is64 ? v.getUint32(at + (le ? 4 : 0), le) * 0x1_0000_0000 + v.getUint32(at + (le ? 0 : 4), le) : v.getUint32(at, le);
      const addr = target ? ctx.sectionAddress(target) + off : ctx.address(BigInt(off));
      if (!Number.isNaN(addr)) b.addFileRangeFor(addr, sec.offset + at, entsize);
    }
  }
}

/**
 * Each FDE of `.eh_frame` and `.debug_frame` and each `.eh_frame_hdr`
 * table entry, charged to the function it covers. `.debug_frame` is often
 * compressed (Go writes its CFI there): its FDEs get their share of the
 * compressed bytes.
 */
function addFrames(b: MapBuilder, ctx: ElfContext): void {
  const elf = ctx.elf;
  const addressSize = elf.bits === 64 ? 8 : 4;
  const order = elf.header.order;
  for (const sec of elf.sections) {
    if (sec.type === C.SHT_NOBITS) continue;
    const debugFrame = sec.name === '.debug_frame' || sec.name === '.zdebug_frame';
    if (sec.name !== '.eh_frame' && sec.name !== '.eh_frame_hdr' && !debugFrame) continue;
    let data: Uint8Array;
    try {
      data = elf.sectionData(sec);
    } catch {
      continue;
    }
    const address = debugFrame ? 0 : ctx.sectionAddress(sec);
    const bytes = SectionBytes.of(elf, sec);
    const charge = (off: number, len: number, pc: number) => {
      const s = bytes.fileOffset(off);
      // Addresses below 2^53 with no bias are already what the maps hold: no bigint per FDE.
      const at = ctx.isObject ? pc : ctx.bias === 0n && pc <= Number.MAX_SAFE_INTEGER ? Math.round(pc) : ctx.address(BigInt(Math.round(pc)));
      b.addFileRangeFor(at, s, bytes.fileOffset(off + len) - s);
    };
    if (sec.name === '.eh_frame_hdr') forEachEhFrameHdrEntry(data, address, order, addressSize, charge);
    else forEachFde({ data, address, order, addressSize, debugFrame }, charge);
  }
}

/**
 * The bytes that describe something at an address, charged to that
 * address's label: symbol table entries and names, relocations, unwind
 * entries. bloaty adds these after every source finer than sections.
 */
export function addElfTables(b: MapBuilder, ctx: ElfContext): void {
  addSymbolEntries(b, ctx);
  addRelocations(b, ctx);
  addFrames(b, ctx);
}
