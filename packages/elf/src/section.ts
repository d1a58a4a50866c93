import { ParseError, readRange, toSafeNumber, type ByteSource } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfHeader } from './header.js';
import type { ElfLayouts, RawSectionHeader } from './layouts.js';
import { StringTable } from './strtab.js';

/** A section header, normalized across ELF classes. */
export interface Section {
  /** Index in the section header table. */
  readonly index: number;
  /** Name from the section name string table (`<corrupt>` when sh_name is out of range). */
  readonly name: string;
  /**
   * How errors name the section: its name, or `section N` when it has
   * none (no name table, an empty or out-of-range name) — a ParseError
   * always says where.
   */
  readonly label: string;
  /** sh_name: offset of the name in the section name string table. */
  readonly nameOffset: number;
  /** sh_type (SHT_*). */
  readonly type: number;
  /** sh_flags (SHF_*). */
  readonly flags: number;
  /** sh_addr. */
  readonly addr: bigint;
  /** sh_offset. */
  readonly offset: number;
  /** sh_size: bytes in the file (none for SHT_NOBITS), compressed size for SHF_COMPRESSED. */
  readonly size: number;
  /** sh_link. */
  readonly link: number;
  /** sh_info. */
  readonly info: number;
  /** sh_addralign. */
  readonly addralign: number;
  /** sh_entsize. */
  readonly entsize: number;
}

/**
 * Reads the section header table and the names. The table must lie inside
 * the file; a section whose data lies outside the file is kept (readelf lists
 * it too) and fails only when its data is read.
 */
export function readSections(source: ByteSource, header: ElfHeader, layouts: ElfLayouts): { sections: Section[]; warnings: ParseError[] } {
  const warnings: ParseError[] = [];
  if (header.shoff === 0 || header.shnum === 0) return { sections: [], warnings };
  const entsize = header.shentsize;
  const recsize = layouts.sectionHeader.size;
  if (entsize < recsize) {
    throw new ParseError('invalid', `e_shentsize ${entsize} is smaller than a section header (${recsize})`, 'file', header.bits === 64 ? 0x3a : 0x2e);
  }
  // Bound the count by the file before allocating anything for it.
  if (header.shnum > Math.floor((source.size - Math.min(header.shoff, source.size)) / entsize) + 0) {
    throw new ParseError(
      'truncated',
      `section header table (${header.shnum} entries of ${entsize} bytes at 0x${header.shoff.toString(16)}) extends past the end of the file`,
      'file',
      header.shoff,
    );
  }
  const table = readRange(source, header.shoff, header.shnum * entsize, 'section header table');
  const raws: RawSectionHeader[] =
    entsize === recsize ? layouts.sectionHeader.readArray(table, 0, header.shnum, 'file', header.shoff) : Array.from({ length: header.shnum }, (_, i) => layouts.sectionHeader.read(table, i * entsize, 'file', header.shoff));

  let names: StringTable | undefined;
  const strndx = header.shstrndx;
  if (strndx !== C.SHN_UNDEF) {
    const s = raws[strndx];
    if (!s) {
      warnings.push(new ParseError('out-of-range', `section name table index ${strndx} is not below the section count ${header.shnum}`, 'file', header.bits === 64 ? 0x3e : 0x32));
    } else if (s.sh_type !== C.SHT_NOBITS) {
      const at = header.shoff + strndx * entsize;
      const off = typeof s.sh_offset === 'number' ? s.sh_offset : (toSafeNumber(s.sh_offset) ?? Infinity);
      const size = typeof s.sh_size === 'number' ? s.sh_size : (toSafeNumber(s.sh_size) ?? Infinity);
      if (off + size > source.size) {
        warnings.push(new ParseError('truncated', `section name table (section ${strndx}) extends past the end of the file`, 'file', at));
      } else {
        names = new StringTable(source.read(off, size), 'section name table');
      }
    }
  }

  const sections: Section[] = new Array(raws.length);
  let badNames = 0;
  let firstBadName = 0;
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i]!;
    const at = header.shoff + i * entsize;
    let name = '';
    if (names) {
      if (r.sh_name < names.bytes.length) name = names.get(r.sh_name);
      else {
        name = '<corrupt>';
        if (badNames++ === 0) firstBadName = i;
      }
    } else if (r.sh_name !== 0) {
      name = '<no-strings>';
    }
    // A 64-bit field beyond 2^53 is damage (no file is that large): reported, and kept as the nearest number so the section still lists.
    const field = (v: number | bigint, what: string): number => {
      if (typeof v === 'number') return v;
      const n = toSafeNumber(v);
      if (n !== undefined) return n;
      warnings.push(new ParseError('out-of-range', `section ${i} ${what} 0x${v.toString(16)} is too large`, 'file', at));
      return Number(v);
    };
    sections[i] = {
      index: i,
      name,
      label: name === '' || name === '<corrupt>' || name === '<no-strings>' ? `section ${i}` : name,
      nameOffset: r.sh_name,
      type: r.sh_type,
      flags: typeof r.sh_flags === 'number' ? r.sh_flags : Number(r.sh_flags),
      addr: BigInt(r.sh_addr),
      offset: field(r.sh_offset, 'sh_offset'),
      size: field(r.sh_size, 'sh_size'),
      link: r.sh_link,
      info: r.sh_info,
      addralign: field(r.sh_addralign, 'sh_addralign'),
      entsize: field(r.sh_entsize, 'sh_entsize'),
    };
  }
  if (badNames > 0) {
    // One report for the name table, not one per section.
    const what = badNames === 1 ? `section ${firstBadName} name offset is` : `${badNames} section names (from section ${firstBadName}) are`;
    warnings.push(new ParseError('out-of-range', `${what} past the end of the section name table`, 'file', header.shoff + firstBadName * entsize));
  }
  return { sections, warnings };
}
