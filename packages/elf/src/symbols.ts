import { isParseError, ParseError } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfFile } from './file.js';
import type { Section } from './section.js';
import type { StringTable } from './strtab.js';
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

/** Every entry's fixed fields of a {@link SymbolTable}, by index (see {@link SymbolTable.fieldColumns}). */
export interface SymbolFieldColumns {
  /** st_info. */
  readonly info: Uint8Array;
  /** st_other. */
  readonly other: Uint8Array;
  /** st_shndx as stored (not resolved through SHT_SYMTAB_SHNDX). */
  readonly rawShndx: Uint16Array;
  /** st_value, or -1 where it is not below 2^53. */
  readonly values: Float64Array;
  /** st_size, or -1 where it is not below 2^53. */
  readonly sizes: Float64Array;
}

/**
 * Random access to one SHT_SYMTAB/SHT_DYNSYM section without building an
 * object per entry: accessors decode fields straight from the section bytes.
 * Symbol tables are the largest fixed-layout tables (46,000 entries in a Go
 * binary) and listing them is a benchmarked path, so this avoids both a
 * generic record decoder pass and 46,000 intermediate objects; {@link get}
 * and iteration build {@link ElfSymbol}s for callers that want them.
 */
export class SymbolTable implements Iterable<ElfSymbol> {
  /** Number of entries. */
  readonly count: number;
  /** Bytes per entry. */
  readonly entsize: number;
  private readonly data: Uint8Array;
  private readonly dv: DataView;
  private readonly le: boolean;
  private readonly is64: boolean;
  private readonly strtab: StringTable;
  private shndxTable?: DataView;
  private versions?: (SymbolVersion | undefined)[] | null;

  constructor(
    private readonly file: ElfFile,
    readonly section: Section,
  ) {
    this.is64 = file.header.bits === 64;
    this.le = file.header.order === 'little';
    const recsize = this.is64 ? 24 : 16;
    this.entsize = section.entsize || recsize;
    if (this.entsize < recsize) throw new ParseError('invalid', `symbol entry size ${this.entsize} is smaller than ${recsize}`, section.label, 0);
    this.data = section.type === C.SHT_NOBITS ? new Uint8Array(0) : file.sectionData(section);
    this.dv = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    this.count = Math.floor(this.data.length / this.entsize);
    this.strtab = file.stringTable(file.linkedSection(section));
  }

  private check(i: number): number {
    if (!(i >= 0 && i < this.count)) throw new ParseError('out-of-range', `symbol index ${i} is not below the count ${this.count}`, this.section.label, 0);
    return i * this.entsize;
  }

  /** The name of symbol `i` (st_name through the linked string table). */
  name(i: number): string {
    return this.strtab.tryGet(this.dv.getUint32(this.check(i), this.le));
  }
  /** st_name of symbol `i`: the offset of its name in {@link strtabBytes}. */
  nameOffset(i: number): number {
    return this.dv.getUint32(this.check(i), this.le);
  }
  /** The bytes of the linked string table, for copying names without decoding them. */
  get strtabBytes(): Uint8Array {
    return this.strtab.bytes;
  }
  /** High 32 bits of st_value (0 in ELF32); with {@link valueLow}, the value without a bigint. */
  valueHigh(i: number): number {
    return this.is64 ? this.dv.getUint32(this.check(i) + (this.le ? 12 : 8), this.le) : 0;
  }
  /** Low 32 bits of st_value. */
  valueLow(i: number): number {
    return this.dv.getUint32(this.check(i) + (this.is64 ? (this.le ? 8 : 12) : 4), this.le);
  }
  /** st_value of symbol `i`. */
  value(i: number): bigint {
    const o = this.check(i);
    return this.is64 ? this.dv.getBigUint64(o + 8, this.le) : BigInt(this.dv.getUint32(o + 4, this.le));
  }
  /** st_size of symbol `i`. */
  size(i: number): bigint {
    const o = this.check(i);
    return this.is64 ? this.dv.getBigUint64(o + 16, this.le) : BigInt(this.dv.getUint32(o + 8, this.le));
  }
  /** st_size as a number when below 2^53 (always, in practice), else -1. */
  sizeNumber(i: number): number {
    const o = this.check(i);
    if (!this.is64) return this.dv.getUint32(o + 8, this.le);
    const hi = this.dv.getUint32(o + (this.le ? 20 : 16), this.le);
    const lo = this.dv.getUint32(o + (this.le ? 16 : 20), this.le);
    return hi > 0x1fffff ? -1 : hi * 0x1_0000_0000 + lo;
  }
  /** st_info of symbol `i`. */
  info(i: number): number {
    return this.data[this.check(i) + (this.is64 ? 4 : 12)]!;
  }
  /** st_other of symbol `i`. */
  other(i: number): number {
    return this.data[this.check(i) + (this.is64 ? 5 : 13)]!;
  }
  /** st_shndx of symbol `i` as stored. */
  rawShndx(i: number): number {
    return this.dv.getUint16(this.check(i) + (this.is64 ? 6 : 14), this.le);
  }
  /** The section index of symbol `i`, resolved through SHT_SYMTAB_SHNDX. */
  shndx(i: number): number {
    const raw = this.rawShndx(i);
    if (raw !== C.SHN_XINDEX) return raw;
    if (!this.shndxTable) {
      const s = this.file.sections.find((x) => x.type === C.SHT_SYMTAB_SHNDX && x.link === this.section.index);
      if (!s) throw new ParseError('invalid', `symbol ${i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section`, this.section.label, i * this.entsize);
      const d = this.file.sectionData(s);
      this.shndxTable = new DataView(d.buffer, d.byteOffset, d.byteLength);
    }
    if ((i + 1) * 4 > this.shndxTable.byteLength) throw new ParseError('truncated', `no extended section index for symbol ${i}`, this.section.label, i * this.entsize);
    return this.shndxTable.getUint32(i * 4, this.le);
  }
  /**
   * The GNU version of symbol `i` (dynamic symbol tables with `.gnu.version`).
   * Damaged version sections leave the symbols without versions: the
   * ParseError goes to the file's warnings, once.
   */
  version(i: number): SymbolVersion | undefined {
    if (this.versions === undefined) {
      this.versions = null;
      if (this.section.type === C.SHT_DYNSYM) {
        try {
          this.versions = readSymbolVersions(this.file, this.section, (k) => (k < this.count ? this.shndx(k) : undefined)) ?? null;
        } catch (e) {
          if (!isParseError(e)) throw e;
          this.file.warnings.push(e);
        }
      }
    }
    return this.versions?.[i];
  }

  /**
   * The fixed fields of every entry, read in one pass over the section: for
   * a caller that scans a whole table (GNU addr2line's symbol search over a
   * Go binary's 47,000 symbols), which would otherwise make five calls per
   * entry, each checking the index — run once per command, mostly before
   * the optimizing compiler gets to it.
   */
  fieldColumns(): SymbolFieldColumns {
    const n = this.count;
    const info = new Uint8Array(n);
    const other = new Uint8Array(n);
    const rawShndx = new Uint16Array(n);
    const values = new Float64Array(n);
    const sizes = new Float64Array(n);
    const dv = this.dv;
    const le = this.le;
    const step = this.entsize;
    // Offsets in the entry: Elf64_Sym is name, info, other, shndx, value, size; Elf32_Sym is name, value, size, info, other, shndx.
    const is64 = this.is64;
    const infoAt = is64 ? 4 : 12;
    const shndxAt = is64 ? 6 : 14;
    for (let i = 0, o = 0; i < n; i++, o += step) {
      info[i] = dv.getUint8(o + infoAt);
      other[i] = dv.getUint8(o + infoAt + 1);
      rawShndx[i] = dv.getUint16(o + shndxAt, le);
      if (is64) {
        values[i] = number64(dv, o + 8, le);
        sizes[i] = number64(dv, o + 16, le);
      } else {
        values[i] = dv.getUint32(o + 4, le);
        sizes[i] = dv.getUint32(o + 8, le);
      }
    }
    return { info, other, rawShndx, values, sizes };
  }

  /** Symbol `i` as an object. */
  get(i: number): ElfSymbol {
    const info = this.info(i);
    const other = this.other(i);
    const raw = this.rawShndx(i);
    return {
      index: i,
      name: this.name(i),
      value: this.value(i),
      size: this.size(i),
      type: info & 0xf,
      bind: info >> 4,
      visibility: other & 3,
      other,
      shndx: raw === C.SHN_XINDEX ? this.shndx(i) : raw,
      rawShndx: raw,
      version: this.version(i),
    };
  }

  /** Every symbol in table order, index 0 (the null symbol) included. */
  *[Symbol.iterator](): Iterator<ElfSymbol> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }

  /** Every symbol as an array. */
  toArray(): ElfSymbol[] {
    const out: ElfSymbol[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.get(i);
    return out;
  }
}

/** The 64-bit field at `o` of `dv` as a number, or -1 when it is not below 2^53. */
function number64(dv: DataView, o: number, le: boolean): number {
  const hi = dv.getUint32(o + (le ? 4 : 0), le);
  return hi > 0x1fffff ? -1 : hi * 0x1_0000_0000 + dv.getUint32(o + (le ? 0 : 4), le);
}

/**
 * A symbol's name as readelf shows it: a section symbol with no name takes
 * its section's name; a versioned dynamic symbol carries its version —
 * `name@VER (n)` for a needed version in symbol tables, `name@VER` in
 * relocations, `name@VER` for a hidden and `name@@VER` for a default
 * defined version.
 */
export function symbolDisplayName(s: Pick<ElfSymbol, 'type' | 'name' | 'shndx' | 'version'>, sections: readonly Section[], context: 'table' | 'relocation' = 'table'): string {
  if (s.type === C.STT_SECTION && s.name === '' && s.shndx < sections.length) return sections[s.shndx]!.name;
  const v = s.version;
  if (!v) return s.name;
  if (v.needed) return context === 'table' ? `${s.name}@${v.name} (${v.index})` : `${s.name}@${v.name}`;
  return `${s.name}${v.hidden ? '@' : '@@'}${v.name}`;
}
