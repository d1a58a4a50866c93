import { isParseError, ParseError, Reader, type ByteOrder } from '@elfkit/binary';
import { parseAbbrevTable, type AbbrevTable } from './abbrev.js';
import { arangeSets, arangeSpans, type ArangeSet, type ArangeSpans } from './aranges.js';
import * as C from './constants.js';
import { parseDwpIndex, type Contributions, type DwpIndex } from './dwp.js';
import { readInitialLength } from './encoding.js';
import { LineProgram, type LineProgramContext } from './line.js';
import { DwarfSections, type GrowingSectionSource, type SectionLoader } from './sections.js';
import { StringSection } from './strings.js';
import { Unit } from './unit.js';
import { readUnitHeader, UnitHeaderError } from './unit-header.js';

/** Options for {@link Dwarf.load}. */
export interface DwarfOptions {
  /** Byte order of the file. */
  order: ByteOrder;
  /**
   * True for a split-DWARF file (`.dwo`, `.dwp`), whose sections are named
   * `.debug_*.dwo`. Default: detected (`.debug_info.dwo` present and
   * `.debug_info` absent).
   */
  dwo?: boolean;
  /** The supplementary file (`.gnu_debugaltlink`, `.debug_sup`) that `DW_FORM_GNU_*_alt` and `*_sup` forms point into. */
  sup?: Dwarf;
  /**
   * `.debug_info` while it is still coming in (a section inflated in
   * steps): a unit is read from it once its bytes are in; a read that needs
   * more (another unit's header, every unit) has the loader give the whole
   * section first.
   */
  growing?: GrowingSectionSource;
}

/** Called with each problem an iteration steps over (a bad unit) instead of stopping. */
export type ErrorSink = (e: ParseError) => void;

/**
 * The DWARF of one file, read lazily from a section loader (gimli's
 * `Dwarf`, Go's `dwarf.Data`): constructing it reads nothing; units,
 * abbreviation tables, strings and line programs are parsed when first
 * asked for and cached.
 */
export class Dwarf {
  readonly sections: DwarfSections;
  readonly order: ByteOrder;
  /** The supplementary file, when one was given. */
  sup?: Dwarf;
  private readonly abbrevCache = new Map<number, AbbrevTable | ParseError>();
  private readonly unitCache = new Map<number, Unit>();
  private readonly typeUnitCache = new Map<number, Unit>();
  private strSection?: StringSection;
  private lineStrSection?: StringSection;
  private unitOffsets?: number[];
  private cuIndexResult?: DwpIndex | ParseError | null;
  private tuIndexResult?: DwpIndex | ParseError | null;
  private typeSigs?: Map<bigint, Unit>;

  private constructor(sections: DwarfSections, sup?: Dwarf) {
    this.sections = sections;
    this.order = sections.order;
    this.sup = sup;
  }

  /** A reader of the DWARF sections `loader` supplies. */
  static load(loader: SectionLoader, options: DwarfOptions): Dwarf {
    // A section the loader fails on exists (it is damaged): that failure belongs to whoever reads it.
    const exists = (name: string) => {
      try {
        return loader(name) !== undefined;
      } catch (e) {
        if (!isParseError(e)) throw e;
        return true;
      }
    };
    const dwo = options.dwo ?? (!exists('.debug_info') && exists('.debug_info.dwo'));
    return new Dwarf(new DwarfSections(loader, options.order, dwo, options.growing), options.sup);
  }

  /** True when the file has a `.debug_info` (or `.debug_info.dwo`). */
  get hasInfo(): boolean {
    return this.sections.has('info');
  }

  /** The string at `offset` of `.debug_str` (`.debug_str.dwo` in a split file). */
  str(offset: number): string {
    this.strSection ??= new StringSection(this.sections.bytes('str'), this.sections.name('str'));
    return this.strSection.at(offset);
  }

  /** The string at `offset` of `.debug_line_str`. */
  lineStr(offset: number): string {
    this.lineStrSection ??= new StringSection(this.sections.bytes('lineStr'), this.sections.name('lineStr'));
    return this.lineStrSection.at(offset);
  }

  /** The abbreviation table at `offset` of `.debug_abbrev`, parsed once (failures too). */
  abbrevTable(offset: number): AbbrevTable {
    const c = this.abbrevCache.get(offset);
    if (c instanceof ParseError) throw c;
    if (c) return c;
    try {
      const t = this.parseAbbrevTable(offset);
      this.abbrevCache.set(offset, t);
      return t;
    } catch (e) {
      if (e instanceof ParseError) this.abbrevCache.set(offset, e);
      throw e;
    }
  }

  /**
   * Parses the abbreviation table at `offset`. While `.debug_abbrev` comes
   * in, from the bytes that are in, with more brought in each time the
   * table runs past them; once it is all in, from all of it (errors as
   * without a growing section).
   */
  private parseAbbrevTable(offset: number): AbbrevTable {
    const name = this.sections.name('abbrev');
    for (let more = 1; ; more = Math.max(more * 2, 1 << 12)) {
      const bytes = this.sections.front('abbrev', offset + more) ?? new Uint8Array(0);
      const g = this.sections.comingIn('abbrev');
      if (!g || g.available >= bytes.length) return parseAbbrevTable(bytes, this.order, offset, name);
      try {
        return parseAbbrevTable(bytes.subarray(0, g.available), this.order, offset, name);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }
  }

  /**
   * The units of `.debug_info` in section order (or of `.debug_types` with
   * `types`). A unit whose header is bad but whose length is sound is
   * reported to `onError` and skipped; a bad length ends the walk after
   * reporting. Without `onError` the first problem is thrown.
   */
  *units(onError?: ErrorSink, types = false): Generator<Unit> {
    const id = types ? 'types' : 'info';
    let bytes: Uint8Array;
    try {
      this.sections.ensure(id, Infinity);
      bytes = this.sections.bytes(id);
    } catch (e) {
      // The section itself cannot be read (a corrupt compression header).
      if (!isParseError(e) || !onError) throw e;
      onError(e);
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      let unit: Unit;
      try {
        unit = this.unitAt(offset, types);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        if (!onError) throw e;
        onError(e);
        if (e instanceof UnitHeaderError && e.nextUnit > offset) {
          offset = e.nextUnit;
          continue;
        }
        return;
      }
      yield unit;
      offset = unit.end;
    }
  }

  /** The units of DWARF 4 `.debug_types`. */
  typeUnits(onError?: ErrorSink): Generator<Unit> {
    return this.units(onError, true);
  }

  /** The unit whose header is at `offset` (cached). Throws ParseError for a bad header. */
  unitAt(offset: number, types = false): Unit {
    const cache = types ? this.typeUnitCache : this.unitCache;
    let u = cache.get(offset);
    if (u) return u;
    const id = types ? 'types' : 'info';
    // A section still coming in: the unit's length first, then all of it (its DIEs are read from these bytes).
    if (this.sections.comingIn(id)) {
      this.sections.ensure(id, offset + 12);
      this.sections.ensure(id, unitEnd(this.sections.bytes(id), offset, this.sections.littleEndian));
    }
    const r = new Reader(this.sections.bytes(id), { order: this.order, section: this.sections.name(id) });
    const header = readUnitHeader(r, offset, types);
    let contributions: Contributions | undefined;
    if (this.sections.dwo) {
      try {
        const index = types || header.unitType === C.DW_UT_split_type ? this.tuIndex() : this.cuIndex();
        contributions = index?.byUnitOffset(offset, types)?.contributions;
      } catch {
        // A corrupt package index leaves the unit without contributions; the
        // index error itself is reported by whoever reads the index.
      }
    }
    u = new Unit(this, header, contributions);
    cache.set(offset, u);
    return u;
  }

  /**
   * The unit of `.debug_info` containing section offset `offset` (for
   * `DW_FORM_ref_addr`, `--offset` lookups), found by binary search over
   * the unit headers, which are scanned once.
   */
  unitContaining(offset: number): Unit | undefined {
    if (!this.unitOffsets) {
      const offs: number[] = [];
      this.sections.ensure('info', Infinity);
      const bytes = this.sections.bytes('info');
      const r = new Reader(bytes, { order: this.order, section: this.sections.name('info') });
      let at = 0;
      try {
        while (at < bytes.length) {
          offs.push(at);
          r.pos = at;
          const il = readInitialLength(r, 'unit');
          at = r.pos + il.length;
        }
      } catch {
        // The offsets found so far are still usable.
      }
      this.unitOffsets = offs;
    }
    const offs = this.unitOffsets;
    let lo = 0;
    let hi = offs.length - 1;
    if (hi < 0 || offset < offs[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offs[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const u = this.unitAt(offs[lo]!);
    return offset < u.end ? u : undefined;
  }

  /** The type unit with signature `sig` (DWARF 4 `.debug_types` or DWARF 5 type units), if any. */
  typeUnit(sig: bigint): Unit | undefined {
    if (!this.typeSigs) {
      const m = new Map<bigint, Unit>();
      const ignore = () => {};
      for (const u of this.units(ignore)) if (u.header.typeSignature !== undefined) m.set(u.header.typeSignature, u);
      for (const u of this.typeUnits(ignore)) if (u.header.typeSignature !== undefined) m.set(u.header.typeSignature, u);
      this.typeSigs = m;
    }
    return this.typeSigs.get(sig);
  }

  /** Parses the line program at `offset` of `.debug_line` for `unit` (its comp_dir and string bases). */
  lineProgramAt(offset: number, unit?: Unit | (() => Unit | undefined)): LineProgram {
    // A section still coming in: the program's length first, then all of it (its header and rows read only those bytes).
    let bytes = this.sections.front('line', offset + 12);
    if (bytes && this.sections.comingIn('line')) bytes = this.sections.front('line', unitEnd(bytes, offset, this.sections.littleEndian));
    return LineProgram.parse(bytes ?? new Uint8Array(0), this.order, this.sections.name('line'), offset, this.lineContext(unit));
  }

  /**
   * The context a line program of `unit` resolves its paths and strings
   * with. `unit` may be a function: it is called only if a path or a string
   * needs the unit (DWARF 2–4 relative paths, `strx` forms).
   */
  lineContext(unit?: Unit | (() => Unit | undefined)): LineProgramContext {
    const get = typeof unit === 'function' ? unit : () => unit;
    const direct = typeof unit === 'function' ? undefined : unit;
    return {
      addressSize: direct?.header.addressSize,
      compDir: () => {
        try {
          return get()?.root().compDir;
        } catch {
          return undefined; // a unit whose root DIE is unreadable gives no directory
        }
      },
      strings: (form, value) => {
        const u = form === C.DW_FORM_line_strp || form === C.DW_FORM_strp || form === C.DW_FORM_string ? undefined : get();
        const s = u ? u.formString(form, value) : form === C.DW_FORM_line_strp ? this.lineStr(value as number) : form === C.DW_FORM_strp ? this.str(value as number) : undefined;
        if (s === undefined) throw new ParseError('unsupported', `line table string in form 0x${form.toString(16)}`, this.sections.name('line'), 0);
        return s;
      },
    };
  }

  /**
   * Every line program of `.debug_line` in section order (as llvm-dwarfdump
   * --debug-line walks them). Each comes with a `unit()` function that
   * finds the unit pointing to it; the units are scanned only when that is
   * first called (or a path needs the unit's comp_dir), so listing DWARF 5
   * line tables never touches `.debug_info`. A program whose header is bad
   * is reported to `onError` and skipped when its length is sound.
   */
  *linePrograms(onError?: ErrorSink): Generator<{
    /** Offset of the program's header in `.debug_line`. */
    offset: number;
    /** The unit whose DW_AT_stmt_list names this program (found on first call); undefined when none does. */
    unit: () => Unit | undefined;
    /** The line program. */
    program: LineProgram;
  }> {
    const sink: ErrorSink = onError ?? ((e) => {
      throw e;
    });
    let bytes: Uint8Array;
    try {
      bytes = this.sections.bytes('line');
    } catch (e) {
      if (!isParseError(e)) throw e;
      sink(e);
      return;
    }
    if (bytes.length === 0) return;
    let byOffset: Map<number, Unit> | undefined;
    const unitAtLine = (offset: number): Unit | undefined => {
      if (!byOffset) {
        byOffset = new Map();
        for (const u of this.units(sink)) {
          try {
            const s = u.root().stmtList;
            if (s !== undefined && !byOffset.has(s + u.sectionBase('line'))) byOffset.set(s + u.sectionBase('line'), u);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            sink(e);
          }
        }
      }
      return byOffset.get(offset);
    };
    const r = new Reader(bytes, { order: this.order, section: this.sections.name('line') });
    let offset = 0;
    while (offset < bytes.length) {
      r.pos = offset;
      let next: number;
      try {
        const il = readInitialLength(r, 'line program');
        next = r.pos + il.length;
        if (next > bytes.length) throw r.error('truncated', `line program length 0x${il.length.toString(16)} runs past the end of ${r.section}`, offset);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        sink(e);
        return;
      }
      const at = offset;
      const unit = () => unitAtLine(at);
      let program: LineProgram | undefined;
      try {
        program = this.lineProgramAt(offset, unit);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        sink(e);
      }
      if (program) yield { offset, unit, program };
      offset = next;
    }
  }

  /** The sets of `.debug_aranges`. */
  aranges(onError?: ErrorSink): Generator<ArangeSet> {
    return arangeSets(this.sections.bytes('aranges'), this.order, this.sections.name('aranges'), onError as (e: Error) => void);
  }

  /** Every range of `.debug_aranges` as numbers (for an address index: no object per range). */
  arangeSpans(onError?: ErrorSink): ArangeSpans {
    return arangeSpans(this.sections.bytes('aranges'), this.order, this.sections.name('aranges'), onError as (e: Error) => void);
  }

  /** The `.debug_cu_index` of a `.dwp`, or undefined. */
  cuIndex(): DwpIndex | undefined {
    return this.index('cu');
  }

  /** The `.debug_tu_index` of a `.dwp`, or undefined. */
  tuIndex(): DwpIndex | undefined {
    return this.index('tu');
  }

  private index(kind: 'cu' | 'tu'): DwpIndex | undefined {
    const cur = kind === 'cu' ? this.cuIndexResult : this.tuIndexResult;
    if (cur instanceof ParseError) throw cur;
    if (cur !== undefined) return cur ?? undefined;
    const id = kind === 'cu' ? 'cuIndex' : 'tuIndex';
    const bytes = this.sections.get(id);
    let result: DwpIndex | ParseError | null;
    try {
      result = bytes ? parseDwpIndex(bytes, this.order, this.sections.name(id)) : null;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      result = e;
    }
    if (kind === 'cu') this.cuIndexResult = result;
    else this.tuIndexResult = result;
    if (result instanceof ParseError) throw result;
    return result ?? undefined;
  }

  /** In a `.dwp`: the split compile unit with dwo_id `id`. */
  splitUnitById(id: bigint): Unit | undefined {
    const row = this.cuIndex()?.find(id);
    if (row?.contributions.info) return this.unitAt(row.contributions.info.offset);
    // A lone .dwo: scan its units.
    if (!this.cuIndex()) {
      for (const u of this.units(() => {})) {
        try {
          if (u.root().dwoId === id) return u;
        } catch {
          // skip unreadable units
        }
      }
    }
    return undefined;
  }
}

/**
 * Where the unit whose header is at `offset` ends, from its initial length
 * (what {@link DwarfSections.ensure} needs in before the unit is read);
 * Infinity when the length is not there or not a length.
 */
function unitEnd(bytes: Uint8Array, offset: number, little: boolean): number {
  if (offset < 0 || offset + 4 > bytes.length) return Infinity;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = v.getUint32(offset, little);
  if (n < 0xfffffff0) return offset + 4 + n;
  if (n !== 0xffffffff || offset + 12 > bytes.length) return Infinity;
  return offset + 12 + Number(v.getBigUint64(offset + 4, little));
}
