import { ParseError, Reader } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfFile } from './file.js';
import type { Section } from './section.js';

/** A GNU symbol version attached to a dynamic symbol. */
export interface SymbolVersion {
  /** Version name (`GLIBC_2.34`). */
  readonly name: string;
  /** Version index from `.gnu.version` (without the hidden bit). */
  readonly index: number;
  /** The hidden bit: a non-default version (`name@VER` rather than `name@@VER`). */
  readonly hidden: boolean;
  /** True when the version comes from `.gnu.version_r` (a version this file needs from `file`). */
  readonly needed: boolean;
  /** The library that provides a needed version. */
  readonly file?: string;
}

interface VersionName {
  name: string;
  file?: string;
  flags: number;
}

/**
 * Version names of a dynamic symbol table, index-aligned with its symbols,
 * resolved as readelf does: a defined symbol looks in `.gnu.version_d`, then
 * `.gnu.version_r`; the base version and local/global indexes (0, 1) get none.
 */
export function readSymbolVersions(file: ElfFile, dynsym: Section, shndxOf: (index: number) => number | undefined): (SymbolVersion | undefined)[] | undefined {
  const versym = file.sections.find((s) => s.type === C.SHT_GNU_versym && s.link === dynsym.index);
  if (!versym) return undefined;
  const defs = new Map<number, VersionName>();
  const needs = new Map<number, VersionName>();
  for (const s of file.sections) {
    if (s.type === C.SHT_GNU_verdef && s.link !== 0) readVerdef(file, s, defs);
    else if (s.type === C.SHT_GNU_verneed && s.link !== 0) readVerneed(file, s, needs);
  }
  const r = new Reader(file.sectionData(versym), { order: file.header.order, section: versym.label });
  const count = Math.floor(r.length / 2);
  const out: (SymbolVersion | undefined)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const v = r.u16();
    const index = v & C.VERSYM_VERSION;
    const hidden = (v & C.VERSYM_HIDDEN) !== 0;
    if (index === 0 || index === 1) continue;
    const shndx = shndxOf(i);
    let name: VersionName | undefined;
    let needed = false;
    if (shndx !== undefined && shndx !== C.SHN_UNDEF && v !== 0x8001) {
      name = defs.get(index);
      if (name && index === 1 && name.flags === C.VER_FLG_BASE) name = undefined;
    }
    if (!name) {
      name = needs.get(index);
      needed = name !== undefined;
    }
    if (name) out[i] = { name: name.name, index, hidden, needed, file: name.file };
  }
  return out;
}

function readVerdef(file: ElfFile, s: Section, out: Map<number, VersionName>): void {
  const strtab = file.stringTable(file.linkedSection(s));
  const r = new Reader(file.sectionData(s), { order: file.header.order, section: s.label });
  let off = 0;
  // sh_info is the entry count; the size bounds it too, so a cycle cannot spin.
  for (let n = 0; n < Math.min(s.info || Infinity, r.length / 20); n++) {
    r.seek(off);
    r.u16(); // vd_version
    const flags = r.u16();
    const ndx = r.u16();
    r.u16(); // vd_cnt
    r.u32(); // vd_hash
    const aux = r.u32();
    const next = r.u32();
    if (aux !== 0) {
      const a = r.at(off + aux);
      out.set(ndx, { name: strtab.tryGet(a.u32()), flags });
    }
    if (next === 0) break;
    off += next;
    if (off >= r.length) throw new ParseError('out-of-range', `version definition chain leaves the section`, s.label, off);
  }
}

function readVerneed(file: ElfFile, s: Section, out: Map<number, VersionName>): void {
  const strtab = file.stringTable(file.linkedSection(s));
  const r = new Reader(file.sectionData(s), { order: file.header.order, section: s.label });
  let off = 0;
  for (let n = 0; n < Math.min(s.info || Infinity, r.length / 16); n++) {
    r.seek(off);
    r.u16(); // vn_version
    const cnt = r.u16();
    const fileName = strtab.tryGet(r.u32());
    const aux = r.u32();
    const next = r.u32();
    let aoff = off + aux;
    for (let j = 0; j < cnt && aoff + 16 <= r.length; j++) {
      const a = r.at(aoff);
      a.u32(); // vna_hash
      const flags = a.u16();
      const other = a.u16();
      const name = strtab.tryGet(a.u32());
      const anext = a.u32();
      out.set(other, { name, file: fileName, flags });
      if (anext === 0) break;
      aoff += anext;
    }
    if (next === 0) break;
    off += next;
    if (off >= r.length) throw new ParseError('out-of-range', `version needs chain leaves the section`, s.label, off);
  }
}
