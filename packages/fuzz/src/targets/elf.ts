// Targets over whole ELF files: one per part of @elfkit/elf that decodes a
// table, each aiming its mutations at that table and reading it back the
// way the CLI's commands do.
import { constants as C, dynamicValueText, isRewriteError, relocTypeName, rewriteElf, symbolDisplayName, type ElfFile, type Section } from '@elfkit/elf';
import { elfTarget, type ElfFields, type Region } from '../elf-target.js';
import type { Probe } from '../target.js';

/** Small C, C++, object and Go files of every class, byte order and machine the fixtures have. */
const SMALL = ['c/gcc-pie', 'c/gcc-m32', 'c/gcc-relr', 'c/gcc-stripped', 'c/gcc-aarch64', 'c/clang-O2', 'obj/ppc64.o', 'obj/mips64le.o', 'obj/mips.o', 'obj/s390x.o', 'obj/arm.o', 'obj/riscv64.o'];

const sectionsOfType = (elf: ElfFile, ...types: number[]) => elf.sections.filter((s) => types.includes(s.type));

/** Header fields and the section and program header tables: what every other read starts from. */
function tables(elf: ElfFile, f: ElfFields): Region[] {
  const h = elf.header;
  f.fileHeader();
  f.table(elf.layouts.programHeader, h.phoff, h.phnum, h.phentsize);
  f.table(elf.layouts.sectionHeader, h.shoff, h.shnum, h.shentsize);
  return [
    [0, h.ehsize],
    [h.phoff, h.phoff + h.phnum * h.phentsize],
    [h.shoff, h.shoff + h.shnum * h.shentsize],
  ];
}

/** The section header of each of `sections` plus their bytes (at most `cap`) as regions. */
function sectionRegions(f: ElfFields, sections: readonly Section[], cap = 4096): Region[] {
  for (const s of sections) f.sectionHeader(s);
  return sections.filter((s) => s.type !== C.SHT_NOBITS).map((s) => f.range(s, cap));
}

function readAllSections(elf: ElfFile, p: Probe) {
  const sections = p.attempt(() => elf.sections) ?? [];
  for (const s of sections) {
    p.attempt(() => elf.compression(s));
    p.attempt(() => elf.rawSectionData(s));
  }
  p.attempt(() => elf.section('.text'));
  p.attempt(() => elf.debugSection('.debug_info'));
  return sections.length;
}

export const elfHeader = elfTarget({
  name: 'elf-header',
  describe: 'file header, program and section header tables, section names, the section-to-segment mapping, interpreter',
  fixtures: [...SMALL, 'c/gcc-split.dwp', 'c/gcc-nopie'],
  structure: (elf, f) => {
    const shstrtab = elf.sections[elf.header.shstrndx];
    return [...tables(elf, f), ...(shstrtab ? [f.range(shstrtab)] : [])];
  },
  read: (elf, p) => {
    const n = readAllSections(elf, p);
    p.attempt(() => elf.segments);
    p.attempt(() => elf.sectionToSegmentMapping());
    p.attempt(() => elf.interpreter());
    p.attempt(() => elf.isPie());
    p.attempt(() => elf.readVirtual(elf.header.entry, 16));
    p.attempt(() => elf.loadSegmentAt(elf.header.entry));
    return n;
  },
});

export const elfSymbols = elfTarget({
  name: 'elf-symbols',
  describe: '.symtab and .dynsym with their string tables and SHT_SYMTAB_SHNDX, display names',
  fixtures: SMALL,
  structure: (elf, f) => {
    const tabs = sectionsOfType(elf, C.SHT_SYMTAB, C.SHT_DYNSYM);
    for (const t of tabs) f.table(elf.layouts.symbol, t.offset, Math.floor(t.size / elf.layouts.symbol.size), elf.layouts.symbol.size, 128);
    const linked = tabs.map((t) => elf.sections[t.link]).filter((s): s is Section => !!s);
    return [...sectionRegions(f, [...tabs, ...linked, ...sectionsOfType(elf, C.SHT_SYMTAB_SHNDX)], 1 << 20), ...tables(elf, f)];
  },
  read: (elf, p) => {
    let n = 0;
    for (const s of p.attempt(() => elf.symbolTables()) ?? []) {
      const t = p.attempt(() => elf.symbolTable(s));
      if (!t) continue;
      for (let i = 0; i < t.count; i++) {
        const sym = p.attempt(() => t.get(i));
        if (sym) p.attempt(() => symbolDisplayName(sym, elf.sections));
        p.attempt(() => [t.valueHigh(i), t.valueLow(i), t.sizeNumber(i), t.nameOffset(i)]);
        n++;
      }
    }
    p.attempt(() => elf.symbol('main'));
    return n;
  },
});

export const elfVersions = elfTarget({
  name: 'elf-versions',
  describe: 'GNU symbol versions: .gnu.version, .gnu.version_d, .gnu.version_r',
  fixtures: ['c/gcc-pie', 'c/gcc-m32', 'c/gcc-relr', 'c/gcc-aarch64', 'cpp/gxx-dwarf5', 'c/gcc-nopie'],
  structure: (elf, f) => {
    const vs = sectionsOfType(elf, C.SHT_GNU_versym, C.SHT_GNU_verdef, C.SHT_GNU_verneed);
    // verneed/verdef records are u16/u32 fields in a chain: name every aligned word and half.
    for (const s of vs) for (let at = s.offset; at < s.offset + Math.min(s.size, 512); at += 2) f.uint(at, at % 4 === 0 ? 4 : 2);
    return [...sectionRegions(f, [...vs, ...sectionsOfType(elf, C.SHT_DYNSYM)]), ...tables(elf, f)];
  },
  read: (elf, p) => {
    let n = 0;
    for (const s of p.attempt(() => elf.symbolTables('dynsym')) ?? []) {
      const t = p.attempt(() => elf.symbolTable(s));
      for (let i = 0; t && i < t.count; i++) if (p.attempt(() => t.version(i))) n++;
    }
    return n;
  },
});

export const elfNotes = elfTarget({
  name: 'elf-notes',
  describe: 'notes from SHT_NOTE sections and PT_NOTE segments, decoded (build ids, ABI tag, GNU properties, Go build id, package metadata)',
  fixtures: ['c/gcc-pie', 'c/gcc-m32', 'c/gcc-aarch64', 'go/go1.27-arm-sw', 'go/go1.19-mips', 'obj/s390x.o', 'c/gcc-static'],
  structure: (elf, f) => {
    const notes = sectionsOfType(elf, C.SHT_NOTE);
    for (const s of notes) for (let at = s.offset; at < s.offset + Math.min(s.size, 512); at += 4) f.uint(at, 4);
    const segs = elf.segments.filter((p) => p.type === C.PT_NOTE);
    for (const p of segs) f.struct(elf.layouts.programHeader, elf.header.phoff + p.index * elf.header.phentsize);
    return [...sectionRegions(f, notes), ...segs.map((p): Region => [p.offset, p.offset + Math.min(p.filesz, 4096)]), ...tables(elf, f)];
  },
  read: (elf, p) => {
    const notes = [...(p.attempt(() => elf.notes()) ?? []), ...(p.attempt(() => elf.segmentNotes()) ?? [])];
    for (const n of notes) p.attempt(() => elf.decodeNote(n));
    p.attempt(() => elf.buildId());
    p.attempt(() => elf.goBuildId());
    return notes.length;
  },
});

export const elfDynamic = elfTarget({
  name: 'elf-dynamic',
  describe: 'the dynamic section (through .dynamic or PT_DYNAMIC), its strings through DT_STRTAB/DT_STRSZ, value text',
  fixtures: ['c/gcc-pie', 'c/gcc-m32', 'c/gcc-relr', 'c/gcc-aarch64', 'c/gcc-nopie', 'cpp/gxx-dwarf5'],
  structure: (elf, f) => {
    const dyn = sectionsOfType(elf, C.SHT_DYNAMIC);
    for (const s of dyn) f.table(elf.layouts.dyn, s.offset, Math.floor(s.size / elf.layouts.dyn.size));
    const str = dyn.map((s) => elf.sections[s.link]).filter((s): s is Section => !!s);
    return [...sectionRegions(f, [...dyn, ...str]), ...tables(elf, f)];
  },
  read: (elf, p) => {
    const entries = p.attempt(() => elf.dynamic()) ?? [];
    for (const e of entries) p.attempt(() => dynamicValueText(e, elf.header.machine));
    return entries.length;
  },
});

export const elfRelocations = elfTarget({
  name: 'elf-relocations',
  describe: 'REL, RELA, RELR and MIPS64 relocation tables with their symbols and type names',
  fixtures: ['c/gcc-pie', 'c/gcc-m32', 'c/gcc-relr', 'obj/mips64le.o', 'obj/ppc64.o', 'obj/s390x.o', 'obj/arm.o', 'obj/riscv64.o', 'obj/amd64.o', 'obj/386.o'],
  structure: (elf, f) => {
    const rel = sectionsOfType(elf, C.SHT_REL, C.SHT_RELA, C.SHT_RELR);
    for (const s of rel) {
      const codec = s.type === C.SHT_RELA ? elf.layouts.rela : elf.layouts.rel;
      if (s.type === C.SHT_RELR) f.uints(s.offset, elf.bits / 8, Math.min(64, s.size / (elf.bits / 8)));
      else f.table(codec, s.offset, Math.floor(s.size / codec.size), codec.size, 64);
    }
    return [...sectionRegions(f, rel), ...tables(elf, f)];
  },
  read: (elf, p) => {
    let n = 0;
    for (const t of p.attempt(() => elf.relocationTables()) ?? []) {
      const syms = t.symbolTable ? p.attempt(() => elf.symbolsOf(t.symbolTable!)) : undefined;
      for (const r of t.relocations) {
        n++;
        relocTypeName(elf.header.machine, r.type);
        const s = syms?.[r.symbolIndex];
        if (s) p.attempt(() => symbolDisplayName(s, elf.sections, 'relocation'));
      }
    }
    return n;
  },
});

export const elfCompression = elfTarget({
  name: 'elf-compression',
  describe: 'compressed sections: Elf32/64_Chdr with zlib and zstd streams, legacy .zdebug_* (pure-JS decoders)',
  fixtures: ['c/gcc-zlib', 'c/gcc-zstd', 'c/gcc-zdebug'],
  structure: (elf, f) => {
    const comp = elf.sections.filter((s) => (s.flags & C.SHF_COMPRESSED) !== 0 || s.name.startsWith('.zdebug'));
    for (const s of comp) {
      if (s.flags & C.SHF_COMPRESSED) f.struct(elf.layouts.chdr, s.offset);
      else f.uint(s.offset + 4, 8);
      // The first bytes of the stream: zlib header, zstd frame header, deflate block headers.
      const head = s.offset + (s.flags & C.SHF_COMPRESSED ? elf.layouts.chdr.size : 12);
      for (let i = 0; i < 16; i++) f.uint(head + i, 1);
    }
    return [...sectionRegions(f, comp, 1 << 20), ...tables(elf, f)];
  },
  read: (elf, p) => {
    let total = 0;
    for (const s of p.attempt(() => elf.sections) ?? []) {
      if (!((s.flags & C.SHF_COMPRESSED) !== 0 || s.name.startsWith('.zdebug'))) continue;
      p.attempt(() => elf.compression(s));
      total += p.attempt(() => elf.sectionData(s).length) ?? 0;
    }
    return total;
  },
});

export const elfRewrite = elfTarget({
  name: 'elf-rewrite',
  describe: 'the rewriter reading a damaged file: add, update, rename and remove a section, then read the output back',
  fixtures: ['c/gcc-pie', 'c/gcc-m32', 'obj/s390x.o', 'c/gcc-stripped'],
  structure: (elf, f) => {
    const shstrtab = elf.sections[elf.header.shstrndx];
    return [...tables(elf, f), ...(shstrtab ? [f.range(shstrtab)] : [])];
  },
  typedErrors: isRewriteError,
  read: (elf, p) => {
    const bytes = p.attempt(() => elf.source.read(0, elf.source.size));
    if (!bytes) return 0;
    const data = new TextEncoder().encode('fuzz');
    const out = p.attempt(() =>
      rewriteElf(bytes, [
        { op: 'add', name: '.fuzz', data },
        { op: 'rename', name: '.comment', to: '.c' },
      ]),
    );
    const removed = p.attempt(() => rewriteElf(bytes, [{ op: 'remove', name: '.comment' }]));
    return (out?.length ?? 0) + (removed?.length ?? 0);
  },
});

/** The ELF targets. */
export const elfTargets = [elfHeader, elfSymbols, elfVersions, elfNotes, elfDynamic, elfRelocations, elfCompression, elfRewrite];
