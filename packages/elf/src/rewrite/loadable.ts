import { readRange } from '@elfkit/binary';
import * as C from '../constants.js';
import type { RawProgramHeader } from '../layouts.js';
import { RewriteError } from './edits.js';
import type { ElfImage } from './image.js';
import type { Write } from './layout.js';
import type { OutSection } from './plan.js';

/** A byte range `[start, end)` of the file. */
export interface Range {
  start: number;
  end: number;
}

/** A program header being edited: the raw fields, where it came from, whether it changed. */
export interface Phdr extends RawProgramHeader {
  /** Index in the input table, or -1 for a new entry. */
  from: number;
  dirty: boolean;
}

/** What {@link placeLoadables} shares with the rest of the layout. */
export interface LoadableContext {
  readonly image: ElfImage;
  readonly out: readonly OutSection[];
  readonly phdrs: Phdr[];
  /** Ranges that must keep their bytes (headers, segments, kept sections, unknown data). */
  readonly fixed: Range[];
  /** File offsets chosen for sections that move or are new. */
  readonly offsets: Map<OutSection, number>;
  /** Patches, applied in order. */
  readonly writes: Write[];
  /** First free byte after everything placed so far. */
  end: number;
  /** The program header table's offset (changes only when it moves). */
  phoff: number;
  /** Non-fatal remarks for the user. */
  readonly warnings: string[];
}

const alignUp = (v: number, a: number) => (a > 1 ? Math.ceil(v / a) * a : v);
const alignUpBig = (v: bigint, a: bigint) => (a > 1n ? ((v + a - 1n) / a) * a : v);

/** Spare room after loadable data in its segment, so a re-stamp of similar size is updated in place. */
export const LOADABLE_SLACK = 512;

const n = (v: number | bigint) => Number(v);

/**
 * Puts the loadable sections in a new read-only PT_LOAD at the end of the
 * file and memory image, with a PT_NOTE over them, so `dl_iterate_phdr`
 * finds them at run time.
 *
 * The two program headers go, in order of preference:
 * 1. into PT_NULL slots (the PT_LOAD only after the last PT_LOAD, keeping
 *    PT_LOADs sorted by address);
 * 2. into a table grown in place over free bytes after it (Go's linker
 *    leaves the section header table there, which moves to the end anyway);
 * 3. into a table grown in place after moving the sections right behind it
 *    that only program headers refer to — `.interp` (PT_INTERP) and notes
 *    (PT_NOTE, PT_GNU_PROPERTY) — into the new segment, with their segments
 *    and symbols updated. The kernel reads PT_INTERP and PT_GNU_PROPERTY
 *    through file offsets and ld.so reads them through addresses, both of
 *    which follow. The table itself stays where GNU strip, eu-strip and
 *    the loader expect it: after the file header, in the first PT_LOAD;
 * 4. failing all that, by moving the table into the new segment (PT_PHDR
 *    updated, its address the load base plus its file offset, which is how
 *    the kernel computes AT_PHDR). The loader accepts it; GNU strip and
 *    eu-strip do not, hence the warning.
 */
export function placeLoadables(ctx: LoadableContext): void {
  const { image, out, phdrs, fixed, offsets, writes } = ctx;
  const { header, layouts, source } = image;
  const is64 = header.bits === 64;
  const loadables = out.filter((s) => s.loadable);
  const loads = phdrs.filter((p) => p.p_type === C.PT_LOAD);
  if (loads.length === 0) throw new RewriteError('unsupported', 'the file has no PT_LOAD segment: loadable sections need an executable or shared object');
  if (header.phentsize < layouts.programHeader.size) throw new RewriteError('unsupported', `e_phentsize ${header.phentsize} is too small`);
  let pAlign = 1n;
  let vEnd = 0n;
  for (const p of loads) {
    if (BigInt(p.p_align) > pAlign) pAlign = BigInt(p.p_align);
    const e = BigInt(p.p_vaddr) + BigInt(p.p_memsz);
    if (e > vEnd) vEnd = e;
  }
  const noteAlign = Math.max(4, ...loadables.map((s) => s.addralign));
  const lastLoad = Math.max(...loads.map((p) => p.from));
  const free = phdrs.filter((p) => p.p_type === C.PT_NULL);
  const loadSlot = free.find((p) => p.from > lastLoad);
  const noteSlot = free.find((p) => p !== loadSlot);
  const ent = header.phentsize;

  // Room for the missing program headers.
  let grow: Growth | undefined;
  let moveTable = false;
  if (!loadSlot || !noteSlot) {
    grow = growInPlace(ctx, loadSlot ? 0 : 1, noteSlot ? 0 : 1, noteAlign);
    if (!grow) {
      moveTable = true;
      ctx.warnings.push('the program header table had no room to grow, so it moved to the end of the file: the loader accepts this, GNU strip and eu-strip do not');
    }
  }
  const appendTo = grow?.appendTo;
  const added = (loadSlot ? 0 : 1) + (noteSlot || appendTo ? 0 : 1);
  const newCount = phdrs.length + added;

  // The new segment: [moved table | relocated block] [loadable notes] [slack].
  const first = loads.reduce((a, b) => (a.from < b.from ? a : b));
  const base = BigInt(first.p_vaddr) - BigInt(first.p_offset);
  let segOffset: number;
  let segVaddr: bigint;
  if (moveTable) {
    // Its address must be the load base plus its file offset: the kernel's
    // AT_PHDR before Linux 5.18 is exactly that, and glibc derives the load
    // bias from AT_PHDR - PT_PHDR.p_vaddr.
    if (base < 0n || base % pAlign !== 0n) throw new RewriteError('unsupported', 'the first PT_LOAD does not map the file at an aligned base; the program header table cannot move');
    const needed = vEnd - base > BigInt(ctx.end) ? vEnd - base : BigInt(ctx.end);
    segOffset = Number(alignUpBig(needed, pAlign));
    segVaddr = base + BigInt(segOffset);
  } else {
    segOffset = alignUp(ctx.end, 16);
    segVaddr = alignUpBig(vEnd, pAlign) + (BigInt(segOffset) % pAlign);
  }
  let at = segOffset;
  if (moveTable) {
    ctx.phoff = segOffset;
    at += newCount * ent;
  }
  if (grow?.range) {
    // The block keeps its internal layout; only its place changes.
    const r = grow.range;
    const relocated = grow.relocated;
    const blockAlign = Math.max(8, ...relocated.map((s) => s.addralign || 1));
    at = alignUp(at, blockAlign) + (r.start % blockAlign);
    const fdelta = at - r.start;
    const l0 = loads.find((p) => n(p.p_offset) <= r.start && r.end <= n(p.p_offset) + n(p.p_filesz))!;
    const oldVaddr = BigInt(l0.p_vaddr) + BigInt(r.start - n(l0.p_offset));
    const vdelta = segVaddr + BigInt(at - segOffset) - oldVaddr;
    writes.push({ offset: at, bytes: readRange(source, r.start, r.end - r.start, 'sections moved for the program header table').slice() });
    writes.push({ offset: r.start, zero: r.end - r.start });
    for (const s of relocated) {
      offsets.set(s, s.origin!.offset + fdelta);
      s.addr += vdelta;
    }
    for (const p of phdrs) {
      if (p.p_type === C.PT_LOAD || p.from < 0) continue;
      const off = n(p.p_offset);
      if (n(p.p_filesz) > 0 && off >= r.start && off + n(p.p_filesz) <= r.end) {
        Object.assign(p, { p_offset: off + fdelta, p_vaddr: BigInt(p.p_vaddr) + vdelta, p_paddr: BigInt(p.p_paddr) + vdelta, dirty: true });
      }
    }
    shiftSymbols(ctx, relocated, vdelta);
    at += r.end - r.start;
  }
  at = alignUp(at, noteAlign);
  const notesStart = at;
  for (const s of loadables) {
    at = alignUp(at, Math.max(1, s.addralign));
    offsets.set(s, at);
    s.addr = segVaddr + BigInt(at - segOffset);
    at += s.data!.length;
  }
  const notesEnd = at;
  const segSize = alignUp(notesEnd - segOffset + LOADABLE_SLACK, 16);
  if (segVaddr + BigInt(segSize) > (is64 ? 1n << 64n : 1n << 32n)) throw new RewriteError('does-not-fit', 'no address space left above the last segment for a loadable section');

  const make = (slot: Phdr | undefined, v: RawProgramHeader): void => {
    if (slot) Object.assign(slot, v, { dirty: true });
    else phdrs.push({ ...v, from: -1, dirty: true });
  };
  make(loadSlot, { p_type: C.PT_LOAD, p_flags: C.PF_R, p_offset: segOffset, p_vaddr: segVaddr, p_paddr: segVaddr, p_filesz: segSize, p_memsz: segSize, p_align: pAlign });
  if (appendTo && notesStart === n(appendTo.p_offset) + n(appendTo.p_filesz)) {
    // The relocated PT_NOTE ends where the new notes start: it covers them too.
    const size = notesEnd - n(appendTo.p_offset);
    Object.assign(appendTo, { p_filesz: size, p_memsz: size, dirty: true });
  } else {
    if (appendTo) throw new RewriteError('unsupported', 'internal: the relocated note segment does not end where the new notes start');
    const noteV = segVaddr + BigInt(notesStart - segOffset);
    make(noteSlot, { p_type: C.PT_NOTE, p_flags: C.PF_R, p_offset: notesStart, p_vaddr: noteV, p_paddr: noteV, p_filesz: notesEnd - notesStart, p_memsz: notesEnd - notesStart, p_align: noteAlign });
  }
  if (phdrs.length >= C.PN_XNUM) throw new RewriteError('unsupported', 'too many program headers');
  const tableSize = phdrs.length * ent;
  const phdrSeg = phdrs.find((p) => p.p_type === C.PT_PHDR);
  if (phdrSeg && moveTable) {
    Object.assign(phdrSeg, { p_offset: segOffset, p_vaddr: segVaddr, p_paddr: segVaddr, p_filesz: tableSize, p_memsz: tableSize, dirty: true });
  } else if (phdrSeg && added > 0) {
    Object.assign(phdrSeg, { p_filesz: tableSize, p_memsz: tableSize, dirty: true });
  }
  if (!moveTable && added > 0) fixed.push({ start: header.phoff, end: header.phoff + tableSize });
  fixed.push({ start: segOffset, end: segOffset + segSize });
  ctx.end = segOffset + segSize;
}

/** Room found after the program header table. */
interface Growth {
  /** Sections to move into the new segment (empty when the bytes were free). */
  relocated: OutSection[];
  /** Their file range, moved as one block. */
  range?: Range;
  /** A moved PT_NOTE that ends the block: the new notes extend it instead of needing a PT_NOTE of their own. */
  appendTo?: Phdr;
}

/**
 * Finds room right after the program header table, inside its PT_LOAD,
 * for `loads` + `notes` more entries: free bytes first, then room made by
 * relocating `.interp` and note sections that only program headers refer
 * to. A relocated 4-byte-aligned PT_NOTE at the end of the block takes the
 * new notes, which saves the PT_NOTE entry. Undefined when nothing works.
 */
function growInPlace(ctx: LoadableContext, loads: number, notes: number, noteAlign: number): Growth | undefined {
  const { image, out, phdrs, fixed } = ctx;
  const { header } = image;
  const ent = header.phentsize;
  const tableEnd = header.phoff + header.phnum * ent;
  const load = phdrs.find((p) => p.p_type === C.PT_LOAD && n(p.p_offset) <= header.phoff && tableEnd <= n(p.p_offset) + n(p.p_filesz));
  if (!load) return undefined;
  const loadEnd = n(load.p_offset) + n(load.p_filesz);
  // What occupies bytes after the table: kept sections, segments other than
  // those containing the table, and whatever else must stay.
  const containsTable = (r: Range) => r.start <= header.phoff && tableEnd <= r.end;
  const occupied: { range: Range; section?: OutSection }[] = [];
  for (const s of out) {
    const o = s.origin;
    if (!o || o.index === 0 || o.type === C.SHT_NOBITS || o.size === 0 || s.data) continue;
    occupied.push({ range: { start: o.offset, end: o.offset + o.size }, section: s });
  }
  const segRange = (p: Phdr): Range => ({ start: n(p.p_offset), end: n(p.p_offset) + n(p.p_filesz) });
  for (const p of phdrs) {
    if (p.p_type === C.PT_NULL || n(p.p_filesz) === 0) continue;
    if (!containsTable(segRange(p))) occupied.push({ range: segRange(p) });
  }
  for (const r of fixed) if (!containsTable(r) && r.start >= tableEnd) occupied.push({ range: r });
  const roomAfterTable = (moved: Set<OutSection>, block?: Range) => {
    let best = loadEnd;
    for (const o of occupied) {
      if (o.section && moved.has(o.section)) continue;
      if (block && o.range.start >= block.start && o.range.end <= block.end) continue;
      if (o.range.end > tableEnd && o.range.start < best) best = Math.max(o.range.start, tableEnd);
    }
    return best - tableEnd;
  };
  if (roomAfterTable(new Set()) >= (loads + notes) * ent) return { relocated: [] };

  const movable = (s: OutSection) => (s.flags & C.SHF_ALLOC) !== 0 && (s.type === C.SHT_NOTE || (s.name === '.interp' && s.type === C.SHT_PROGBITS));
  const candidates = out
    .filter((s) => s.origin && !s.data && s.origin.offset >= tableEnd && s.origin.offset < loadEnd && s.origin.type !== C.SHT_NOBITS && s.origin.size > 0)
    .sort((a, b) => a.origin!.offset - b.origin!.offset);
  const moved: OutSection[] = [];
  for (const s of candidates) {
    if (!movable(s)) break;
    moved.push(s);
    const range = { start: moved[0]!.origin!.offset, end: s.origin!.offset + s.origin!.size };
    // Segments other than the table's PT_LOAD lie wholly inside or wholly outside the block.
    const straddles = phdrs.some((p) => {
      if (p.p_type === C.PT_NULL || p === load || n(p.p_filesz) === 0 || containsTable(segRange(p))) return false;
      const r = segRange(p);
      return r.start < range.end && r.end > range.start && !(r.start >= range.start && r.end <= range.end);
    });
    if (straddles) continue;
    const appendTo = phdrs.find((p) => p.p_type === C.PT_NOTE && n(p.p_align) <= noteAlign && n(p.p_align) >= 4 && segRange(p).end === range.end && segRange(p).start >= range.start);
    const need = (loads + (notes > 0 && !appendTo ? 1 : 0)) * ent;
    if (roomAfterTable(new Set(moved), range) >= need) {
      if (!symbolsMovable(ctx, moved)) return undefined;
      return { relocated: [...moved], range, appendTo: notes > 0 ? appendTo : undefined };
    }
  }
  return undefined;
}

/** Relocation is refused when a dynamic symbol is defined in a section that would move: the loader would see the old address. */
function symbolsMovable(ctx: LoadableContext, moved: OutSection[]): boolean {
  const idx = new Set(moved.map((s) => s.origin!.index));
  for (const s of ctx.out) {
    if (s.type !== C.SHT_DYNSYM || !s.origin) continue;
    for (const { shndx } of symbolValues(ctx, s)) if (idx.has(shndx)) return false;
  }
  return true;
}

function* symbolValues(ctx: LoadableContext, s: OutSection): Generator<{ at: number; shndx: number }> {
  const { header, source } = ctx.image;
  const o = s.origin!;
  const is64 = header.bits === 64;
  const recsize = is64 ? 24 : 16;
  const entsize = o.entsize || recsize;
  const data = s.data ?? readRange(source, o.offset, o.size, `section ${o.name}`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = header.order === 'little';
  for (let at = 0; at + recsize <= data.length; at += entsize) yield { at, shndx: dv.getUint16(at + (is64 ? 6 : 14), le) };
}

/** Moves the values of `.symtab` symbols defined in relocated sections by `vdelta`. */
function shiftSymbols(ctx: LoadableContext, moved: OutSection[], vdelta: bigint): void {
  const { header } = ctx.image;
  const is64 = header.bits === 64;
  const le = header.order === 'little';
  const idx = new Set(moved.map((s) => s.origin!.index));
  for (const s of ctx.out) {
    if (s.type !== C.SHT_SYMTAB || !s.origin) continue;
    const valueAt = is64 ? 8 : 4;
    for (const { at, shndx } of symbolValues(ctx, s)) {
      if (!idx.has(shndx)) continue;
      const src = s.data ?? readRange(ctx.image.source, s.origin.offset + at + valueAt, is64 ? 8 : 4, 'symbol value');
      const dv = s.data ? new DataView(s.data.buffer, s.data.byteOffset + at + valueAt, is64 ? 8 : 4) : new DataView(src.buffer, src.byteOffset, src.byteLength);
      const bytes = new Uint8Array(is64 ? 8 : 4);
      const w = new DataView(bytes.buffer);
      if (is64) w.setBigUint64(0, BigInt.asUintN(64, dv.getBigUint64(0, le) + vdelta), le);
      else w.setUint32(0, Number(BigInt.asUintN(32, BigInt(dv.getUint32(0, le)) + vdelta)), le);
      if (s.data) s.data.set(bytes, at + valueAt);
      else ctx.writes.push({ offset: s.origin.offset + at + valueAt, bytes });
    }
  }
}
