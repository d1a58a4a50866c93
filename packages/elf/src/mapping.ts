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
  const size = BigInt(tbssSpecial(s, p) ? 0 : s.size);
  const soff = BigInt(s.offset);
  const poff = BigInt(p.offset);
  const pfilesz = BigInt(p.filesz);
  // Unsigned arithmetic as in C: p_filesz - 1 wraps for an empty segment.
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  if (s.type !== C.SHT_NOBITS) {
    if (!(soff >= poff && u64(soff - poff) <= u64(pfilesz - 1n) && u64(soff - poff + size) <= pfilesz)) return false;
  }
  if (alloc) {
    if (!(s.addr >= p.vaddr && u64(s.addr - p.vaddr) <= u64(p.memsz - 1n) && u64(s.addr - p.vaddr + size) <= p.memsz)) return false;
  }
  if ((t === C.PT_DYNAMIC || t === C.PT_NOTE) && s.size === 0 && p.memsz !== 0n) {
    const fileOk = s.type === C.SHT_NOBITS || (soff > poff && soff - poff < pfilesz);
    const memOk = !alloc || (s.addr > p.vaddr && s.addr - p.vaddr < p.memsz);
    if (!(fileOk && memOk)) return false;
  }
  return true;
}

/** For each segment, the indexes of the sections in it (section 0 excluded), as `readelf -l` lists them. */
export function sectionToSegmentMapping(sections: readonly Section[], segments: readonly Segment[]): number[][] {
  return segments.map((p) => sections.filter((s) => s.index !== 0 && sectionInSegment(s, p)).map((s) => s.index));
}
