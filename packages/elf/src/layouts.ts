import { Parser, structLayout, type StructLayout, type ByteOrder } from '@elfkit/binary';

/**
 * Fixed-layout ELF records, declared once and compiled by binary-parser into
 * one memoized set per (class, byte order), as pyelftools' `ELFStructs`.
 * 64-bit fields decode to bigint; the reader normalizes them.
 */
export interface RawHeader {
  e_type: number;
  e_machine: number;
  e_version: number;
  e_entry: number | bigint;
  e_phoff: number | bigint;
  e_shoff: number | bigint;
  e_flags: number;
  e_ehsize: number;
  e_phentsize: number;
  e_phnum: number;
  e_shentsize: number;
  e_shnum: number;
  e_shstrndx: number;
}
export interface RawSectionHeader {
  sh_name: number;
  sh_type: number;
  sh_flags: number | bigint;
  sh_addr: number | bigint;
  sh_offset: number | bigint;
  sh_size: number | bigint;
  sh_link: number;
  sh_info: number;
  sh_addralign: number | bigint;
  sh_entsize: number | bigint;
}
export interface RawProgramHeader {
  p_type: number;
  p_flags: number;
  p_offset: number | bigint;
  p_vaddr: number | bigint;
  p_paddr: number | bigint;
  p_filesz: number | bigint;
  p_memsz: number | bigint;
  p_align: number | bigint;
}
export interface RawSymbol {
  st_name: number;
  st_value: number | bigint;
  st_size: number | bigint;
  st_info: number;
  st_other: number;
  st_shndx: number;
}
export interface RawRel {
  r_offset: number | bigint;
  r_info: number | bigint;
  r_addend?: number | bigint;
}
export interface RawDyn {
  d_tag: number | bigint;
  d_val: number | bigint;
}
export interface RawChdr {
  ch_type: number;
  ch_size: number | bigint;
  ch_addralign: number | bigint;
}

/** The record layouts of one ELF class and byte order. */
export interface ElfLayouts {
  header: StructLayout<RawHeader>;
  sectionHeader: StructLayout<RawSectionHeader>;
  programHeader: StructLayout<RawProgramHeader>;
  symbol: StructLayout<RawSymbol>;
  rel: StructLayout<RawRel>;
  rela: StructLayout<RawRel>;
  dyn: StructLayout<RawDyn>;
  chdr: StructLayout<RawChdr>;
}

const cache = new Map<string, ElfLayouts>();

/** The layouts for ELFCLASS32 (`is64` false) or ELFCLASS64, in `order`; built once. */
export function elfLayouts(is64: boolean, order: ByteOrder): ElfLayouts {
  const key = `${is64 ? 64 : 32}${order}`;
  let l = cache.get(key);
  if (!l) {
    l = build(is64, order);
    cache.set(key, l);
  }
  return l;
}

function build(is64: boolean, order: ByteOrder): ElfLayouts {
  const p = () => new Parser().endianness(order);
  const word = (q: Parser, name: string) => (is64 ? q.uint64(name) : q.uint32(name));
  const sword = (q: Parser, name: string) => (is64 ? q.int64(name) : q.int32(name));

  let header = p().seek(16).uint16('e_type').uint16('e_machine').uint32('e_version');
  header = word(word(word(header, 'e_entry'), 'e_phoff'), 'e_shoff');
  header = header.uint32('e_flags').uint16('e_ehsize').uint16('e_phentsize').uint16('e_phnum').uint16('e_shentsize').uint16('e_shnum').uint16('e_shstrndx');

  let shdr = p().uint32('sh_name').uint32('sh_type');
  shdr = word(word(word(word(shdr, 'sh_flags'), 'sh_addr'), 'sh_offset'), 'sh_size');
  shdr = word(word(shdr.uint32('sh_link').uint32('sh_info'), 'sh_addralign'), 'sh_entsize');

  const phdr = is64
    ? p().uint32('p_type').uint32('p_flags').uint64('p_offset').uint64('p_vaddr').uint64('p_paddr').uint64('p_filesz').uint64('p_memsz').uint64('p_align')
    : p().uint32('p_type').uint32('p_offset').uint32('p_vaddr').uint32('p_paddr').uint32('p_filesz').uint32('p_memsz').uint32('p_flags').uint32('p_align');

  const sym = is64
    ? p().uint32('st_name').uint8('st_info').uint8('st_other').uint16('st_shndx').uint64('st_value').uint64('st_size')
    : p().uint32('st_name').uint32('st_value').uint32('st_size').uint8('st_info').uint8('st_other').uint16('st_shndx');

  const rel = word(word(p(), 'r_offset'), 'r_info');
  const rela = sword(word(word(p(), 'r_offset'), 'r_info'), 'r_addend');
  const dyn = word(sword(p(), 'd_tag'), 'd_val');
  const chdr = is64
    ? p().uint32('ch_type').uint32('ch_reserved').uint64('ch_size').uint64('ch_addralign')
    : p().uint32('ch_type').uint32('ch_size').uint32('ch_addralign');

  const bits = is64 ? 'ELF64' : 'ELF32';
  return {
    header: structLayout<RawHeader>(`${bits} file header`, header),
    sectionHeader: structLayout<RawSectionHeader>(`${bits} section header`, shdr),
    programHeader: structLayout<RawProgramHeader>(`${bits} program header`, phdr),
    symbol: structLayout<RawSymbol>(`${bits} symbol`, sym),
    rel: structLayout<RawRel>(`${bits} REL relocation`, rel),
    rela: structLayout<RawRel>(`${bits} RELA relocation`, rela),
    dyn: structLayout<RawDyn>(`${bits} dynamic entry`, dyn),
    chdr: structLayout<RawChdr>(`${bits} compression header`, chdr),
  };
}
