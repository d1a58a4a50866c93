import { ParseError, Reader } from '@elfkit/binary';
import type { AbbrevTable } from './abbrev.js';
import { attrBigInt, attrNumber, type Attribute, type AttrValue } from './attribute.js';
import * as C from './constants.js';
import { DieCursor, type CursorUnit } from './cursor.js';
import type { Dwarf } from './dwarf.js';
import type { Contributions } from './dwp.js';
import type { Encoding } from './encoding.js';
import { decodeExpression, OperationCursor, type Operation } from './expression.js';
import { formClass } from './forms.js';
import { LineProgram } from './line.js';
import { ListCursor, listOffset, locationList, rangeList, type AddressRange, type ListContext, type LocationListEntry, type RangeListEntry } from './lists.js';
import type { SectionId } from './sections.js';
import type { UnitHeader } from './unit-header.js';
import type { streamUnits } from './unit-stream.js';

/** Facts from a unit's root DIE, read once. */
export interface UnitRoot {
  readonly tag: number;
  readonly name?: string;
  readonly compDir?: string;
  readonly producer?: string;
  readonly language?: number;
  /** DW_AT_low_pc resolved (the base address of range and location lists). */
  readonly lowPc?: bigint;
  readonly stmtList?: number;
  /** DW_AT_dwo_name or DW_AT_GNU_dwo_name. */
  readonly dwoName?: string;
  /** The dwo_id: from the DWARF 5 header, or DW_AT_GNU_dwo_id. */
  readonly dwoId?: bigint;
}

/** A DIE as {@link Unit.dies} yields it. */
export interface Die {
  /** Section offset. */
  readonly offset: number;
  /** 0 for the unit DIE. */
  readonly depth: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attributes: readonly Attribute[];
}

/** How a reference attribute resolves. */
export interface ResolvedRef {
  /** `info` (this file's `.debug_info`), `types` (DWARF 4 `.debug_types`), `sup` (the supplementary file), or `sig` (a type signature). */
  readonly target: 'info' | 'types' | 'sup' | 'sig';
  /** Section offset, for `info`, `types` and `sup`. */
  readonly offset?: number;
  /** The signature, for `sig`. */
  readonly signature?: bigint;
}

const EMPTY_ATTRS: Attribute[] = [];

/**
 * One unit (compile, type, partial, skeleton or split unit), with the
 * lookups that need its context: string and address indexes through its
 * bases, unit-relative references, range and location lists, the line
 * program. Everything is computed on first use and kept; a failure is kept
 * too, so a corrupt unit fails the same way each time without re-parsing
 * (addr2line's `LazyResult`).
 */
export class Unit implements CursorUnit {
  readonly dwarf: Dwarf;
  readonly header: UnitHeader;
  readonly encoding: Encoding;
  readonly sectionBytes: Uint8Array;
  /** Section offset of `sectionBytes[0]` (0 unless the unit was read from a stream: see {@link streamUnits}). */
  readonly bytesBase: number;
  readonly sectionName: string;
  readonly littleEndian: boolean;
  readonly offset: number;
  readonly firstEntry: number;
  readonly end: number;
  /** In a `.dwp`: this unit's contributions to the package's sections. */
  readonly contributions?: Contributions;
  /** For a split unit opened through its skeleton: the skeleton (which holds `.debug_addr` and the address base). */
  skeleton?: Unit;

  private abbrevResult?: AbbrevTable | ParseError;
  private rootResult?: UnitRoot | ParseError;
  private rootAttrs: Attribute[] = EMPTY_ATTRS;
  private lineResult?: LineProgram | null | ParseError;
  private bases?: { strOffsets: number; addr: number; rnglists: number; loclists: number; gnuRanges: number };

  /**
   * `window`: bytes of the section holding the whole unit, starting at
   * section offset `base` (the section is then not loaded), and the unit's
   * abbreviation table when the caller has it (then it is not looked up in
   * the Dwarf's cache).
   */
  constructor(dwarf: Dwarf, header: UnitHeader, contributions?: Contributions, window?: { bytes: Uint8Array; base: number; abbrevs?: AbbrevTable }) {
    this.dwarf = dwarf;
    this.header = header;
    this.encoding = { offsetSize: header.offsetSize, version: header.version, addressSize: header.addressSize };
    this.sectionBytes = window ? window.bytes : dwarf.sections.bytes(header.inTypes ? 'types' : 'info');
    this.bytesBase = window ? window.base : 0;
    this.abbrevResult = window?.abbrevs;
    this.sectionName = header.section;
    this.littleEndian = dwarf.sections.littleEndian;
    this.offset = header.offset;
    this.firstEntry = header.offset + header.headerSize;
    this.end = header.end;
    this.contributions = contributions;
  }

  /** DWARF version (2–5). */
  get version(): number {
    return this.header.version;
  }
  /** DW_UT_* (implied compile or type before DWARF 5). */
  get unitType(): number {
    return this.header.unitType;
  }
  /** True for a split (`.dwo`) unit. */
  get isSplit(): boolean {
    return this.dwarf.sections.dwo;
  }

  /** Where section `id`'s data for this unit starts (non-zero only in a `.dwp`). */
  sectionBase(id: SectionId): number {
    return this.contributions?.[id]?.offset ?? 0;
  }

  /** The unit's abbreviation table (cached per offset in the Dwarf). */
  abbrevs(): AbbrevTable {
    const r = this.abbrevResult;
    if (r instanceof ParseError) throw r;
    if (r) return r;
    try {
      this.abbrevResult = this.dwarf.abbrevTable(this.header.abbrevOffset + this.sectionBase('abbrev'));
    } catch (e) {
      if (e instanceof ParseError) this.abbrevResult = e;
      throw e;
    }
    return this.abbrevResult;
  }

  /** A cursor before the unit's first entry. */
  entries(): DieCursor {
    return new DieCursor(this);
  }

  /**
   * The unit's DIEs in depth-first order as objects (null entries left
   * out), decoded one at a time as iterated; for hot loops use
   * {@link entries}, which allocates nothing per DIE.
   */
  *dies(): Generator<Die> {
    const c = this.entries();
    while (c.next()) yield { offset: c.offset, depth: c.depth, tag: c.tag, hasChildren: c.hasChildren, attributes: c.attrs() };
  }

  /**
   * A cursor whose next entry is the DIE at section offset `offset`
   * (depth counted from it as 0). Throws ParseError when the offset is
   * outside the unit's DIEs.
   */
  entriesAt(offset: number): DieCursor {
    if (offset < this.firstEntry || offset >= this.end) throw new ParseError('out-of-range', `DIE offset 0x${offset.toString(16)} is outside the unit at 0x${this.offset.toString(16)}`, this.sectionName, offset);
    return new DieCursor(this, offset, 0);
  }

  /** The root DIE's facts (name, comp_dir, low_pc, stmt_list, dwo linkage). */
  root(): UnitRoot {
    const r = this.rootResult;
    if (r instanceof ParseError) throw r;
    if (r) return r;
    try {
      this.rootResult = this.readRoot();
    } catch (e) {
      if (e instanceof ParseError) this.rootResult = e;
      throw e;
    }
    return this.rootResult;
  }

  /** The root DIE's attributes (raw). */
  rootAttributes(): readonly Attribute[] {
    this.root();
    return this.rootAttrs;
  }

  private readRoot(): UnitRoot {
    const c = this.entries();
    if (!c.next()) return { tag: 0 };
    const attrs = c.attrs();
    this.rootAttrs = attrs;
    const get = (n: number) => attrs.find((a) => a.name === n);
    const tag = c.tag;
    const str = (n: number) => {
      const a = get(n);
      return a ? this.attrString(a) : undefined;
    };
    const low = get(C.DW_AT_low_pc);
    const dwoIdAttr = get(C.DW_AT_GNU_dwo_id);
    return {
      tag,
      name: str(C.DW_AT_name),
      compDir: str(C.DW_AT_comp_dir),
      producer: str(C.DW_AT_producer),
      language: attrNumber(get(C.DW_AT_language)?.value),
      lowPc: low ? this.attrAddress(low) : undefined,
      stmtList: attrNumber(get(C.DW_AT_stmt_list)?.value),
      dwoName: str(C.DW_AT_dwo_name) ?? str(C.DW_AT_GNU_dwo_name),
      dwoId: this.header.dwoId ?? (dwoIdAttr ? attrBigInt(dwoIdAttr.value) : undefined),
    };
  }

  /** Base offsets (str_offsets, addr, rnglists, loclists, GNU ranges) from the root DIE, with the split-DWARF defaults. */
  private getBases() {
    if (this.bases) return this.bases;
    // Bases are read from the raw root attributes so that resolving a
    // string of the root DIE itself (which needs str_offsets_base) works.
    let attrs: Attribute[] = EMPTY_ATTRS;
    try {
      const c = this.entries();
      if (c.next()) attrs = c.attrs();
    } catch {
      // A unit whose root DIE cannot be read has default bases; the error surfaces from root().
    }
    const num = (n: number) => attrNumber(attrs.find((a) => a.name === n)?.value);
    const dwo = this.isSplit;
    const v5 = this.version >= 5;
    const hdr = this.header.offsetSize === 8 ? 16 : 8;
    const listHdr = this.header.offsetSize === 8 ? 20 : 12;
    this.bases = {
      strOffsets: num(C.DW_AT_str_offsets_base) ?? this.sectionBase('strOffsets') + (dwo && v5 ? hdr : 0),
      addr: num(C.DW_AT_addr_base) ?? num(C.DW_AT_GNU_addr_base) ?? 0,
      rnglists: num(C.DW_AT_rnglists_base) ?? this.sectionBase('rnglists') + (dwo && v5 ? listHdr : 0),
      loclists: num(C.DW_AT_loclists_base) ?? this.sectionBase('loclists') + (dwo && v5 ? listHdr : 0),
      gnuRanges: num(C.DW_AT_GNU_ranges_base) ?? 0,
    };
    return this.bases;
  }

  /** DW_AT_str_offsets_base (or its split-DWARF default). */
  get strOffsetsBase(): number {
    return this.getBases().strOffsets;
  }
  /** DW_AT_addr_base / DW_AT_GNU_addr_base (for a split unit: the skeleton's). */
  get addrBase(): number {
    return this.skeleton ? this.skeleton.addrBase : this.getBases().addr;
  }
  /** DW_AT_rnglists_base (or its split-DWARF default). */
  get rnglistsBase(): number {
    return this.getBases().rnglists;
  }
  /** DW_AT_loclists_base (or its split-DWARF default). */
  get loclistsBase(): number {
    return this.getBases().loclists;
  }

  // ---- value resolution -------------------------------------------------

  /** The `.debug_str` offset at index `index` of the unit's string offsets table. */
  stringOffsetAtIndex(index: number): number {
    const d = this.dwarf;
    const size = this.header.offsetSize;
    const bytes = d.sections.bytes('strOffsets');
    const name = d.sections.name('strOffsets');
    const at = this.strOffsetsBase + index * size;
    if (!(at >= 0 && at + size <= bytes.length)) {
      throw new ParseError('out-of-range', `string index ${index} (base 0x${this.strOffsetsBase.toString(16)}) is outside ${name} (0x${bytes.length.toString(16)} bytes)`, name, Math.min(at, bytes.length));
    }
    const r = new Reader(bytes, { order: d.order, section: name });
    r.pos = at;
    return size === 4 ? r.u32() : r.u64n('string offset');
  }

  /** The string at index `index` of the unit's string offsets table. */
  stringAtIndex(index: number): string {
    return this.dwarf.str(this.stringOffsetAtIndex(index));
  }

  /** The address at index `index` of `.debug_addr` (through addr_base; the skeleton's for a split unit). */
  addressAtIndex(index: number): bigint {
    const owner = this.skeleton ?? this;
    const d = owner.dwarf;
    const bytes = d.sections.bytes('addr');
    const name = d.sections.name('addr');
    const size = this.header.addressSize;
    const base = this.addrBase;
    const at = base + index * size;
    if (!(at >= 0 && at + size <= bytes.length)) {
      throw new ParseError('out-of-range', `address index ${index} (base 0x${base.toString(16)}) is outside ${name} (0x${bytes.length.toString(16)} bytes)`, name, Math.min(at, bytes.length));
    }
    const r = new Reader(bytes, { order: d.order, section: name, addressSize: size });
    r.pos = at;
    return r.address();
  }

  /**
   * Where the bytes of a string-class value are: the section and the offset
   * of its first byte (it ends at the next NUL), for callers that copy
   * strings without decoding them. Undefined for DW_FORM_string (the value
   * is already a string) and other forms. Throws ParseError when it points
   * nowhere.
   */
  stringLocation(form: number, v: AttrValue): { bytes: Uint8Array; offset: number; section: string } | undefined {
    const d = this.dwarf;
    let owner: Dwarf = d;
    let offset: number;
    let id: 'str' | 'lineStr' = 'str';
    switch (form) {
      case C.DW_FORM_strp:
        offset = v as number;
        break;
      case C.DW_FORM_line_strp:
        offset = v as number;
        id = 'lineStr';
        break;
      case C.DW_FORM_strx:
      case C.DW_FORM_strx1:
      case C.DW_FORM_strx2:
      case C.DW_FORM_strx3:
      case C.DW_FORM_strx4:
      case C.DW_FORM_GNU_str_index:
        offset = this.stringOffsetAtIndex(v as number);
        break;
      case C.DW_FORM_strp_sup:
      case C.DW_FORM_GNU_strp_alt:
        if (!d.sup) return undefined;
        owner = d.sup;
        offset = v as number;
        break;
      default:
        return undefined;
    }
    const bytes = owner.sections.bytes(id);
    const name = owner.sections.name(id);
    if (!(offset >= 0 && offset < bytes.length)) throw new ParseError('out-of-range', `string offset 0x${offset.toString(16)} is outside ${name} (0x${bytes.length.toString(16)} bytes)`, name, offset);
    return { bytes, offset, section: name };
  }

  /** The string a string-class attribute denotes, or undefined for other forms. Throws ParseError when it points nowhere. */
  attrString(a: Attribute): string | undefined {
    return this.formString(a.form, a.value);
  }

  /** As {@link attrString}, from a form and raw value. */
  formString(form: number, v: AttrValue): string | undefined {
    switch (form) {
      case C.DW_FORM_string:
        return v as string;
      case C.DW_FORM_strp:
        return this.dwarf.str(v as number);
      case C.DW_FORM_line_strp:
        return this.dwarf.lineStr(v as number);
      case C.DW_FORM_strx:
      case C.DW_FORM_strx1:
      case C.DW_FORM_strx2:
      case C.DW_FORM_strx3:
      case C.DW_FORM_strx4:
      case C.DW_FORM_GNU_str_index:
        return this.stringAtIndex(v as number);
      case C.DW_FORM_strp_sup:
      case C.DW_FORM_GNU_strp_alt: {
        const sup = this.dwarf.sup;
        if (!sup) throw new ParseError('out-of-range', `string in the supplementary file (offset 0x${(v as number).toString(16)}), which is not loaded`, this.sectionName, this.offset);
        return sup.str(v as number);
      }
      default:
        return undefined;
    }
  }

  /** The address an address-class attribute denotes (`addr`, `addrx*`, `GNU_addr_index`), or undefined. */
  attrAddress(a: Attribute): bigint | undefined {
    if (a.form === C.DW_FORM_addr) return a.value as bigint;
    return formClass(a.form) === 'address' ? this.addressAtIndex(a.value as number) : undefined;
  }

  /**
   * DW_AT_high_pc as an address: the address forms as they are, the
   * constant forms (DWARF 4+) as an offset from `lowPc`.
   */
  highPc(a: Attribute, lowPc: bigint | undefined): bigint | undefined {
    const addr = this.attrAddress(a);
    if (addr !== undefined) return addr;
    const off = attrBigInt(a.value);
    if (off === undefined || lowPc === undefined || typeof a.value === 'string' || a.value instanceof Uint8Array) return undefined;
    return BigInt.asUintN(64, lowPc + off);
  }

  /**
   * The `.debug_info` (or `.debug_types`, for a type unit's local
   * references) offset a reference points to, or -1 for references
   * elsewhere (signatures, the supplementary file) and other forms; the
   * allocation-free form of {@link attrRef}.
   */
  refOffset(a: Attribute): number {
    switch (a.form) {
      case C.DW_FORM_ref1:
      case C.DW_FORM_ref2:
      case C.DW_FORM_ref4:
      case C.DW_FORM_ref8:
      case C.DW_FORM_ref_udata:
        return this.offset + (a.value as number);
      case C.DW_FORM_ref_addr:
        return (a.value as number) + this.sectionBase('info');
      default:
        return -1;
    }
  }

  /** Where a reference-class attribute points. */
  attrRef(a: Attribute): ResolvedRef | undefined {
    const v = a.value;
    switch (a.form) {
      case C.DW_FORM_ref1:
      case C.DW_FORM_ref2:
      case C.DW_FORM_ref4:
      case C.DW_FORM_ref8:
      case C.DW_FORM_ref_udata:
        return { target: this.header.inTypes ? 'types' : 'info', offset: this.offset + (v as number) };
      case C.DW_FORM_ref_addr:
        return { target: 'info', offset: (v as number) + this.sectionBase('info') };
      case C.DW_FORM_ref_sig8:
        return { target: 'sig', signature: v as bigint };
      case C.DW_FORM_ref_sup4:
      case C.DW_FORM_ref_sup8:
      case C.DW_FORM_GNU_ref_alt:
        return { target: 'sup', offset: v as number };
      default:
        return undefined;
    }
  }

  private listCtx?: ListContext;

  /** The context range and location lists of this unit resolve against (made once). */
  listContext(): ListContext {
    return (this.listCtx ??= this.makeListContext());
  }

  private makeListContext(): ListContext {
    let base: bigint | undefined;
    try {
      base = this.root().lowPc;
    } catch {
      base = undefined;
    }
    // A split unit's lists add to the skeleton's low_pc.
    if (base === undefined && this.skeleton) {
      try {
        base = this.skeleton.root().lowPc;
      } catch {
        base = undefined;
      }
    }
    return {
      order: this.dwarf.order,
      addressSize: this.header.addressSize,
      offsetSize: this.header.offsetSize,
      version: this.header.version,
      baseAddress: base,
      address: (i) => this.addressAtIndex(i),
    };
  }

  /**
   * The section offset and section of the range list a DW_AT_ranges (or
   * DW_AT_start_scope) attribute denotes: `rnglistx` through the offsets
   * table at rnglists_base, `sec_offset` directly (plus GNU_ranges_base in
   * pre-standard split DWARF, whose lists live in the skeleton's file).
   */
  rangeListLocation(a: Attribute): { offset: number; rnglists: boolean; owner: Dwarf } | undefined {
    const v = attrNumber(a.value);
    if (v === undefined) return undefined;
    if (a.form === C.DW_FORM_rnglistx) {
      const d = this.dwarf;
      return { offset: listOffset(d.sections.bytes('rnglists'), d.order, d.sections.name('rnglists'), this.rnglistsBase, v, this.header.offsetSize), rnglists: true, owner: d };
    }
    if (a.form !== C.DW_FORM_sec_offset && a.form !== C.DW_FORM_data4 && a.form !== C.DW_FORM_data8) return undefined;
    if (this.version >= 5) return { offset: v + this.sectionBase('rnglists'), rnglists: true, owner: this.dwarf };
    if (this.skeleton) return { offset: v + this.skeleton.getBases().gnuRanges, rnglists: false, owner: this.skeleton.dwarf };
    return { offset: v, rnglists: false, owner: this.dwarf };
  }

  /** A cursor over the range list a DW_AT_ranges attribute denotes (undefined for other forms). */
  rangeListCursor(a: Attribute): ListCursor | undefined {
    const loc = this.rangeListLocation(a);
    if (!loc) return undefined;
    const s = loc.owner.sections;
    const id = loc.rnglists ? 'rnglists' : 'ranges';
    return new ListCursor(s.bytes(id), s.name(id), loc.offset, id, this.listContext(), s.view(id));
  }

  /** The entries of the range list a DW_AT_ranges attribute denotes. */
  rangeListEntries(a: Attribute): RangeListEntry[] {
    const loc = this.rangeListLocation(a);
    if (!loc) return [];
    const s = loc.owner.sections;
    const id = loc.rnglists ? 'rnglists' : 'ranges';
    return [...rangeList(s.bytes(id), s.name(id), loc.offset, loc.rnglists, this.listContext())];
  }

  /** The address ranges a DW_AT_ranges attribute denotes. */
  attrRanges(a: Attribute): AddressRange[] {
    const out: AddressRange[] = [];
    for (const e of this.rangeListEntries(a)) if (e.range) out.push(e.range);
    return out;
  }

  /** The section offset and format of the location list a loclist-class attribute denotes. */
  locationListLocation(a: Attribute): { offset: number; format: 'loc' | 'loc.dwo' | 'loclists' } | undefined {
    const offset = this.locationListOffset(a);
    if (offset < 0) return undefined;
    return { offset, format: a.form === C.DW_FORM_loclistx || this.version >= 5 ? 'loclists' : this.isSplit ? 'loc.dwo' : 'loc' };
  }

  /**
   * As {@link locationListLocation}, the offset alone, with no object made
   * (a walk over every variable of a Go binary meets hundreds of thousands
   * of lists): -1 when `a` denotes no list. The list is in
   * `.debug_loclists` for DW_FORM_loclistx and from DWARF 5, else in
   * `.debug_loc`.
   */
  locationListOffset(a: Attribute): number {
    const v = attrNumber(a.value);
    if (v === undefined) return -1;
    if (a.form === C.DW_FORM_loclistx) {
      const d = this.dwarf;
      return listOffset(d.sections.bytes('loclists'), d.order, d.sections.name('loclists'), this.loclistsBase, v, this.header.offsetSize);
    }
    if (a.form !== C.DW_FORM_sec_offset && a.form !== C.DW_FORM_data4 && a.form !== C.DW_FORM_data8) return -1;
    return v + this.sectionBase(this.version >= 5 ? 'loclists' : 'loc');
  }

  /** A cursor over the location list a loclist-class attribute denotes (undefined for other forms). */
  locationListCursor(a: Attribute): ListCursor | undefined {
    const loc = this.locationListLocation(a);
    if (!loc) return undefined;
    const s = this.dwarf.sections;
    const id = loc.format === 'loclists' ? 'loclists' : 'loc';
    return new ListCursor(s.bytes(id), s.name(id), loc.offset, loc.format, this.listContext(), s.view(id));
  }

  /** The entries of the location list a loclist-class attribute denotes. */
  locationListEntries(a: Attribute): LocationListEntry[] {
    const loc = this.locationListLocation(a);
    if (!loc) return [];
    const s = this.dwarf.sections;
    const id = loc.format === 'loclists' ? 'loclists' : 'loc';
    return [...locationList(s.bytes(id), s.name(id), loc.offset, loc.format, this.listContext())];
  }

  /** A cursor over the operations of a DWARF expression of this unit. */
  operations(bytes: Uint8Array, section = this.sectionName, base = 0): OperationCursor {
    return new OperationCursor(bytes, this.encoding, this.dwarf.order, section, base);
  }

  /** Decodes a DWARF expression of this unit (exprloc/block value or list entry). */
  expression(bytes: Uint8Array, section = this.sectionName, base = 0): Operation[] {
    return decodeExpression(bytes, this.encoding, this.dwarf.order, section, base);
  }

  /**
   * The unit's line program (DW_AT_stmt_list), parsed once; undefined when
   * the unit has none. A corrupt header throws the same ParseError on every
   * call.
   */
  lineProgram(): LineProgram | undefined {
    const r = this.lineResult;
    if (r instanceof ParseError) throw r;
    if (r !== undefined) return r ?? undefined;
    try {
      const root = this.root();
      if (root.stmtList === undefined || !this.dwarf.sections.has('line')) {
        this.lineResult = null;
        return undefined;
      }
      this.lineResult = this.dwarf.lineProgramAt(root.stmtList + this.sectionBase('line'), this);
    } catch (e) {
      if (e instanceof ParseError) this.lineResult = e;
      throw e;
    }
    return this.lineResult;
  }
}
