import { isParseError, Reader, type ByteOrder, type ParseError } from '@elfkit/binary';

/**
 * Supplies the bytes of a debug section by its standard ELF name
 * (`.debug_info`, `.debug_str_offsets.dwo`, …), already decompressed, or
 * undefined when the file has no such section. Mach-O or wasm callers map
 * the names to `__debug_info` or custom sections themselves.
 */
export type SectionLoader = (name: string) => Uint8Array | undefined;

/**
 * A section whose bytes come in from the front while it is read (a
 * compressed section inflated in steps): `bytes` is the whole section's
 * size, of which the first `available` are in.
 */
export interface GrowingSection {
  readonly bytes: Uint8Array;
  readonly available: number;
  /**
   * Brings in the bytes up to `end` now (on the calling thread): true once
   * they are; false when it cannot (then the loader gives the section whole).
   */
  here?(end: number): boolean;
}

/**
 * Gives a section by its ELF name while it is still coming in (see
 * {@link GrowingSection}), or undefined: then the {@link SectionLoader}
 * gives it whole.
 */
export type GrowingSectionSource = (name: string) => GrowingSection | undefined;

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
  private readonly growingSource?: GrowingSectionSource;
  /** Sections read while they come in: their bytes are good up to `available` (see {@link ensure}). */
  private readonly growing = new Map<SectionId, GrowingSection>();
  /** Sections read while they came in until a reader needed more: the loader gives them from then on. */
  private readonly letGo = new Set<SectionId>();

  constructor(loader: SectionLoader, order: ByteOrder, dwo = false, growing?: GrowingSectionSource) {
    this.loader = loader;
    this.growingSource = growing;
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
    // Abbreviations and line tables come in only for the readers that say how far they read (see front).
    if (id !== 'info' && this.growing.size !== 0 && this.growing.has(id)) this.ensure(id, Infinity);
    let b = this.cache.get(id);
    if (b === undefined) {
      // `.debug_info` may be read while it comes in: its readers say how far they read (see ensure).
      if (id === 'info' && this.takeGrowing(id)) return this.cache.get(id) as Uint8Array;
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

  /**
   * Makes sure the first `end` bytes of section `id` are in before they
   * are read: a section still coming in (see {@link GrowingSectionSource})
   * is let go below `end`, and the loader then gives it whole (its bytes
   * from {@link get} change). A no-op for every other section.
   */
  ensure(id: SectionId, end: number): void {
    const g = this.comingIn(id);
    if (!g || end <= g.available || g.here?.(end)) return;
    this.growing.delete(id);
    this.letGo.add(id);
    this.cache.delete(id);
    this.views.delete(id);
  }

  /**
   * The bytes of `.debug_abbrev` or `.debug_line` (`id`) of which at least
   * the first `end` are in (or as many as there are): a section still
   * coming in is brought in that far — the rest of its bytes are not to be
   * read (see {@link comingIn}) — else the whole section, as {@link get}.
   */
  front(id: 'abbrev' | 'line', end: number): Uint8Array | undefined {
    if (!this.cache.has(id)) this.takeGrowing(id);
    if (!this.growing.has(id)) return this.get(id);
    this.ensure(id, end);
    const g = this.growing.get(id);
    return g ? g.bytes : this.get(id);
  }

  /** Reads section `id` while it comes in, when the growing source has it so: true then. */
  private takeGrowing(id: SectionId): boolean {
    const g = this.letGo.has(id) ? undefined : this.growingSource?.(sectionName(id, this.dwo));
    if (!g || g.available >= g.bytes.length) return false;
    this.growing.set(id, g);
    this.cache.set(id, g.bytes);
    return true;
  }

  /** The section (loaded now if it was not) while it is still coming in; undefined when it is whole. */
  comingIn(id: SectionId): GrowingSection | undefined {
    if (!this.cache.has(id)) this.get(id);
    return this.growing.size === 0 ? undefined : this.growing.get(id);
  }

  /** True when the section exists (even if empty, or damaged). */
  has(id: SectionId): boolean {
    if ((id === 'abbrev' || id === 'line') && !this.cache.has(id)) this.takeGrowing(id);
    if (this.growing.has(id)) return true;
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
