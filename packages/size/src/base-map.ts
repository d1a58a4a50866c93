import type { ElfContext } from './elf-context.js';
import { MapBuilder, type Translator } from './map-builder.js';
import { addHeaders } from './sources/catch-all.js';
import { addSections } from './sources/sections.js';
import { addSegments } from './sources/segments.js';

/**
 * The base maps: the PT_LOAD segments (an object file's allocated sections,
 * by flags), the headers and `[Unmapped]`. They define the totals — every
 * byte of the file, every loaded address — and translate between file
 * offsets and addresses.
 */
export function buildBase(ctx: ElfContext): MapBuilder & Translator {
  const b = new MapBuilder(undefined, true);
  if (ctx.isObject) addSections(b, ctx, 'flags');
  else addSegments(b, ctx, false);
  b.commit();
  addHeaders(b, ctx);
  b.commit();
  b.addFileRange('[Unmapped]', 0, ctx.fileSize);
  b.commit();
  return b;
}
