import type { Segment } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { ElfContext } from '../elf-context.js';
import type { MapBuilder } from '../map-builder.js';

/** `LOAD #2 [RX]`: the program header index and flags, as bloaty names a segment. */
export function segmentName(p: Segment): string {
  return `LOAD #${p.index} [${p.flags & C.PF_R ? 'R' : ''}${p.flags & C.PF_W ? 'W' : ''}${p.flags & C.PF_X ? 'X' : ''}]`;
}

/**
 * Every PT_LOAD segment: its addresses (p_memsz of them) and its file bytes
 * (p_filesz), named `LOAD #n [RWX]`, or `[LOAD #n [RWX]]` as the last
 * fallback of finer sources. PT_TLS is left out: its range is a template
 * for each thread's copy, and where it lies outside every PT_LOAD (lld puts
 * a Go binary's 8-byte .tbss there) no memory is mapped for it.
 */
export function addSegments(b: MapBuilder, ctx: ElfContext, escaped: boolean): void {
  for (const p of ctx.loads) {
    const name = segmentName(p);
    const addr = ctx.address(p.vaddr);
    if (Number.isNaN(addr)) continue;
    const fileSize = Math.max(0, Math.min(p.filesz, ctx.fileSize - p.offset));
    b.addRange(escaped ? `[${name}]` : name, addr, Number(p.memsz), p.offset, fileSize);
  }
}
