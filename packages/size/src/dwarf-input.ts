import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { isParseError, type ParseError } from '@elfkit/binary';
import { Dwarf, streamUnits, type Unit } from '@elfkit/dwarf';
import { SectionBytes } from './section-bytes.js';

/**
 * The DWARF the size sources read, and whether its sections are in the
 * file being measured (then the bytes of each unit are charged to it) or
 * in a separate debug file (then only addresses are).
 */
export class DwarfInput {
  private readonly bytesCache = new Map<string, SectionBytes | null>();

  constructor(
    readonly dwarf: Dwarf,
    /** The ELF file holding the DWARF sections. */
    readonly elf: ElfFile,
    /** True when `elf` is the file being measured. */
    readonly own: boolean,
  ) {}

  /** The DWARF of `elf` itself (`.debug_*`, `.zdebug_*`, compressed or not); undefined when it has no `.debug_info`. */
  static of(elf: ElfFile, own: boolean): DwarfInput | undefined {
    const info = elf.debugSection('.debug_info');
    if (!info || info.type === C.SHT_NOBITS) return undefined;
    const dwarf = Dwarf.load((name) => {
      const s = name.startsWith('.debug_') ? elf.debugSection(name) : elf.section(name);
      return s && s.type !== C.SHT_NOBITS ? elf.sectionData(s) : undefined;
      // Not split DWARF (it has a .debug_info): said outright, so that loading reads no section — .debug_info is
      // decompressed when the units are walked, after the Go layout's scratch arrays are gone.
    }, { order: elf.header.order, dwo: false });
    return new DwarfInput(dwarf, elf, own);
  }

  /**
   * The units of `.debug_info`, front to back, read as the section is
   * inflated ({@link streamUnits}): the whole section is never held (13 MB
   * in the docker CLI). A unit's bytes are valid until the next one. A
   * section that cannot be read goes to `onError`, after the units before
   * the damage.
   */
  *streamUnits(onError: (e: ParseError) => void): Generator<Unit> {
    const s = this.elf.debugSection('.debug_info')!;
    try {
      yield* streamUnits(this.dwarf, this.elf.sectionChunks(s), onError);
    } catch (e) {
      if (!isParseError(e)) throw e;
      onError(e);
    }
  }

  /** Where the contents of DWARF section `name` are in the measured file; undefined when not there. */
  bytes(name: string): SectionBytes | undefined {
    if (!this.own) return undefined;
    let b = this.bytesCache.get(name);
    if (b === undefined) {
      const s = this.elf.debugSection(name);
      b = s && s.type !== C.SHT_NOBITS ? SectionBytes.of(this.elf, s) : null;
      this.bytesCache.set(name, b);
    }
    return b ?? undefined;
  }
}
