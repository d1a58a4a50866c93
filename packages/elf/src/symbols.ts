import { ParseError } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfFile } from './file.js';
import type { Section } from './section.js';
import { readSymbolVersions, type SymbolVersion } from './versions.js';

/** A symbol table entry. */
export interface ElfSymbol {
  /** Index in its table. */
  readonly index: number;
  /** Name from the linked string table (`<corrupt>` when st_name is out of range). */
  readonly name: string;
  /** st_value. */
  readonly value: bigint;
  /** st_size. */
  readonly size: bigint;
  /** ELF_ST_TYPE(st_info) (STT_*). */
  readonly type: number;
  /** ELF_ST_BIND(st_info) (STB_*). */
  readonly bind: number;
  /** ELF_ST_VISIBILITY(st_other) (STV_*). */
  readonly visibility: number;
  /** st_other in full (processor bits above the visibility). */
  readonly other: number;
  /**
   * Section index, resolved through SHT_SYMTAB_SHNDX when st_shndx is
   * SHN_XINDEX; otherwise st_shndx (including SHN_UNDEF, SHN_ABS, SHN_COMMON).
   */
  readonly shndx: number;
  /** st_shndx as stored. */
  readonly rawShndx: number;
  /** GNU symbol version (dynamic symbols of files with `.gnu.version`). */
  readonly version?: SymbolVersion;
}

/** Reads every symbol of a SHT_SYMTAB or SHT_DYNSYM section. */
export function readSymbolTable(file: ElfFile, section: Section): ElfSymbol[] {
  const recsize = file.header.bits === 64 ? 24 : 16;
  if (section.type === C.SHT_NOBITS) return [];
  const entsize = section.entsize || recsize;
  if (entsize < recsize) throw new ParseError('invalid', `symbol entry size ${entsize} is smaller than ${recsize}`, section.name, 0);
  const data = file.sectionData(section);
  const count = Math.floor(data.length / entsize);
  const strtab = file.stringTable(file.linkedSection(section));

  // SHT_SYMTAB_SHNDX holds the real section index of symbols whose st_shndx is SHN_XINDEX.
  let shndxTable: Uint8Array | undefined;
  const shndxSection = file.sections.find((s) => s.type === C.SHT_SYMTAB_SHNDX && s.link === section.index);

  const le = file.header.order === 'little';
  const is64 = file.header.bits === 64;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Symbol tables are the largest fixed-layout tables (46,000 entries in a Go
  // binary); decoding them straight from the DataView into the final objects
  // is several times faster than a binary-parser pass plus a normalizing
  // copy, and listing symbols is a benchmarked path.
  const stShndx = (i: number) => dv.getUint16(i * entsize + (is64 ? 6 : 14), le);
  const shndxOf = (i: number): number => {
    const raw = stShndx(i);
    if (raw !== C.SHN_XINDEX) return raw;
    if (!shndxTable) {
      if (!shndxSection) throw new ParseError('invalid', `symbol ${i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section`, section.name, i * entsize);
      shndxTable = file.sectionData(shndxSection);
    }
    if ((i + 1) * 4 > shndxTable.length) throw new ParseError('truncated', `no extended section index for symbol ${i}`, shndxSection!.name, i * 4);
    return new DataView(shndxTable.buffer, shndxTable.byteOffset, shndxTable.byteLength).getUint32(i * 4, le);
  };
  const versions = section.type === C.SHT_DYNSYM ? readSymbolVersions(file, section, (i) => (i < count ? shndxOf(i) : undefined)) : undefined;
  const out: ElfSymbol[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * entsize;
    const info = data[o + (is64 ? 4 : 12)]!;
    const other = data[o + (is64 ? 5 : 13)]!;
    const raw = stShndx(i);
    out[i] = {
      index: i,
      name: strtab.tryGet(dv.getUint32(o, le)),
      value: is64 ? dv.getBigUint64(o + 8, le) : BigInt(dv.getUint32(o + 4, le)),
      size: is64 ? dv.getBigUint64(o + 16, le) : BigInt(dv.getUint32(o + 8, le)),
      type: info & 0xf,
      bind: info >> 4,
      visibility: other & 3,
      other,
      shndx: raw === C.SHN_XINDEX ? shndxOf(i) : raw,
      rawShndx: raw,
      version: versions?.[i],
    };
  }
  return out;
}

/**
 * A symbol's name as readelf shows it: a section symbol with no name takes
 * its section's name; a versioned dynamic symbol carries its version —
 * `name@VER (n)` for a needed version in symbol tables, `name@VER` in
 * relocations, `name@VER` for a hidden and `name@@VER` for a default
 * defined version.
 */
export function symbolDisplayName(s: ElfSymbol, sections: readonly Section[], context: 'table' | 'relocation' = 'table'): string {
  if (s.type === C.STT_SECTION && s.name === '' && s.shndx < sections.length) return sections[s.shndx]!.name;
  const v = s.version;
  if (!v) return s.name;
  if (v.needed) return context === 'table' ? `${s.name}@${v.name} (${v.index})` : `${s.name}@${v.name}`;
  return `${s.name}${v.hidden ? '@' : '@@'}${v.name}`;
}
