import { encodeUtf8 } from './utf8.js';
import { readRange } from '@elfkit/binary';
import * as C from '../constants.js';
import { parseNotes } from '../notes.js';
import type { Section } from '../section.js';
import { RewriteError, type SectionEdit } from './edits.js';
import { assertRewritable, type ElfImage } from './image.js';

/**
 * A section of the output, before layout. Links to other sections are kept
 * as references, so removing a section renumbers every sh_link and sh_info
 * without bookkeeping.
 */
export interface OutSection {
  /** The input section this one comes from; undefined for an added section. */
  readonly origin?: Section;
  name: string;
  /** sh_name; undefined until the string table is built (or when the name changed). */
  nameOffset?: number;
  type: number;
  flags: number;
  addr: bigint;
  addralign: number;
  entsize: number;
  /** sh_link: another section, or a raw number when it is not a section index. */
  link: OutSection | number;
  /** sh_info: another section (REL/RELA targets, SHF_INFO_LINK), or a raw number. */
  info: OutSection | number;
  /** New contents; undefined keeps the input's bytes. */
  data?: Uint8Array;
  /** sh_size. */
  size: number;
  /** Added with `loadable`: needs a place in a new PT_LOAD (and PT_NOTE). */
  loadable: boolean;
  removed: boolean;
}

/** The section list after every edit, ready for layout. */
export interface Plan {
  readonly image: ElfImage;
  /** Output sections in index order; index 0 is the null section. */
  readonly sections: OutSection[];
  /** The section name string table. */
  readonly shstrtab: OutSection;
  /** Input sections removed by the plan. */
  readonly removed: OutSection[];
  /** False when the edits change nothing: the output is the input. */
  readonly changed: boolean;
}



/** objcopy's type rule for added sections: `.note*` is SHT_NOTE, except `.note.GNU-stack`. */
export function defaultSectionType(name: string): number {
  return name.startsWith('.note') && name !== '.note.GNU-stack' ? C.SHT_NOTE : C.SHT_PROGBITS;
}

function isSectionIndexInfo(type: number, flags: number): boolean {
  return type === C.SHT_REL || type === C.SHT_RELA || (flags & C.SHF_INFO_LINK) !== 0;
}

/**
 * Applies `edits` to a model of `image`'s sections: checks names, types and
 * references, fixes links, symbol section indexes and group members when
 * indexes shift, and builds the new section name table. Throws
 * {@link RewriteError} for a plan that does not fit the file.
 */
export function planEdits(image: ElfImage, edits: readonly SectionEdit[]): Plan {
  const input = image.sections;
  if (input.length === 0) throw new RewriteError('unsupported', 'the file has no section header table');
  assertRewritable(image);
  const strndx = image.header.shstrndx;
  const inShstrtab = input[strndx];
  if (!inShstrtab || inShstrtab.type !== C.SHT_STRTAB) throw new RewriteError('unsupported', `section name table index ${strndx} is not a string table`);

  const model: OutSection[] = input.map((s) => ({
    origin: s,
    name: s.name,
    nameOffset: s.nameOffset,
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    addralign: s.addralign,
    entsize: s.entsize,
    link: s.link,
    info: s.info,
    size: s.size,
    loadable: false,
    removed: false,
  }));
  const n = input.length;
  for (const m of model) {
    if (m.origin!.index === 0) continue;
    if (typeof m.link === 'number' && m.link > 0 && m.link < n) m.link = model[m.link]!;
    if (typeof m.info === 'number' && m.info > 0 && m.info < n && isSectionIndexInfo(m.type, m.flags)) m.info = model[m.info]!;
  }
  const shstrtab = model[strndx]!;
  const added: OutSection[] = [];
  const live = () => model.concat(added).filter((s) => !s.removed && !(s.origin && s.origin.index === 0));
  const find = (name: string) => live().find((s) => s.name === name);
  const need = (name: string) => {
    const s = find(name);
    if (!s) throw new RewriteError('missing', `no section named ${name}`);
    return s;
  };
  let changed = false;

  for (const e of edits) {
    switch (e.op) {
      case 'add': {
        checkName(e.name);
        if (find(e.name)) throw new RewriteError('exists', `a section named ${e.name} exists already`);
        const type = e.type ?? defaultSectionType(e.name);
        if (type === C.SHT_NOBITS || type === C.SHT_NULL) throw new RewriteError('invalid', `cannot add a section of type ${type === C.SHT_NULL ? 'NULL' : 'NOBITS'}`);
        // objcopy gives added sections alignment 1, notes included; loaded notes need 4.
        const align = e.align ?? (e.loadable ? 4 : 1);
        if (!(Number.isSafeInteger(align) && align >= 0 && (align & (align - 1)) === 0)) throw new RewriteError('invalid', `alignment ${align} is not a power of two`);
        if (type === C.SHT_NOTE) checkNotes(e.name, e.data, image, align);
        let flags = e.flags ?? 0;
        if (e.loadable) {
          if (type !== C.SHT_NOTE) throw new RewriteError('invalid', `a loadable section must be a note (SHT_NOTE): ${e.name}`);
          flags |= C.SHF_ALLOC;
        } else if (flags & C.SHF_ALLOC) {
          throw new RewriteError('invalid', `${e.name}: SHF_ALLOC needs a segment; use loadable`);
        }
        added.push({
          name: e.name,
          type,
          flags,
          addr: 0n,
          addralign: align,
          entsize: 0,
          link: 0,
          info: 0,
          data: e.data,
          size: e.data.length,
          loadable: !!e.loadable,
          removed: false,
        });
        changed = true;
        break;
      }
      case 'update': {
        const s = need(e.name);
        if (s.type === C.SHT_NOBITS) throw new RewriteError('invalid', `${e.name} is SHT_NOBITS: it has no contents to replace`);
        if (s.type === C.SHT_NOTE) checkNotes(e.name, e.data, image, s.addralign);
        s.data = e.data;
        s.size = e.data.length;
        // The new contents are given uncompressed.
        s.flags &= ~C.SHF_COMPRESSED;
        changed = true;
        break;
      }
      case 'remove': {
        const s = need(e.name);
        if (s === shstrtab) throw new RewriteError('in-use', `${e.name} holds the section names and cannot be removed`);
        s.removed = true;
        changed = true;
        break;
      }
      case 'rename': {
        const s = need(e.name);
        checkName(e.to);
        if (e.to === e.name) break;
        if (find(e.to)) throw new RewriteError('exists', `a section named ${e.to} exists already`);
        s.name = e.to;
        s.nameOffset = undefined;
        changed = true;
        break;
      }
      default:
        throw new RewriteError('invalid', `unknown edit ${(e as { op: string }).op}`);
    }
  }

  const sections = [model[0]!, ...live()];
  const removed = model.filter((s) => s.removed);
  for (const s of sections) {
    for (const ref of [s.link, s.info]) {
      if (typeof ref !== 'number' && ref.removed) {
        throw new RewriteError('in-use', `cannot remove ${ref.name}: section ${s.name} refers to it (remove it too)`);
      }
    }
  }
  if (changed) {
    fixSectionIndexes(image, model, sections);
    buildNames(image, sections, shstrtab);
  }
  return { image, sections, shstrtab, removed, changed };
}

function checkName(name: string): void {
  if (name.length === 0 || name.includes('\0')) throw new RewriteError('invalid', `invalid section name ${JSON.stringify(name)}`);
}

function checkNotes(name: string, data: Uint8Array, image: ElfImage, align: number): void {
  try {
    parseNotes(data, image.header.order, align, { section: name, fileOffset: 0 });
  } catch (e) {
    throw new RewriteError('invalid', `${name}: the contents are not well-formed ELF notes (${(e as Error).message})`);
  }
}

/** Bytes of an input section's data (empty for NOBITS). */
function inputData(image: ElfImage, s: Section): Uint8Array {
  if (s.type === C.SHT_NOBITS || s.size === 0) return new Uint8Array(0);
  return readRange(image.source, s.offset, s.size, `section ${s.index} (${s.name})`);
}

/**
 * When removals shift section indexes, rewrites what stores them in section
 * contents: st_shndx of symbol tables (through SHT_SYMTAB_SHNDX past
 * 0xff00) and the members of section groups. The contents keep their size.
 */
function fixSectionIndexes(image: ElfImage, model: OutSection[], out: OutSection[]): void {
  const newIndex = new Map<OutSection, number>();
  out.forEach((s, i) => newIndex.set(s, i));
  let shifted = false;
  for (const m of model) {
    if (m.removed || newIndex.get(m) !== m.origin!.index) shifted = true;
  }
  if (!shifted) return;
  const mapIndex = (old: number): number | undefined => {
    const m = model[old];
    return m && !m.removed ? newIndex.get(m) : undefined;
  };
  const { order, bits } = image.header;
  const le = order === 'little';
  for (const s of out) {
    const o = s.origin;
    if (!o || s.data) continue;
    if (s.type === C.SHT_SYMTAB || s.type === C.SHT_DYNSYM) {
      const shndxSec = out.find((x) => x.type === C.SHT_SYMTAB_SHNDX && x.link === s);
      const fixed = fixSymbols(image, s, o, shndxSec, mapIndex, model.length, bits, le);
      if (fixed) {
        s.data = fixed.symbols;
        s.size = fixed.symbols.length;
        if (shndxSec && fixed.shndx) {
          shndxSec.data = fixed.shndx;
          shndxSec.size = fixed.shndx.length;
        }
      }
    } else if (s.type === C.SHT_GROUP) {
      const d = inputData(image, o).slice();
      const dv = new DataView(d.buffer);
      let touched = false;
      for (let at = 4; at + 4 <= d.length; at += 4) {
        const old = dv.getUint32(at, le);
        const ni = mapIndex(old);
        if (ni === undefined) throw new RewriteError('in-use', `cannot remove section ${old}: group ${s.name} contains it`);
        if (ni !== old) {
          dv.setUint32(at, ni, le);
          touched = true;
        }
      }
      if (touched) s.data = d;
    }
  }
}

function fixSymbols(
  image: ElfImage,
  s: OutSection,
  o: Section,
  shndxSec: OutSection | undefined,
  mapIndex: (old: number) => number | undefined,
  mapSize: number,
  bits: 32 | 64,
  le: boolean,
): { symbols: Uint8Array; shndx?: Uint8Array } | undefined {
  const recsize = bits === 64 ? 24 : 16;
  const entsize = o.entsize || recsize;
  const data = inputData(image, o).slice();
  const dv = new DataView(data.buffer);
  const ext = shndxSec?.origin ? inputData(image, shndxSec.origin).slice() : undefined;
  const xv = ext ? new DataView(ext.buffer) : undefined;
  const shndxAt = bits === 64 ? 6 : 14;
  const infoAt = bits === 64 ? 4 : 12;
  let touched = false;
  let touchedExt = false;
  for (let i = 0, at = 0; at + recsize <= data.length; i++, at += entsize) {
    const raw = dv.getUint16(at + shndxAt, le);
    let old: number;
    if (raw === C.SHN_XINDEX) {
      if (!xv || (i + 1) * 4 > ext!.length) continue;
      old = xv.getUint32(i * 4, le);
    } else if (raw === C.SHN_UNDEF || raw >= C.SHN_LORESERVE) {
      continue;
    } else {
      old = raw;
    }
    if (old >= mapSize) continue; // already dangling in the input: not ours to judge
    let ni = mapIndex(old);
    if (ni === undefined) {
      // A section symbol of a removed section goes with it; any other symbol would dangle.
      if ((data[at + infoAt]! & 0xf) !== C.STT_SECTION) throw new RewriteError('in-use', `cannot remove section ${old}: symbols in ${s.name} are defined in it`);
      ni = 0;
    }
    if (ni === old) continue;
    if (raw === C.SHN_XINDEX) {
      if (ni < C.SHN_LORESERVE) {
        dv.setUint16(at + shndxAt, ni, le);
        xv!.setUint32(i * 4, 0, le);
        touched = true;
      } else {
        xv!.setUint32(i * 4, ni, le);
      }
      touchedExt = true;
    } else {
      dv.setUint16(at + shndxAt, ni, le);
      touched = true;
    }
  }
  if (!touched && !touchedExt) return undefined;
  return { symbols: data, shndx: touchedExt ? ext : undefined };
}

/** The offset of `name` NUL-terminated in `table` (suffixes of longer names count), or -1. */
function findString(table: Uint8Array, name: Uint8Array): number {
  const n = name.length;
  outer: for (let i = table.indexOf(name[0]!); i >= 0 && i + n < table.length; i = table.indexOf(name[0]!, i + 1)) {
    if (table[i + n] !== 0) continue;
    for (let j = 1; j < n; j++) if (table[i + j] !== name[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Gives every section an sh_name: unchanged names keep their offset; new
 * ones reuse an existing string or are appended. Unreferenced strings at
 * the end (a removed or renamed section's) are trimmed, so adding and then
 * removing a section restores the table. A table shared with a symbol table
 * is only ever appended to.
 */
function buildNames(image: ElfImage, out: OutSection[], shstrtab: OutSection): void {
  const original = inputData(image, shstrtab.origin!);
  let table = original;
  let grown: number[] | undefined;
  for (const s of out) {
    if (s.nameOffset !== undefined || s === out[0]) continue;
    const bytes = encodeUtf8(s.name);
    let at = findString(table, bytes);
    if (at < 0) {
      grown ??= Array.from(table);
      at = grown.length;
      grown.push(...bytes, 0);
      table = Uint8Array.from(grown);
    }
    s.nameOffset = at;
  }
  // A table shared with symbol tables (assemblers and dwp do that) keeps
  // every string a symbol uses; shared with anything else, it only grows.
  const users = out.filter((s) => s !== shstrtab && s.link === shstrtab);
  if (users.every((s) => (s.type === C.SHT_SYMTAB || s.type === C.SHT_DYNSYM) && s.origin)) {
    let end = 1;
    const upTo = (at: number) => {
      const stop = table.indexOf(0, at);
      end = Math.max(end, (stop < 0 ? table.length : stop) + 1);
    };
    for (const s of out) if (!(s === out[0] && s.nameOffset === 0)) upTo(s.nameOffset ?? 0);
    for (const s of users) for (const at of symbolNameOffsets(image, s)) if (at < table.length) upTo(at);
    if (end < table.length) table = table.subarray(0, end);
  }
  if (table.length !== original.length || table !== original) {
    if (!(table.length === original.length && table.every((b, i) => b === original[i]))) {
      shstrtab.data = table;
      shstrtab.size = table.length;
    }
  }
}

/** st_name of every symbol in a symbol table section. */
function symbolNameOffsets(image: ElfImage, s: OutSection): number[] {
  const data = s.data ?? inputData(image, s.origin!);
  const recsize = image.header.bits === 64 ? 24 : 16;
  const entsize = s.entsize || recsize;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = image.header.order === 'little';
  const out: number[] = [];
  for (let at = 0; at + recsize <= data.length; at += entsize) out.push(dv.getUint32(at, le));
  return out;
}
