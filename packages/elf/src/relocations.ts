import { ParseError, Reader } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfFile } from './file.js';
import { relocTypeFromInfo } from './reloc-types/info.js';
import type { Section } from './section.js';

/** One relocation. */
export interface Relocation {
  /** r_offset (for RELR: each relocated address). */
  readonly offset: bigint;
  /** r_info as stored (for little-endian MIPS64 the bytes are reordered as readelf does). */
  readonly info: bigint;
  /** Relocation type (ELF*_R_TYPE); RELR entries use the machine's RELATIVE type number, or 0 when unknown. */
  readonly type: number;
  /** MIPS64's second and third types (0 elsewhere). */
  readonly type2: number;
  readonly type3: number;
  /** MIPS64's special symbol (r_ssym). */
  readonly ssym: number;
  /** Symbol table index (0: none). */
  readonly symbolIndex: number;
  /** r_addend for RELA. */
  readonly addend?: bigint;
}

/** A relocation section and its entries. */
export interface RelocationTable {
  /** The SHT_REL, SHT_RELA or SHT_RELR section. */
  readonly section: Section;
  /** `rel`, `rela` or `relr`. */
  readonly kind: 'rel' | 'rela' | 'relr';
  /** The linked symbol table (sh_link), if any. */
  readonly symbolTable?: Section;
  /** The entries (for RELR, one per relocated address). */
  readonly relocations: Relocation[];
  /** For RELR: the number of raw entries (addresses and bitmaps). */
  readonly rawCount: number;
}

/** Reads a REL, RELA or RELR section. */
export function readRelocationTable(file: ElfFile, section: Section): RelocationTable {
  const kind = section.type === C.SHT_RELA ? 'rela' : section.type === C.SHT_REL ? 'rel' : 'relr';
  const is64 = file.header.bits === 64;
  const machine = file.header.machine;
  const data = section.type === C.SHT_NOBITS ? new Uint8Array(0) : file.sectionData(section);
  const linked = section.link !== 0 && kind !== 'relr' ? file.sections[section.link] : undefined;
  const symbolTable = linked && (linked.type === C.SHT_SYMTAB || linked.type === C.SHT_DYNSYM) ? linked : undefined;
  if (kind === 'relr') {
    return { section, kind, relocations: decodeRelr(file, section, data), rawCount: Math.floor(data.length / (is64 ? 8 : 4)) };
  }
  const layout = kind === 'rela' ? file.layouts.rela : file.layouts.rel;
  const entsize = section.entsize || layout.size;
  if (entsize < layout.size) throw new ParseError('invalid', `relocation entry size ${entsize} is smaller than ${layout.size}`, section.label, 0);
  const count = Math.floor(data.length / entsize);
  const raws = entsize === layout.size ? layout.readArray(data, 0, count, section.label) : Array.from({ length: count }, (_, i) => layout.read(data, i * entsize, section.label));
  const mips64 = is64 && (machine === C.EM_MIPS || machine === C.EM_MIPS_RS3_LE);
  const mipsLe = mips64 && file.header.order === 'little';
  const out: Relocation[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = raws[i]!;
    let info = BigInt(r.r_info);
    let type: number;
    let sym: number;
    let type2 = 0;
    let type3 = 0;
    let ssym = 0;
    if (mips64) {
      // MIPS64 r_info is r_sym(32) r_ssym(8) r_type3(8) r_type2(8) r_type(8); a
      // little-endian file stores r_sym little-endian followed by the four bytes,
      // so reading it as one little-endian u64 scrambles it (readelf reorders it the same way).
      if (mipsLe) {
        info = ((info & 0xffffffffn) << 32n) | ((info >> 56n) & 0xffn) | ((info >> 40n) & 0xff00n) | ((info >> 24n) & 0xff0000n) | ((info >> 8n) & 0xff000000n);
      }
      sym = Number(info >> 32n);
      ssym = Number((info >> 24n) & 0xffn);
      type3 = Number((info >> 16n) & 0xffn);
      type2 = Number((info >> 8n) & 0xffn);
      type = Number(info & 0xffn);
    } else {
      sym = is64 ? Number(info >> 32n) : Number(info) >>> 8;
      type = relocTypeFromInfo(machine, is64, info);
    }
    out[i] = {
      offset: BigInt(r.r_offset),
      info,
      type,
      type2,
      type3,
      ssym,
      symbolIndex: sym,
      addend: r.r_addend === undefined ? undefined : BigInt(r.r_addend),
    };
  }
  return { section, kind, symbolTable, relocations: out, rawCount: count };
}

const RELATIVE: Record<number, number> = {
  [C.EM_X86_64]: 8,
  [C.EM_386]: 8,
  [C.EM_AARCH64]: 1027,
  [C.EM_ARM]: 23,
  [C.EM_RISCV]: 3,
  [C.EM_S390]: 12,
  [C.EM_PPC64]: 22,
  [C.EM_PPC]: 22,
  [C.EM_LOONGARCH]: 3,
};

/** Expands RELR: an even entry is an address, an odd one a bitmap of the next 63 (or 31) words. */
function decodeRelr(file: ElfFile, section: Section, data: Uint8Array): Relocation[] {
  const is64 = file.header.bits === 64;
  const word = is64 ? 8 : 4;
  const wordBits = BigInt(word * 8);
  const r = new Reader(data, { order: file.header.order, section: section.label });
  const type = RELATIVE[file.header.machine] ?? 0;
  const out: Relocation[] = [];
  let base = 0n;
  const count = Math.floor(data.length / word);
  for (let i = 0; i < count; i++) {
    const e = is64 ? r.u64() : BigInt(r.u32());
    if ((e & 1n) === 0n) {
      out.push({ offset: e, info: 0n, type, type2: 0, type3: 0, ssym: 0, symbolIndex: 0 });
      base = e + BigInt(word);
    } else {
      let bits = e >> 1n;
      for (let k = 0n; bits !== 0n; k++, bits >>= 1n) {
        if (bits & 1n) out.push({ offset: base + k * BigInt(word), info: 0n, type, type2: 0, type3: 0, ssym: 0, symbolIndex: 0 });
      }
      base += (wordBits - 1n) * BigInt(word);
    }
  }
  return out;
}
