import { readRange, type ByteSource } from '@elfkit/binary';
import * as C from '../constants.js';
import type { Segment } from '../segment.js';
import { RewriteError } from './edits.js';
import { LOADABLE_SLACK, placeLoadables, type LoadableContext, type Phdr, type Range } from './loadable.js';
import type { ElfImage } from './image.js';
import type { OutSection, Plan } from './plan.js';

/** Bytes to put at `offset` of the output: given bytes, or `zero` zero bytes. */
export type Write = { readonly offset: number; readonly bytes: Uint8Array } | { readonly offset: number; readonly zero: number };

/** A section header of the output, as the writer placed it. */
export interface PlacedSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
}

/**
 * How to turn the input into the output: the output is the input's bytes,
 * cut or zero-extended to `size`, with `writes` applied in order. Every
 * byte that is not written keeps its offset, so a caller can copy the file
 * in the kernel and patch it, never holding it in memory.
 */
export interface RewriteResult {
  /** Output size in bytes. */
  readonly size: number;
  /** Patches, in the order they must be applied (later ones win). */
  readonly writes: readonly Write[];
  /** True when the output is the input, byte for byte. */
  readonly identity: boolean;
  /** The output's section headers, for checking the written file. */
  readonly sections: readonly PlacedSection[];
  /** The output's program header count. */
  readonly phnum: number;
  /** Remarks for the user (a layout that some tools mishandle). */
  readonly warnings: readonly string[];
}

const alignUp = (v: number, a: number) => (a > 1 ? Math.ceil(v / a) * a : v);

/**
 * The alignment a section is placed with when it moves: its sh_addralign,
 * but no more than its input offset had (the same in any well-formed file),
 * so a damaged sh_addralign of 2^28 cannot make a 12 KB file 256 MB.
 */
function placementAlign(s: OutSection): number {
  const a = Math.max(1, s.addralign);
  const from = s.origin?.offset ?? 0;
  if (from === 0) return a;
  let k = 1;
  while (k < a && from % (k * 2) === 0) k *= 2;
  return k;
}

export function hasFileData(s: { type: number; size: number }): boolean {
  return s.type !== C.SHT_NOBITS && s.size > 0;
}

/**
 * The first and last non-zero byte of `bytes` (-1, -1 when all are zero),
 * four bytes at a time through an aligned copy: what this meets is mostly
 * the zero padding between segments, and byte by byte in cold code it cost
 * a 22 KB file's stamp ~4M instructions for 7.6 KB of padding.
 */
function nonZeroBounds(bytes: Uint8Array): [number, number] {
  const n = bytes.length >>> 2;
  const words = new Uint32Array(n);
  new Uint8Array(words.buffer).set(bytes.subarray(0, n * 4));
  let first = -1;
  for (let w = 0; w < n; w++) {
    if (words[w] !== 0) {
      first = w * 4;
      while (bytes[first] === 0) first++;
      break;
    }
  }
  for (let i = n * 4; first < 0 && i < bytes.length; i++) if (bytes[i] !== 0) first = i;
  if (first < 0) return [-1, -1];
  for (let i = bytes.length - 1; i >= n * 4; i--) if (bytes[i] !== 0) return [first, i];
  for (let w = n - 1; ; w--) {
    if (words[w] !== 0) {
      let last = w * 4 + 3;
      while (bytes[last] === 0) last--;
      return [first, last];
    }
  }
}

/**
 * Bytes in the input that nothing describes (not the headers, a segment, a
 * section or the section header table) but are not zero: data appended to
 * the file, say. They are kept where they are.
 */
function orphans(source: ByteSource, covered: Range[]): Range[] {
  const sorted = covered.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  let at = 0;
  const scan = (start: number, end: number) => {
    let first = -1;
    let last = -1;
    for (let p = start; p < end; ) {
      const n = Math.min(end - p, 1 << 20);
      const [f, l] = nonZeroBounds(source.read(p, n));
      if (f >= 0) {
        if (first < 0) first = p + f;
        last = p + l;
      }
      p += n;
    }
    if (first >= 0) out.push({ start: first, end: last + 1 });
  };
  for (const r of sorted) {
    if (r.start > at) scan(at, Math.min(r.start, source.size));
    at = Math.max(at, r.end);
  }
  if (at < source.size) scan(at, source.size);
  return out;
}

const unknownOf = new WeakMap<ElfImage, Range[]>();

/**
 * The input's bytes that nothing describes but are not zero (see
 * `orphans`), which {@link layoutPlan} keeps where they are: found once
 * per image, so a caller that waits for something else before it plans
 * (`elfkit stamp`, for git) can have them found meanwhile. Each range is
 * `[start, end)` in the input, from its first to its last non-zero byte.
 */
export function unknownBytes(image: ElfImage): readonly { readonly start: number; readonly end: number }[] {
  let found = unknownOf.get(image);
  if (!found) {
    const { header, source } = image;
    const covered: Range[] = [{ start: 0, end: header.ehsize }, { start: header.shoff, end: header.shoff + header.shnum * header.shentsize }];
    if (header.phnum > 0 && header.phoff > 0) covered.push({ start: header.phoff, end: header.phoff + header.phnum * header.phentsize });
    for (const p of image.segments) if (p.filesz > 0) covered.push({ start: p.offset, end: p.offset + p.filesz });
    for (const s of image.sections) if (hasFileData(s)) covered.push({ start: s.offset, end: s.offset + s.size });
    found = orphans(source, covered);
    unknownOf.set(image, found);
  }
  return found;
}

/** `ranges` minus `holes`. */
function subtract(ranges: Range[], holes: Range[]): Range[] {
  let cur = ranges.filter((r) => r.end > r.start);
  for (const h of holes) {
    const next: Range[] = [];
    for (const r of cur) {
      if (h.end <= r.start || h.start >= r.end) next.push(r);
      else {
        if (h.start > r.start) next.push({ start: r.start, end: h.start });
        if (h.end < r.end) next.push({ start: h.end, end: r.end });
      }
    }
    cur = next;
  }
  return cur;
}

/**
 * Places every section of `plan` and produces the writes. Unchanged
 * sections, segments and the headers keep their offsets; changed contents
 * stay in place when they fit (a segment's bytes never move); the rest, new
 * sections and the section header table go after the last byte in use.
 * Loadable sections get a new PT_LOAD and PT_NOTE (`placeLoadables`).
 */
export function layoutPlan(plan: Plan): RewriteResult {
  const { image } = plan;
  const { header, layouts, source } = image;
  const segments = image.segments;
  if (!plan.changed) {
    return {
      size: source.size,
      writes: [],
      identity: true,
      sections: image.sections.map((s) => ({ index: s.index, name: s.name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size })),
      phnum: header.phnum,
      warnings: [],
    };
  }
  const is64 = header.bits === 64;
  const out = plan.sections;
  const writes: Write[] = [];
  const dead: Range[] = [];
  const fixed: Range[] = [{ start: 0, end: header.ehsize }];
  const phTable: Range | undefined = header.phnum > 0 && header.phoff > 0 ? { start: header.phoff, end: header.phoff + header.phnum * header.phentsize } : undefined;
  if (phTable) fixed.push(phTable);
  for (const p of segments) if (p.filesz > 0) fixed.push({ start: p.offset, end: p.offset + p.filesz });
  const oldSht: Range = { start: header.shoff, end: header.shoff + header.shnum * header.shentsize };
  const inSegment = (r: Range) => segments.some((p) => p.filesz > 0 && p.offset <= r.start && r.end <= p.offset + p.filesz);
  const loadOf = (start: number, end: number): Segment | undefined =>
    segments.find((p) => p.type === C.PT_LOAD && p.offset <= start && end <= p.offset + p.filesz && (p.filesz > 0 || start === p.offset));

  const keptRange = new Map<OutSection, Range>();
  for (const s of out) {
    const o = s.origin;
    if (o && o.index !== 0 && !s.data && hasFileData(o)) {
      const r = { start: o.offset, end: o.offset + o.size };
      keptRange.set(s, r);
      fixed.push(r);
    }
  }
  const unknown = unknownBytes(image);
  fixed.push(...unknown);
  if (!inSegment(oldSht)) dead.push(oldSht);

  // Program headers, decoded once; changes are marked dirty.
  const rawTable = phTable ? readRange(source, header.phoff, header.phnum * header.phentsize, 'program header table') : new Uint8Array(0);
  const phdrs: Phdr[] = [];
  for (let i = 0; i < header.phnum; i++) phdrs.push({ ...layouts.programHeader.read(rawTable, i * header.phentsize), from: i, dirty: false });
  const pnum = (v: number | bigint) => Number(v);
  const setNull = (p: Phdr) => {
    Object.assign(p, { p_type: C.PT_NULL, p_flags: 0, p_offset: 0, p_vaddr: 0, p_paddr: 0, p_filesz: 0, p_memsz: 0, p_align: 0, dirty: true });
  };
  // The PT_NOTE a note section ends (alone, or after other notes it also covers).
  const noteEndingAt = (start: number, size: number) =>
    phdrs.find((p) => p.p_type === C.PT_NOTE && pnum(p.p_offset) <= start && pnum(p.p_offset) + pnum(p.p_filesz) === start + size && pnum(p.p_filesz) > 0);

  // Removed sections: their bytes go unless a segment holds them; a removed
  // note that ends a PT_NOTE is erased and the PT_NOTE shrinks (or goes,
  // when it held only that note), so the running program no longer finds it.
  for (const s of plan.removed) {
    const o = s.origin!;
    if (!hasFileData(o)) continue;
    const r = { start: o.offset, end: o.offset + o.size };
    const note = o.type === C.SHT_NOTE ? noteEndingAt(o.offset, o.size) : undefined;
    if (note) {
      if (pnum(note.p_offset) === o.offset) setNull(note);
      else Object.assign(note, { p_filesz: pnum(note.p_filesz) - o.size, p_memsz: pnum(note.p_filesz) - o.size, dirty: true });
      writes.push({ offset: r.start, zero: o.size });
    } else if (!inSegment(r)) {
      dead.push(r);
    }
  }

  const offsets = new Map<OutSection, number>();
  const toPlace: OutSection[] = [];
  const nextFixed = (from: number) => {
    let best = Infinity;
    for (const r of fixed) if (r.start > from && r.start < best) best = r.start;
    return best;
  };
  const moved = new Set<OutSection>();
  // A note at the end of the highest PT_LOAD may grow: nothing is above
  // that segment in memory, and in the file only non-ALLOC sections (which
  // move to the end) may follow the note — strip tools put them in the
  // segment's spare room. That is how a loadable stamp that outgrew its
  // room is replaced without another segment.
  const growLoad = (s: OutSection, load: Segment, needEnd: number): boolean => {
    const ph = phdrs[load.index]!;
    const o = s.origin!;
    if (phdrs.some((p) => p !== ph && p.p_type === C.PT_LOAD && BigInt(p.p_vaddr) + BigInt(p.p_memsz) > BigInt(ph.p_vaddr))) return false;
    if (BigInt(ph.p_filesz) !== BigInt(ph.p_memsz)) return false;
    const segEnd = load.offset + load.filesz;
    const span = { start: o.offset + o.size, end: Math.max(segEnd, alignUp(needEnd + LOADABLE_SLACK, 16)) };
    const overlaps = (r: Range) => r.start < span.end && r.end > span.start;
    if (segments.some((p) => p !== load && p.filesz > 0 && overlaps({ start: p.offset, end: p.offset + p.filesz }))) return false;
    const top = BigInt(ph.p_vaddr) + BigInt(span.end - load.offset);
    if (unknown.some(overlaps) || top > (is64 ? 1n << 64n : 1n << 32n)) return false;
    const movers = out.filter((t) => t !== s && keptRange.has(t) && overlaps(keptRange.get(t)!));
    if (movers.some((t) => t.flags & C.SHF_ALLOC)) return false;
    for (const t of movers) {
      t.data = readRange(source, t.origin!.offset, t.origin!.size, `section ${t.name}`).slice();
      fixed.splice(fixed.indexOf(keptRange.get(t)!), 1);
      moved.add(t);
      toPlace.push(t);
    }
    if (span.end > segEnd) {
      const size = span.end - load.offset;
      Object.assign(ph, { p_filesz: size, p_memsz: size, dirty: true });
    }
    fixed.push({ start: load.offset, end: span.end });
    writes.push({ offset: span.start, zero: span.end - span.start });
    return true;
  };
  for (const s of out) {
    if (!s.data || s.loadable || moved.has(s)) continue;
    const o = s.origin;
    if (!o || o.type === C.SHT_NOBITS) {
      toPlace.push(s);
      continue;
    }
    const alloc = (o.flags & C.SHF_ALLOC) !== 0;
    const load = alloc ? loadOf(o.offset, o.offset + o.size) : undefined;
    let room = nextFixed(o.offset) - o.offset;
    if (load) room = Math.min(room, load.offset + load.filesz - o.offset);
    // A non-ALLOC section that happens to lie inside a segment (Go 1.19 puts
    // .shstrtab among its read-only data) never grows into its neighbours' padding.
    if (!alloc && inSegment({ start: o.offset, end: o.offset + o.size })) room = Math.min(room, o.size);
    const size = s.data.length;
    if (size > room && load && o.type === C.SHT_NOTE && growLoad(s, load, o.offset + size)) room = size;
    if (size <= room && (o.size > 0 || load)) {
      offsets.set(s, o.offset);
      fixed.push({ start: o.offset, end: o.offset + size });
      if (size < o.size && (alloc || !inSegment({ start: o.offset, end: o.offset + o.size }))) writes.push({ offset: o.offset + size, zero: o.size - size });
      const note = o.type === C.SHT_NOTE ? noteEndingAt(o.offset, o.size) : undefined;
      if (note && size !== o.size) {
        const filesz = pnum(note.p_filesz) + size - o.size;
        Object.assign(note, { p_filesz: filesz, p_memsz: filesz, dirty: true });
      }
    } else if (load) {
      throw new RewriteError('does-not-fit', `${s.name}: ${size} bytes do not fit its place in a loaded segment (${room} bytes)`);
    } else {
      if (o.size > 0) dead.push({ start: o.offset, end: o.offset + o.size });
      toPlace.push(s);
    }
  }

  let end = 0;
  for (const r of fixed) end = Math.max(end, r.end);

  // Loadable sections: a new PT_LOAD and PT_NOTE (see placeLoadables).
  const warnings: string[] = [];
  let phoff = header.phoff;
  if (out.some((s) => s.loadable)) {
    const ctx: LoadableContext = { image, out, phdrs, fixed, offsets, writes, end, phoff, warnings };
    placeLoadables(ctx);
    end = ctx.end;
    phoff = ctx.phoff;
  }
  const tableMoved = phoff !== header.phoff;

  for (const s of toPlace) {
    const at = alignUp(end, placementAlign(s));
    offsets.set(s, at);
    end = at + s.data!.length;
  }

  // The section header table goes last.
  const shoff = alignUp(end, is64 ? 8 : 4);
  const shentsize = header.shentsize;
  const size = shoff + out.length * shentsize;

  // Zero what is no longer used, except bytes still in use.
  for (const r of subtract(dead, fixed)) {
    const e = Math.min(r.end, size);
    if (e > r.start) writes.unshift({ offset: r.start, zero: e - r.start });
  }
  for (const s of out) {
    const at = offsets.get(s);
    if (at !== undefined && s.data) writes.push({ offset: at, bytes: s.data });
  }

  // Program header table.
  const phnum = phdrs.length;
  if (phdrs.some((p) => p.dirty) || tableMoved) {
    const table = new Uint8Array(phnum * header.phentsize);
    table.set(rawTable.subarray(0, Math.min(rawTable.length, table.length)));
    phdrs.forEach((p, i) => {
      if (p.dirty || p.from !== i) layouts.programHeader.write(table, i * header.phentsize, p);
    });
    writes.push({ offset: phoff, bytes: table });
  }

  // Section header table.
  const index = new Map<OutSection, number>();
  out.forEach((s, i) => index.set(s, i));
  const rawSht = readRange(source, header.shoff, header.shnum * shentsize, 'section header table');
  const sht = new Uint8Array(out.length * shentsize);
  const shnum = out.length;
  const shstrndx = index.get(plan.shstrtab)!;
  const placed: PlacedSection[] = [];
  out.forEach((s, i) => {
    const at = i * shentsize;
    const o = s.origin;
    if (o) sht.set(rawSht.subarray(o.index * shentsize, (o.index + 1) * shentsize), at);
    if (i === 0) {
      const ext: Partial<Record<'sh_size' | 'sh_link' | 'sh_info', number>> = {};
      if (shnum >= C.SHN_LORESERVE || header.raw.shnum === 0) ext.sh_size = shnum >= C.SHN_LORESERVE ? shnum : 0;
      if (shstrndx >= C.SHN_LORESERVE || header.raw.shstrndx === C.SHN_XINDEX) ext.sh_link = shstrndx >= C.SHN_LORESERVE ? shstrndx : 0;
      if (phnum >= C.PN_XNUM || header.raw.phnum === C.PN_XNUM) ext.sh_info = phnum >= C.PN_XNUM ? phnum : 0;
      layouts.sectionHeader.write(sht, at, ext);
      placed.push({ index: 0, name: s.name, type: s.type, flags: s.flags, addr: s.addr, offset: o?.offset ?? 0, size: o?.size ?? 0 });
      return;
    }
    const offset = offsets.get(s) ?? o?.offset ?? 0;
    const ref = (v: OutSection | number) => (typeof v === 'number' ? v : index.get(v)!);
    layouts.sectionHeader.write(sht, at, {
      sh_name: s.nameOffset!,
      sh_type: s.type,
      sh_flags: is64 ? BigInt(s.flags) : s.flags,
      sh_addr: s.addr,
      sh_offset: offset,
      sh_size: s.size,
      sh_link: ref(s.link),
      sh_info: ref(s.info),
      sh_addralign: s.addralign,
      sh_entsize: s.entsize,
    });
    placed.push({ index: i, name: s.name, type: s.type, flags: s.flags, addr: s.addr, offset, size: s.size });
  });
  writes.push({ offset: shoff, bytes: sht });

  // File header.
  const ehdr = readRange(source, 0, header.ehsize, 'ELF file header').slice();
  layouts.header.write(ehdr, 0, {
    e_shoff: shoff,
    e_shnum: shnum >= C.SHN_LORESERVE ? 0 : shnum,
    e_shstrndx: shstrndx >= C.SHN_LORESERVE ? C.SHN_XINDEX : shstrndx,
    e_phoff: phoff,
    e_phnum: phnum >= C.PN_XNUM ? C.PN_XNUM : phnum,
  });
  writes.push({ offset: 0, bytes: ehdr });
  return { size, writes, identity: false, sections: placed, phnum, warnings };
}
