import * as C from './constants.js';
import type { Section } from './section.js';
import type { Segment } from './segment.js';

// .tbss takes neither memory nor file space in segments other than PT_TLS.
function tbssSpecial(s: Section, p: Segment): boolean {
  return (s.flags & C.SHF_TLS) !== 0 && s.type === C.SHT_NOBITS && p.type !== C.PT_TLS;
}

/**
 * Whether section `s` lies in segment `p`, by the rule binutils uses for
 * `readelf -l`'s "Section to Segment mapping" (ELF_SECTION_IN_SEGMENT_STRICT
 * in include/elf/internal.h): TLS sections only in TLS/LOAD/RELRO segments,
 * non-ALLOC sections never in LOAD-like segments, file offsets and addresses
 * inside the segment, and no empty section at the edge of DYNAMIC or NOTE.
 */
export function sectionInSegment(s: Section, p: Segment): boolean {
  if (tbssSpecial(s, p)) return false;
  const tls = (s.flags & C.SHF_TLS) !== 0;
  const alloc = (s.flags & C.SHF_ALLOC) !== 0;
  const t = p.type;
  if (!((tls && (t === C.PT_TLS || t === C.PT_GNU_RELRO || t === C.PT_LOAD)) || (!tls && t !== C.PT_TLS && t !== C.PT_PHDR))) return false;
  if (
    !alloc &&
    (t === C.PT_LOAD ||
      t === C.PT_DYNAMIC ||
      t === C.PT_GNU_EH_FRAME ||
      t === C.PT_GNU_STACK ||
      t === C.PT_GNU_RELRO ||
      t === C.PT_GNU_SFRAME ||
      (t >= C.PT_GNU_MBIND_LO && t <= C.PT_GNU_MBIND_HI))
  ) {
    return false;
  }
  const size = tbssSpecial(s, p) ? 0 : s.size;
  // Offsets and sizes are safe integers; p_filesz - 1 wraps in C for an empty segment, so 0 admits any offset there.
  const rel = s.offset - p.offset;
  if (s.type !== C.SHT_NOBITS) {
    if (!(rel >= 0 && (p.filesz === 0 || rel <= p.filesz - 1) && rel + size <= p.filesz)) return false;
  }
  if (alloc) {
    const u64 = (v: bigint) => BigInt.asUintN(64, v);
    if (!(s.addr >= p.vaddr && u64(s.addr - p.vaddr) <= u64(p.memsz - 1n) && u64(s.addr - p.vaddr + BigInt(size)) <= p.memsz)) return false;
  }
  if ((t === C.PT_DYNAMIC || t === C.PT_NOTE) && s.size === 0 && p.memsz !== 0n) {
    const fileOk = s.type === C.SHT_NOBITS || (rel > 0 && rel < p.filesz);
    const memOk = !alloc || (s.addr > p.vaddr && s.addr - p.vaddr < p.memsz);
    if (!(fileOk && memOk)) return false;
  }
  return true;
}

/** The first index of `keys` (ascending) whose key is at least `v`. */
function lowerBound<T extends number | bigint>(keys: readonly T[], v: T): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each segment, the indexes of the sections in it (section 0 excluded),
 * as `readelf -l` lists them. A section can only be in a segment whose file
 * range holds its offset (or, for SHT_NOBITS, whose memory holds its
 * address), so each segment checks just the sections found by binary
 * search over those keys: a damaged file with thousands of program headers
 * and sections costs their sum, not their product.
 */
export function sectionToSegmentMapping(sections: readonly Section[], segments: readonly Segment[]): number[][] {
  const inFile = sections.filter((s) => s.index !== 0 && s.type !== C.SHT_NOBITS).sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  const fileKeys = inFile.map((s) => s.offset);
  const bss = sections.filter((s) => s.index !== 0 && s.type === C.SHT_NOBITS && (s.flags & C.SHF_ALLOC) !== 0).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const bssKeys = bss.map((s) => s.addr);
  // Non-alloc NOBITS sections have neither key; the full check decides for each.
  const rest = sections.filter((s) => s.index !== 0 && s.type === C.SHT_NOBITS && (s.flags & C.SHF_ALLOC) === 0);
  return segments.map((p) => {
    const out: number[] = [];
    const fileEnd = p.offset + p.filesz;
    for (let i = lowerBound(fileKeys, p.offset); i < inFile.length && fileKeys[i]! <= fileEnd; i++) if (sectionInSegment(inFile[i]!, p)) out.push(inFile[i]!.index);
    const memEnd = p.vaddr + p.memsz;
    for (let i = lowerBound(bssKeys, p.vaddr); i < bss.length && bssKeys[i]! <= memEnd; i++) if (sectionInSegment(bss[i]!, p)) out.push(bss[i]!.index);
    for (const s of rest) if (sectionInSegment(s, p)) out.push(s.index);
    return out.sort((a, b) => a - b);
  });
}
