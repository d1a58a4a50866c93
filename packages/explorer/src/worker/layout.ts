import { constants as C, segmentFlagsString, segmentTypeName, type ElfFile } from '@elfkit/elf';
import type { LayoutBar, LayoutPicture } from '../protocol.js';
import { bytes, hex, orElse } from './format.js';

interface Span {
  label: string;
  kind: LayoutBar['kind'];
  start: number;
  end: number;
  detail: string;
  group: number;
}

/**
 * Packs spans into lanes so none overlaps another in its lane: headers and
 * segments (which nest: PT_LOAD holds PT_NOTE) above, sections below.
 */
function pack(spans: Span[]): { bars: LayoutBar[]; lanes: string[] } {
  const bars: LayoutBar[] = [];
  const lanes: string[] = [];
  let laneBase = 0;
  for (const group of [0, 1]) {
    const ends: number[] = [];
    const mine = spans.filter((s) => s.group === group).sort((a, b) => a.start - b.start || b.end - a.end);
    for (const s of mine) {
      let lane = ends.findIndex((e) => e <= s.start);
      if (lane < 0) lane = ends.push(0) - 1;
      ends[lane] = s.end;
      bars.push({ label: s.label, kind: s.kind, start: s.start, end: s.end, lane: laneBase + lane, detail: s.detail });
    }
    const n = Math.max(1, ends.length);
    for (let i = 0; i < n; i++) lanes.push(group === 0 ? 'segments' : 'sections');
    laneBase += n;
  }
  return { bars, lanes };
}

/** The file's bytes to scale: headers, segments by file range, sections by offset. */
export function fileLayout(elf: ElfFile): LayoutPicture {
  const h = elf.header;
  const size = elf.source.size;
  const spans: Span[] = [{ label: 'ELF header', kind: 'header', start: 0, end: Math.min(size, h.ehsize), detail: `ELF header, ${h.ehsize} bytes`, group: 0 }];
  if (h.phnum) spans.push({ label: 'program headers', kind: 'header', start: h.phoff, end: h.phoff + h.phnum * h.phentsize, detail: `${h.phnum} program headers at ${hex(h.phoff)}`, group: 0 });
  if (h.shnum) spans.push({ label: 'section headers', kind: 'header', start: h.shoff, end: h.shoff + h.shnum * h.shentsize, detail: `${h.shnum} section headers at ${hex(h.shoff)}`, group: 1 });
  for (const p of elf.segments) {
    if (p.filesz === 0) continue;
    const name = segmentTypeName(p.type, h.machine);
    spans.push({ label: name, kind: 'segment', start: p.offset, end: p.offset + p.filesz, detail: `segment ${p.index} ${name}: offset ${hex(p.offset)}, ${bytes(p.filesz)} in the file`, group: 0 });
  }
  // Sections a truncated file cannot list leave the segments drawn.
  for (const s of orElse(() => elf.sections, [])) {
    if (s.index === 0 || s.type === C.SHT_NOBITS || s.size === 0) continue;
    spans.push({ label: s.name, kind: 'section', start: s.offset, end: s.offset + s.size, detail: `[${s.index}] ${s.name}: offset ${hex(s.offset)}, ${bytes(s.size)}`, group: 1 });
  }
  return { space: 'file', base: '0x0', extent: size, ...pack(spans.map((s) => ({ ...s, end: Math.min(s.end, Math.max(size, s.start)) }))) };
}

/** The address space to scale: PT_LOAD segments and allocated sections by address. */
export function memoryLayout(elf: ElfFile): LayoutPicture | undefined {
  const loads = elf.segments.filter((p) => p.type === C.PT_LOAD && p.memsz > 0n);
  if (loads.length === 0) return undefined;
  let base = loads[0]!.vaddr;
  let top = 0n;
  for (const p of loads) {
    if (p.vaddr < base) base = p.vaddr;
    if (p.vaddr + p.memsz > top) top = p.vaddr + p.memsz;
  }
  const rel = (a: bigint) => Number(a - base);
  const spans: Span[] = [];
  for (const p of loads) {
    spans.push({
      label: `LOAD ${segmentFlagsString(p.flags).replace(/ /g, '')}`,
      kind: 'segment',
      start: rel(p.vaddr),
      end: rel(p.vaddr + p.memsz),
      detail: `segment ${p.index} LOAD ${segmentFlagsString(p.flags).replace(/ /g, '')}: ${hex(p.vaddr)}–${hex(p.vaddr + p.memsz)}, ${bytes(p.memsz)} (${bytes(p.filesz)} from the file)`,
      group: 0,
    });
  }
  for (const s of orElse(() => elf.sections, [])) {
    // .tbss takes no address space of its own: each thread gets a copy.
    if (!(s.flags & C.SHF_ALLOC) || s.size === 0 || s.addr < base || (s.type === C.SHT_NOBITS && s.flags & C.SHF_TLS)) continue;
    const end = s.addr + BigInt(s.size);
    if (end > top) continue;
    spans.push({ label: s.name, kind: 'section', start: rel(s.addr), end: rel(end), detail: `[${s.index}] ${s.name}: ${hex(s.addr)}–${hex(end)}, ${bytes(s.size)}`, group: 1 });
  }
  return { space: 'memory', base: hex(base), extent: rel(top), ...pack(spans) };
}
