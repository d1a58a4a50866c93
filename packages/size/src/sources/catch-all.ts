import type { ElfContext } from '../elf-context.js';
import type { MapBuilder } from '../map-builder.js';
import { addSections } from './sections.js';
import { addSegments } from './segments.js';

/** The ELF header and the two header tables, as file ranges. */
export function addHeaders(b: MapBuilder, ctx: ElfContext): void {
  const h = ctx.elf.header;
  b.addFileRange('[ELF Header]', 0, Math.min(h.ehsize || (h.bits === 64 ? 64 : 52), ctx.fileSize));
  if (h.shoff > 0) b.addFileRange('[ELF Section Headers]', h.shoff, Math.min(h.shnum * h.shentsize, ctx.fileSize - h.shoff));
  if (h.phoff > 0) b.addFileRange('[ELF Program Headers]', h.phoff, Math.min(h.phnum * h.phentsize, ctx.fileSize - h.phoff));
}

/**
 * What every source ends with, so each byte gets a label: `[section
 * NAME]` and the headers (except for the segments source, whose segments
 * already hold them), `[LOAD #n [RWX]]` for addresses between sections,
 * and `[Unmapped]` for the rest of the file — one layer after what the
 * source added (which it commits first).
 */
export function addCatchAll(b: MapBuilder, ctx: ElfContext, segmentsSource: boolean): void {
  b.commit();
  if (!segmentsSource) {
    addSections(b, ctx, 'escaped');
    addHeaders(b, ctx);
  }
  addSegments(b, ctx, true);
  b.addFileRange('[Unmapped]', 0, ctx.fileSize);
  b.commit();
}
