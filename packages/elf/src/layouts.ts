import { checkRecords, type StructLayout, type ByteOrder } from '@elfkit/binary';

/**
 * Fixed-layout ELF records, each declared once as a field table. One table
 * drives both directions: it is compiled into a generated DataView
 * decoder for reading and a DataView encoder for writing, so the reader and the
 * writer cannot disagree on a field's offset or width. Sets are built per
 * (class, byte order) on first use and memoized, as pyelftools'
 * `ELFStructs`; each record's decoder is generated only when first used.
 * 64-bit fields decode to bigint; the reader normalizes them.
 */

/** The file header (`Elf32_Ehdr`/`Elf64_Ehdr`) after `e_ident`, as decoded. */
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
/** A section header (`Elf32_Shdr`/`Elf64_Shdr`) as decoded. */
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
/** A program header (`Elf32_Phdr`/`Elf64_Phdr`) as decoded. */
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
/** A symbol (`Elf32_Sym`/`Elf64_Sym`) as decoded. */
export interface RawSymbol {
  st_name: number;
  st_value: number | bigint;
  st_size: number | bigint;
  st_info: number;
  st_other: number;
  st_shndx: number;
}
/** A relocation (`Elf*_Rel`, or `Elf*_Rela` with `r_addend`) as decoded. */
export interface RawRel {
  r_offset: number | bigint;
  r_info: number | bigint;
  r_addend?: number | bigint;
}
/** A dynamic entry (`Elf32_Dyn`/`Elf64_Dyn`) as decoded. */
export interface RawDyn {
  d_tag: number | bigint;
  d_val: number | bigint;
}
/** A compression header (`Elf32_Chdr`/`Elf64_Chdr`) as decoded. */
export interface RawChdr {
  ch_type: number;
  ch_size: number | bigint;
  ch_addralign: number | bigint;
}

/**
 * A field's storage: fixed-width integers, `word`/`sword` (4 bytes in
 * ELF32, 8 in ELF64, unsigned/signed), or `skip:N` (N bytes the record does
 * not name, such as `e_ident` or `ch_reserved`; written as zeros only when
 * the whole record is encoded from scratch).
 */
export type FieldKind = 'u8' | 'u16' | 'u32' | 'u64' | 'i32' | 'i64' | 'word' | 'sword' | `skip:${number}`;

/** An ordered list of `[name, kind]`: the single declaration of a record. */
export type FieldTable = readonly (readonly [string, FieldKind])[];

/** A field placed at its offset for one ELF class. */
export interface PlacedField {
  readonly name: string;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly signed: boolean;
}

/** A record that can be decoded and encoded (DataView) from the same field table. */
export interface StructCodec<T> extends StructLayout<T> {
  /** The fields with their offsets, in declaration order (skipped bytes excluded). */
  readonly fields: readonly PlacedField[];
  /**
   * Writes `value` at `offset` of `target`. Fields absent from `value` are
   * left as they are, so a record can be patched field by field.
   */
  write(target: Uint8Array, offset: number, value: Partial<T>): void;
}

/** The record codecs of one ELF class and byte order. */
export interface ElfLayouts {
  header: StructCodec<RawHeader>;
  sectionHeader: StructCodec<RawSectionHeader>;
  programHeader: StructCodec<RawProgramHeader>;
  symbol: StructCodec<RawSymbol>;
  rel: StructCodec<RawRel>;
  rela: StructCodec<RawRel>;
  dyn: StructCodec<RawDyn>;
  chdr: StructCodec<RawChdr>;
}

/** The field tables, per class where the two classes order fields differently. */
export const FIELD_TABLES = {
  header: [
    ['e_ident', 'skip:16'],
    ['e_type', 'u16'],
    ['e_machine', 'u16'],
    ['e_version', 'u32'],
    ['e_entry', 'word'],
    ['e_phoff', 'word'],
    ['e_shoff', 'word'],
    ['e_flags', 'u32'],
    ['e_ehsize', 'u16'],
    ['e_phentsize', 'u16'],
    ['e_phnum', 'u16'],
    ['e_shentsize', 'u16'],
    ['e_shnum', 'u16'],
    ['e_shstrndx', 'u16'],
  ],
  sectionHeader: [
    ['sh_name', 'u32'],
    ['sh_type', 'u32'],
    ['sh_flags', 'word'],
    ['sh_addr', 'word'],
    ['sh_offset', 'word'],
    ['sh_size', 'word'],
    ['sh_link', 'u32'],
    ['sh_info', 'u32'],
    ['sh_addralign', 'word'],
    ['sh_entsize', 'word'],
  ],
  programHeader64: [
    ['p_type', 'u32'],
    ['p_flags', 'u32'],
    ['p_offset', 'u64'],
    ['p_vaddr', 'u64'],
    ['p_paddr', 'u64'],
    ['p_filesz', 'u64'],
    ['p_memsz', 'u64'],
    ['p_align', 'u64'],
  ],
  programHeader32: [
    ['p_type', 'u32'],
    ['p_offset', 'u32'],
    ['p_vaddr', 'u32'],
    ['p_paddr', 'u32'],
    ['p_filesz', 'u32'],
    ['p_memsz', 'u32'],
    ['p_flags', 'u32'],
    ['p_align', 'u32'],
  ],
  symbol64: [
    ['st_name', 'u32'],
    ['st_info', 'u8'],
    ['st_other', 'u8'],
    ['st_shndx', 'u16'],
    ['st_value', 'u64'],
    ['st_size', 'u64'],
  ],
  symbol32: [
    ['st_name', 'u32'],
    ['st_value', 'u32'],
    ['st_size', 'u32'],
    ['st_info', 'u8'],
    ['st_other', 'u8'],
    ['st_shndx', 'u16'],
  ],
  rel: [
    ['r_offset', 'word'],
    ['r_info', 'word'],
  ],
  rela: [
    ['r_offset', 'word'],
    ['r_info', 'word'],
    ['r_addend', 'sword'],
  ],
  dyn: [
    ['d_tag', 'sword'],
    ['d_val', 'word'],
  ],
  chdr64: [
    ['ch_type', 'u32'],
    ['ch_reserved', 'skip:4'],
    ['ch_size', 'u64'],
    ['ch_addralign', 'u64'],
  ],
  chdr32: [
    ['ch_type', 'u32'],
    ['ch_size', 'u32'],
    ['ch_addralign', 'u32'],
  ],
} as const satisfies Record<string, FieldTable>;

const cache = new Map<string, ElfLayouts>();

/** The codecs for ELFCLASS32 (`is64` false) or ELFCLASS64, in `order`; built once, each compiled on first use. */
export function elfLayouts(is64: boolean, order: ByteOrder): ElfLayouts {
  const key = `${is64 ? 64 : 32}${order}`;
  let l = cache.get(key);
  if (!l) {
    l = build(is64, order);
    cache.set(key, l);
  }
  return l;
}

/** Places the fields of `table` for one class: offsets, widths, signedness. */
export function placeFields(table: FieldTable, is64: boolean): { fields: PlacedField[]; skips: { offset: number; size: number }[]; size: number } {
  const fields: PlacedField[] = [];
  const skips: { offset: number; size: number }[] = [];
  let offset = 0;
  for (const [name, kind] of table) {
    if (kind.startsWith('skip:')) {
      const n = Number(kind.slice(5));
      skips.push({ offset, size: n });
      offset += n;
      continue;
    }
    const size = (kind === 'word' || kind === 'sword' ? (is64 ? 8 : 4) : { u8: 1, u16: 2, u32: 4, u64: 8, i32: 4, i64: 8 }[kind as 'u8']) as 1 | 2 | 4 | 8;
    fields.push({ name, offset, size, signed: kind === 'sword' || kind === 'i32' || kind === 'i64' });
    offset += size;
  }
  return { fields, skips, size: offset };
}

/**
 * The reading half of a field table: one straight-line function per record
 * (`{ sh_name: dv.getUint32(at + 0, true), … }`), generated from the
 * placed fields on first use — the code binary-parser generates for such a
 * record, without building its parser first: binary-parser's builder cost a
 * cold run 3-10 ms for the header and section tables of every command (no
 * code cache keeps run-time generated code). Field names are the tables'
 * constants, never input.
 */
function compileReader<T>(fields: readonly PlacedField[], le: boolean): (dv: DataView, at: number) => T {
  const get = { 1: ['getUint8', 'getInt8'], 2: ['getUint16', 'getInt16'], 4: ['getUint32', 'getInt32'], 8: ['getBigUint64', 'getBigInt64'] } as const;
  const props = fields.map((f) => `${JSON.stringify(f.name)}: dv.${get[f.size][f.signed ? 1 : 0]}(at + ${f.offset}${f.size > 1 ? `, ${le}` : ''})`);
  return new Function('dv', 'at', `return { ${props.join(', ')} };`) as (dv: DataView, at: number) => T;
}

/** Compiles a field table into a {@link StructCodec} for one class and byte order. */
export function structCodec<T>(name: string, table: FieldTable, is64: boolean, order: ByteOrder): StructCodec<T> {
  const { fields, size } = placeFields(table, is64);
  const le = order === 'little';
  let decode: ((dv: DataView, at: number) => T) | undefined;
  return {
    name,
    size,
    fields,
    read(bytes, offset, section = 'file', base = 0) {
      checkRecords(name, size, bytes, offset, 1, section, base);
      decode ??= compileReader<T>(fields, le);
      return decode(new DataView(bytes.buffer, bytes.byteOffset + offset, size), 0);
    },
    readArray(bytes, offset, count, section = 'file', base = 0) {
      checkRecords(name, size, bytes, offset, count, section, base);
      if (count === 0) return [];
      decode ??= compileReader<T>(fields, le);
      const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
      const out: T[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = decode(dv, i * size);
      return out;
    },
    write(target, offset, value) {
      const dv = new DataView(target.buffer, target.byteOffset + offset, size);
      const rec = value as Record<string, number | bigint | undefined>;
      for (const f of fields) {
        const v = rec[f.name];
        if (v === undefined) continue;
        switch (f.size) {
          case 1:
            dv.setUint8(f.offset, Number(v));
            break;
          case 2:
            dv.setUint16(f.offset, Number(v), le);
            break;
          case 4:
            if (f.signed) dv.setInt32(f.offset, Number(v), le);
            else dv.setUint32(f.offset, Number(v), le);
            break;
          case 8:
            if (f.signed) dv.setBigInt64(f.offset, BigInt(v), le);
            else dv.setBigUint64(f.offset, BigInt.asUintN(64, BigInt(v)), le);
            break;
        }
      }
    },
  };
}

function build(is64: boolean, order: ByteOrder): ElfLayouts {
  const bits = is64 ? 'ELF64' : 'ELF32';
  const T = FIELD_TABLES;
  const specs: Record<keyof ElfLayouts, [string, FieldTable]> = {
    header: ['file header', T.header],
    sectionHeader: ['section header', T.sectionHeader],
    programHeader: ['program header', is64 ? T.programHeader64 : T.programHeader32],
    symbol: ['symbol', is64 ? T.symbol64 : T.symbol32],
    rel: ['REL relocation', T.rel],
    rela: ['RELA relocation', T.rela],
    dyn: ['dynamic entry', T.dyn],
    chdr: ['compression header', is64 ? T.chdr64 : T.chdr32],
  };
  // Each codec compiles its parser on first use: a command that reads only
  // headers does not pay for the rest.
  const layouts = {} as ElfLayouts;
  for (const [key, [name, table]] of Object.entries(specs)) {
    let codec: StructCodec<unknown> | undefined;
    Object.defineProperty(layouts, key, { enumerable: true, get: () => (codec ??= structCodec(`${bits} ${name}`, table, is64, order)) });
  }
  return layouts;
}
