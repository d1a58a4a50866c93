import { isParseError } from '@elfkit/binary';
import { ListCursor, SectionWindow, type Attribute, type Unit } from '@elfkit/dwarf';
import type { ElfFile, Section } from '@elfkit/elf';

/**
 * The DWARF 4 range lists (`.debug_ranges`) of a front-to-back walk over
 * the units, read through a window that follows the walk over the section
 * as it is inflated: units point to their lists in section order (the Go
 * linker writes them so), so the whole section — 4 MB inflated in the
 * docker CLI — is never held. A list behind the window, a DWARF 5 list, a
 * split unit's, or any list once the section could not be streamed is
 * read as before, through the unit over the whole section.
 */
export class ForwardRangeLists {
  private window: SectionWindow | undefined;
  private fallback = false;

  constructor(
    private readonly elf: ElfFile,
    private readonly section: Section | undefined,
  ) {}

  /** A cursor over the range list `at` (a DW_AT_ranges of unit `u`) denotes; undefined when it denotes none. */
  cursor(u: Unit, at: Attribute): ListCursor | undefined {
    const loc = u.rangeListLocation(at);
    if (!loc) return undefined;
    if (this.fallback || loc.rnglists || loc.owner !== u.dwarf || !this.section || u.isSplit) return u.rangeListCursor(at);
    try {
      const w = (this.window ??= new SectionWindow(this.elf.sectionChunks(this.section)[Symbol.iterator]()));
      if (loc.offset < w.start) {
        this.fallback = true;
        return u.rangeListCursor(at);
      }
      w.dropBefore(loc.offset);
      this.fillThroughEnd(w, loc.offset, 2 * u.header.addressSize);
      return new ListCursor(w.bytes, this.section.name, loc.offset, 'ranges', u.listContext(), undefined, w.start);
    } catch (e) {
      if (!isParseError(e)) throw e;
      // The section would not stream (damaged): the whole-section reader meets and reports the same damage.
      this.fallback = true;
      this.window = undefined;
      return u.rangeListCursor(at);
    }
  }

  /** Reads on until the list at `offset` ends (its pair of zero addresses) inside the window, or the section ends. */
  private fillThroughEnd(w: SectionWindow, offset: number, pair: number): void {
    let at = offset;
    for (;;) {
      w.fill(at + 4096);
      const bytes = w.bytes;
      for (; at + pair <= w.end; at += pair) {
        let zero = true;
        for (let k = at - w.start, e = k + pair; k < e; k++) {
          if (bytes[k] !== 0) {
            zero = false;
            break;
          }
        }
        if (zero) return;
      }
      if (w.complete) return;
    }
  }
}
