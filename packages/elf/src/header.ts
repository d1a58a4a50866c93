import { ParseError, type ByteOrder, type ByteSource, readRange, toSafeNumber } from '@elfkit/binary';
import * as C from './constants.js';
import { elfLayouts, type ElfLayouts } from './layouts.js';

/** The ELF file header, normalized across classes; counts resolved through extended numbering. */
export interface ElfHeader {
  /** 32 or 64 (ELFCLASS32 / ELFCLASS64). */
  readonly bits: 32 | 64;
  /** Byte order (EI_DATA). */
  readonly order: ByteOrder;
  /** EI_VERSION. */
  readonly identVersion: number;
  /** EI_OSABI. */
  readonly osabi: number;
  /** EI_ABIVERSION. */
  readonly abiVersion: number;
  /** e_type (ET_*). */
  readonly type: number;
  /** e_machine (EM_*). */
  readonly machine: number;
  /** e_version. */
  readonly version: number;
  /** e_entry. */
  readonly entry: bigint;
  /** e_phoff. */
  readonly phoff: number;
  /** e_shoff (0: no section header table). */
  readonly shoff: number;
  /** e_flags. */
  readonly flags: number;
  /** e_ehsize. */
  readonly ehsize: number;
  /** e_phentsize. */
  readonly phentsize: number;
  /** Number of program headers: e_phnum, or section 0's sh_info when e_phnum is PN_XNUM. */
  readonly phnum: number;
  /** e_shentsize. */
  readonly shentsize: number;
  /** Number of section headers: e_shnum, or section 0's sh_size when e_shnum is 0. */
  readonly shnum: number;
  /** Section name string table index: e_shstrndx, or section 0's sh_link when it is SHN_XINDEX. */
  readonly shstrndx: number;
  /** The raw e_phnum, e_shnum and e_shstrndx before extended numbering. */
  readonly raw: { readonly phnum: number; readonly shnum: number; readonly shstrndx: number };
}

export interface HeaderResult {
  header: ElfHeader;
  layouts: ElfLayouts;
  /**
   * Read leniently: why a header table cannot be found (an e_phoff or
   * e_shoff beyond 2^53, an unreadable section 0 under extended
   * numbering). That table then reads as absent.
   */
  damage: { sections?: ParseError; segments?: ParseError };
}

const MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** True when `bytes` start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

function offsetField(v: number | bigint, what: string, at: number): number {
  if (typeof v === 'number') return v;
  const n = toSafeNumber(v);
  if (n === undefined) throw new ParseError('out-of-range', `${what} 0x${v.toString(16)} is too large`, 'file', at);
  return n;
}

/**
 * Reads and checks the file header, resolving extended numbering (which
 * needs section header 0). With `lenient`, a header table that cannot be
 * located is dropped (count 0) and its ParseError returned in `damage`
 * instead of thrown; the identification and the rest of the header must
 * still read.
 */
export function readHeader(source: ByteSource, lenient = false): HeaderResult {
  if (source.size < 16) {
    if (source.size >= 4 && isElf(source.read(0, 4))) throw new ParseError('truncated', 'ELF identification truncated', 'file', 0);
    throw new ParseError('bad-magic', source.size < 4 ? 'not an ELF file (too short)' : 'not an ELF file (bad magic)', 'file', 0);
  }
  const ident = source.read(0, 16);
  if (!isElf(ident)) throw new ParseError('bad-magic', 'not an ELF file (bad magic)', 'file', 0);
  const cls = ident[4]!;
  const data = ident[5]!;
  if (cls !== C.ELFCLASS32 && cls !== C.ELFCLASS64) throw new ParseError('invalid', `unknown ELF class ${cls}`, 'file', 4);
  if (data !== C.ELFDATA2LSB && data !== C.ELFDATA2MSB) throw new ParseError('invalid', `unknown ELF data encoding ${data}`, 'file', 5);
  const is64 = cls === C.ELFCLASS64;
  const order: ByteOrder = data === C.ELFDATA2LSB ? 'little' : 'big';
  const layouts = elfLayouts(is64, order);
  const size = layouts.header.size;
  const raw = layouts.header.read(readRange(source, 0, Math.min(size, source.size), 'ELF file header'), 0);
  const hdrAt = (field: number) => field;
  const damage: HeaderResult['damage'] = {};
  // A lenient read drops the table the failing field locates; a strict one throws.
  const tolerate = <T>(table: 'sections' | 'segments', fn: () => T, absent: T): T => {
    if (!lenient) return fn();
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      damage[table] ??= e;
      return absent;
    }
  };
  let phoff = tolerate('segments', () => offsetField(raw.e_phoff, 'e_phoff', is64 ? 0x20 : 0x1c), 0);
  let shoff = tolerate('sections', () => offsetField(raw.e_shoff, 'e_shoff', is64 ? 0x28 : 0x20), 0);
  let phnum = raw.e_phnum;
  let shnum = raw.e_shnum;
  let shstrndx = raw.e_shstrndx;

  // Extended numbering keeps the real counts in section header 0.
  if (shoff !== 0 && (shnum === 0 || shstrndx === C.SHN_XINDEX || phnum === C.PN_XNUM)) {
    const s0 = tolerate(
      'sections',
      () => {
        const shentsize = raw.e_shentsize;
        if (shentsize < layouts.sectionHeader.size) {
          throw new ParseError('invalid', `e_shentsize ${shentsize} is smaller than a section header (${layouts.sectionHeader.size})`, 'file', hdrAt(is64 ? 0x3a : 0x2e));
        }
        const s0 = layouts.sectionHeader.read(readRange(source, shoff, layouts.sectionHeader.size, 'section header 0'), 0, 'file', shoff);
        return { shnum: shnum === 0 ? offsetField(s0.sh_size, 'section count (section 0 sh_size)', shoff) : shnum, link: s0.sh_link, info: s0.sh_info };
      },
      undefined,
    );
    if (s0) {
      shnum = s0.shnum;
      if (shstrndx === C.SHN_XINDEX) shstrndx = s0.link;
      if (phnum === C.PN_XNUM) phnum = s0.info;
    } else {
      // Without section 0 the counts it holds are unknown: no sections, and no program headers if their count is there.
      shoff = 0;
      if (phnum === C.PN_XNUM) {
        damage.segments ??= damage.sections;
        phoff = 0;
      }
    }
  }
  if (damage.segments) phnum = 0;
  const header: ElfHeader = {
    bits: is64 ? 64 : 32,
    order,
    identVersion: ident[6]!,
    osabi: ident[7]!,
    abiVersion: ident[8]!,
    type: raw.e_type,
    machine: raw.e_machine,
    version: raw.e_version,
    entry: BigInt(raw.e_entry),
    phoff,
    shoff,
    flags: raw.e_flags,
    ehsize: raw.e_ehsize,
    phentsize: raw.e_phentsize,
    phnum,
    shentsize: raw.e_shentsize,
    shnum: shoff === 0 ? 0 : shnum,
    shstrndx: shoff === 0 ? 0 : shstrndx,
    raw: { phnum: raw.e_phnum, shnum: raw.e_shnum, shstrndx: raw.e_shstrndx },
  };
  return { header, layouts, damage };
}
