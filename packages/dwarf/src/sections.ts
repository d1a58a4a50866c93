import { isParseError, Reader, type ByteOrder, type ParseError } from '@elfkit/binary';

/**
 * Supplies the bytes of a debug section by its standard ELF name
 * (`.debug_info`, `.debug_str_offsets.dwo`, …), already decompressed, or
 * undefined when the file has no such section. Mach-O or wasm callers map
 * the names to `__debug_info` or custom sections themselves.
 */
export type SectionLoader = (name: string) => Uint8Array | undefined;

/** The DWARF sections this package reads, by short id. */
export type SectionId =
  | 'info'
  | 'types'
  | 'abbrev'
  | 'str'
  | 'lineStr'
  | 'strOffsets'
  | 'addr'
  | 'line'
  | 'ranges'
  | 'rnglists'
  | 'loc'
  | 'loclists'
  | 'aranges'
  | 'cuIndex'
  | 'tuIndex'
  | 'sup'
  | 'altlink';

const NAMES: Record<SectionId, string> = {
  info: '.debug_info',
  types: '.debug_types',
  abbrev: '.debug_abbrev',
  str: '.debug_str',
  lineStr: '.debug_line_str',
  strOffsets: '.debug_str_offsets',
  addr: '.debug_addr',
  line: '.debug_line',
  ranges: '.debug_ranges',
  rnglists: '.debug_rnglists',
  loc: '.debug_loc',
  loclists: '.debug_loclists',
  aranges: '.debug_aranges',
  cuIndex: '.debug_cu_index',
  tuIndex: '.debug_tu_index',
  sup: '.debug_sup',
  altlink: '.gnu_debugaltlink',
};

/** Sections a split-DWARF (`.dwo`/`.dwp`) file names with a `.dwo` suffix. */
const DWO_SUFFIXED = new Set<SectionId>(['info', 'types', 'abbrev', 'str', 'strOffsets', 'line', 'loc', 'loclists', 'rnglists']);

/** The ELF section name of `id`; in a split-DWARF file most names end in `.dwo`. */
export function sectionName(id: SectionId, dwo = false): string {
  return dwo && DWO_SUFFIXED.has(id) ? NAMES[id] + '.dwo' : NAMES[id];
}

const EMPTY = new Uint8Array(0);

/**
 * The debug sections of one file, loaded on first use and kept. Absent
 * sections read as empty, so a reference into them fails with a ParseError
 * naming the section rather than a TypeError.
 */
export class DwarfSections {
  readonly order: ByteOrder;
  readonly littleEndian: boolean;
  /** True for a `.dwo`/`.dwp` file (section names end in `.dwo`). */
  readonly dwo: boolean;
  private readonly loader: SectionLoader;
  private readonly cache = new Map<SectionId, Uint8Array | ParseError | null>();

  constructor(loader: SectionLoader, order: ByteOrder, dwo = false) {
    this.loader = loader;
    this.order = order;
    this.littleEndian = order === 'little';
    this.dwo = dwo;
  }

  /**
   * The section's bytes, or undefined when the file has none. A section the
   * loader cannot supply (a corrupt compression header) throws its
   * ParseError here, every time, without asking the loader again: readers
   * that need it fail, the others go on.
   */
  get(id: SectionId): Uint8Array | undefined {
    let b = this.cache.get(id);
    if (b === undefined) {
      try {
        b = this.loader(sectionName(id, this.dwo)) ?? null;
      } catch (e) {
        if (!isParseError(e)) throw e;
        b = e;
      }
      this.cache.set(id, b);
    }
    if (b instanceof Error) throw b;
    return b ?? undefined;
  }

  /** True when the section exists (even if empty, or damaged). */
  has(id: SectionId): boolean {
    try {
      return this.get(id) !== undefined;
    } catch {
      return true;
    }
  }

  /** The section's bytes, empty when absent. */
  bytes(id: SectionId): Uint8Array {
    return this.get(id) ?? EMPTY;
  }

  private readonly views = new Map<SectionId, DataView>();

  /** One DataView over the whole section, shared by the many short-lived readers of it. */
  view(id: SectionId): DataView {
    let v = this.views.get(id);
    if (!v) {
      const b = this.bytes(id);
      v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.views.set(id, v);
    }
    return v;
  }

  /** The ELF name of section `id` in this file. */
  name(id: SectionId): string {
    return sectionName(id, this.dwo);
  }

  /** A reader over the whole section (empty when absent), errors naming it. */
  reader(id: SectionId, addressSize = 8): Reader {
    return new Reader(this.bytes(id), { order: this.order, addressSize, section: this.name(id) });
  }
}
