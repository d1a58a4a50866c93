import * as C from '@elfkit/elf/constants';
import { ElfContext } from '../elf-context.js';
import type { MapBuilder } from '../map-builder.js';

/** How {@link addSections} names a section's range. */
export type SectionNaming = 'name' | 'escaped' | 'flags';

/** `Section [AWX]` for an object file's made-up segments. */
function flagsName(flags: number): string {
  return `Section [${flags & C.SHF_ALLOC ? 'A' : ''}${flags & C.SHF_WRITE ? 'W' : ''}${flags & C.SHF_EXECINSTR ? 'X' : ''}]`;
}

/**
 * Every named section (index 0 excepted) as a range in both spaces: its
 * name (`sections`), `[section NAME]` (the fallback of finer sources) or
 * its flags (the segments of an object file). Sections without SHF_ALLOC
 * take no memory; SHT_NOBITS ones no file bytes.
 */
export function addSections(b: MapBuilder, ctx: ElfContext, naming: SectionNaming): void {
  for (const s of ctx.elf.sections) {
    if (s.index === 0 || s.name === '') continue;
    const label = naming === 'name' ? s.name : naming === 'escaped' ? `[section ${s.name}]` : flagsName(s.flags);
    const fileSize = Math.max(0, Math.min(ElfContext.sectionFileSize(s), ctx.fileSize - s.offset));
    const addr = ctx.sectionAddress(s);
    b.addRange(label, Number.isNaN(addr) ? 0 : addr, Number.isNaN(addr) ? 0 : ElfContext.sectionVmSize(s), s.offset, fileSize);
  }
}
