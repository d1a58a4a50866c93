import { ParseError, Reader } from '@elfkit/binary';
import { SKIP_BLOCK1, SKIP_BLOCK2, SKIP_BLOCK4, SKIP_BLOCK_ULEB, SKIP_CSTR, SKIP_LEB, variableStep, type Abbrev, type AbbrevTable } from './abbrev.js';
import type { Attribute, AttrValue, MutableAttribute } from './attribute.js';
import * as C from './constants.js';
import type { Encoding } from './encoding.js';
import { fixedFormSize, readFormValue } from './forms.js';

/** What a cursor needs from its unit. */
export interface CursorUnit {
  readonly encoding: Encoding;
  /** The section holding the unit (`.debug_info`, `.debug_types`, `.dwo` names), or a window of it that holds the unit (see `bytesBase`). */
  readonly sectionBytes: Uint8Array;
  /** Section offset of `sectionBytes[0]`: 0 for the whole section, the window's start for a unit read from a stream. */
  readonly bytesBase?: number;
  readonly sectionName: string;
  readonly littleEndian: boolean;
  /** Section offset of the unit (unit-relative references count from here). */
  readonly offset: number;
  /** Section offset of the first DIE. */
  readonly firstEntry: number;
  /** Section offset just past the unit. */
  readonly end: number;
  /** The unit's abbreviation table (throws ParseError when it is corrupt). */
  abbrevs(): AbbrevTable;
}

/**
 * A lazy walk over the DIEs of one unit (gimli's `EntriesCursor`, Go's
 * `dwarf.Reader`). Nothing is decoded ahead: `nextEntry()` reads one
 * abbreviation code, attributes are decoded only by {@link attrs} or
 * {@link attr}, and skipping a DIE whose forms all have fixed sizes is one
 * addition. `nextSibling()` and `skipChildren()` jump by `DW_AT_sibling`
 * when the DIE has one.
 *
 * Positions are offsets in the unit's section. Reading past the unit end
 * throws a ParseError `truncated` naming the section and offset.
 */
export class DieCursor {
  /** Section offset of the current entry (a DIE or a null entry); -1 before the first. */
  offset = -1;
  /** Depth of the current entry: 0 for the unit DIE, 1 for its children… */
  depth = 0;
  /** The current DIE's abbreviation; undefined for a null entry or before the first. */
  abbrev: Abbrev | undefined;
  private readonly r: Reader;
  private readonly table: AbbrevTable;
  private readonly enc: Encoding;
  private readonly end: number;
  /** Where the current DIE's attributes start, as a reader position (section offset - `base`). */
  private attrStart = 0;
  /** Section offset of the reader's first byte. */
  private readonly base: number;
  /** Where they end, once known (-1 until then). */
  private attrEnd = -1;
  /** Depth of the next entry. */
  private nextDepth = 0;
  /** Where the next entry starts, once known (-1 until then). */
  private nextPos: number;

  constructor(readonly unit: CursorUnit, start = unit.firstEntry, depth = 0) {
    this.enc = unit.encoding;
    this.end = unit.end;
    this.base = unit.bytesBase ?? 0;
    // The reader stops at the unit end, so no value can be read from the next unit.
    this.r = new Reader(unit.sectionBytes.subarray(0, unit.end - this.base), {
      order: unit.littleEndian ? 'little' : 'big',
      addressSize: unit.encoding.addressSize,
      section: unit.sectionName,
      base: this.base,
    });
    this.table = unit.abbrevs();
    this.nextPos = start;
    this.nextDepth = depth;
  }

  /**
   * Repositions the cursor so that its next entry is the DIE at section
   * offset `offset`, depth counted from it as 0 — what a new cursor from
   * `Unit.entriesAt` would be, without making one (a symbolizer reading
   * thousands of function DIEs keeps one cursor per unit). Throws
   * ParseError when the offset is outside the unit's DIEs.
   */
  seek(offset: number): void {
    if (offset < this.unit.firstEntry || offset >= this.end) throw new ParseError('out-of-range', `DIE offset 0x${offset.toString(16)} is outside the unit at 0x${this.unit.offset.toString(16)}`, this.unit.sectionName, offset);
    this.offset = -1;
    this.depth = 0;
    this.abbrev = undefined;
    this.attrEnd = -1;
    this.nextPos = offset;
    this.nextDepth = 0;
  }

  /** True when the current entry is a null entry (the end of a sibling list). */
  get isNull(): boolean {
    return this.abbrev === undefined && this.offset >= 0;
  }
  /** The current DIE's tag (0 for a null entry). */
  get tag(): number {
    return this.abbrev?.tag ?? 0;
  }
  /** True when the current DIE has children. */
  get hasChildren(): boolean {
    return this.abbrev?.hasChildren ?? false;
  }
  /** Section offset of the entry after the current one (decodes the attributes' sizes if needed). */
  get nextOffset(): number {
    if (this.nextPos < 0) this.nextPos = this.skipAttrs();
    return this.nextPos;
  }

  /**
   * Moves to the next entry in depth-first order, null entries included
   * (they close a list of children). False at the end of the unit.
   */
  nextEntry(): boolean {
    const pos = this.nextPos >= 0 ? this.nextPos : this.skipAttrs();
    if (pos >= this.end) {
      this.offset = this.end;
      this.abbrev = undefined;
      this.nextPos = this.end;
      return false;
    }
    const r = this.r;
    const base = this.base;
    r.pos = pos - base;
    this.offset = pos;
    this.depth = this.nextDepth;
    const code = r.uleb();
    if (code === 0) {
      this.abbrev = undefined;
      this.nextDepth = this.depth - 1;
      this.nextPos = r.pos + base;
      return true;
    }
    const a = this.table.get(code);
    if (!a) throw r.error('invalid', `DIE uses abbreviation code ${code}, absent from the table at .debug_abbrev+0x${this.table.offset.toString(16)}`, pos - base);
    this.abbrev = a;
    this.attrStart = r.pos;
    this.attrEnd = -1;
    this.nextDepth = a.hasChildren ? this.depth + 1 : this.depth;
    const fixed = a.fixedSize(this.enc);
    if (fixed >= 0) {
      const e = r.pos + base + fixed;
      if (e > this.end) throw r.error('truncated', `DIE attributes need ${fixed} bytes, ${this.end - base - r.pos} left in the unit`, pos - base);
      this.attrEnd = e;
      this.nextPos = e;
    } else this.nextPos = -1;
    return true;
  }

  /** Moves to the next DIE in depth-first order, passing over null entries. False at the end. */
  next(): boolean {
    while (this.nextEntry()) if (this.abbrev) return true;
    return false;
  }

  /**
   * Positions the cursor so that the next entry is the current DIE's next
   * sibling (or the null entry closing its parent's list), jumping by
   * DW_AT_sibling when present and plausible, otherwise walking the
   * children.
   */
  skipChildren(): void {
    const a = this.abbrev;
    if (!a || !a.hasChildren) return;
    if (a.siblingIndex >= 0) {
      const target = this.siblingTarget();
      if (target !== undefined) {
        this.nextPos = target;
        this.nextDepth = this.depth;
        return;
      }
    }
    const d = this.depth;
    if (this.skipSubtree(d)) return;
    while (this.nextEntry()) {
      if (this.abbrev === undefined && this.depth === d + 1) return;
    }
  }

  /**
   * The fast path of {@link skipChildren}: passes over the children of
   * the current DIE (at depth `d`) in one loop over the bytes, by each
   * abbreviation's skip plan, without the cursor's per-entry state — a
   * Go unit has no DW_AT_sibling, so indexing its names walks every
   * function's children, and a cold run spends its time there. True when
   * it stopped on the null entry that closes them, the cursor set as
   * `nextEntry` would leave it there. At anything unusual (the unit's
   * end, an unknown code, a form without a plan, bytes past the end) it
   * hands over, false, with the next entry being the one it could not
   * pass, so the cursor's own walk reads it and reports any damage as
   * it always does.
   */
  private skipSubtree(d: number): boolean {
    return this.scan(d + 1, undefined);
  }

  /**
   * Passes over the entries ahead in one loop over the bytes (as
   * {@link skipChildren} does) until the next DIE whose tag is marked in
   * `tags`, which the next {@link nextEntry} then reads; a walk that wants
   * only a few kinds of DIE (a unit's functions) does not step the cursor
   * through every type, member and variable. It stops early, with the next
   * entry being the one it could not pass, at anything unusual (see
   * skipSubtree), and at the unit's end. Returns the smallest depth of a DIE
   * it passed over (Infinity when none): the DIEs from there down to the
   * next one's parent are all passed-over ones.
   */
  passUntil(tags: Uint8Array): number {
    this.passedDepth = Infinity;
    this.scan(NaN, tags);
    return this.passedDepth;
  }

  /** The smallest depth of a DIE that the last {@link passUntil} passed over. */
  private passedDepth = Infinity;

  /**
   * The loop of {@link skipSubtree} and {@link passUntil}, from the next
   * entry (at the cursor's next depth): true when it stopped on a null entry
   * at depth `close`, the cursor left on it as `nextEntry` would; false when
   * it handed over before a DIE with a tag in `tags` or anything unusual.
   */
  private scan(close: number, tags: Uint8Array | undefined): boolean {
    const bytes = this.r.bytes;
    const len = bytes.length;
    const base = this.base;
    const le = this.unit.littleEndian;
    const table = this.table;
    const enc = this.enc;
    let p = (this.nextPos >= 0 ? this.nextPos : this.skipAttrs()) - base;
    let depth = this.nextDepth;
    let passed = Infinity;
    for (;;) {
      const start = p;
      if (p >= len) break;
      let code = bytes[p++]!;
      if (code >= 0x80) {
        // Codes past 2^21 are left to the cursor's reader.
        const b1 = p < len ? bytes[p++]! : 0x80;
        code = (code & 0x7f) | ((b1 & 0x7f) << 7);
        if (b1 >= 0x80) {
          const b2 = p < len ? bytes[p++]! : 0x80;
          if (b2 >= 0x80) {
            p = start;
            break;
          }
          code |= b2 << 14;
        }
      }
      if (code === 0) {
        if (depth === close) {
          this.offset = start + base;
          this.abbrev = undefined;
          this.depth = depth;
          this.nextDepth = depth - 1;
          this.nextPos = p + base;
          return true;
        }
        depth--;
        continue;
      }
      const a = table.get(code);
      const plan = a?.skipPlan(enc);
      if (!a || !plan || (tags !== undefined && a.tag < tags.length && tags[a.tag] === 1)) {
        p = start;
        break;
      }
      for (let i = 0; i < plan.length && p <= len; i++) {
        const step = plan[i]!;
        if (step >= 0) p += step;
        else p = skipVariable(bytes, p, step, le);
      }
      if (p > len) {
        p = start;
        break;
      }
      if (depth < passed) passed = depth;
      if (a.hasChildren) depth++;
    }
    this.passedDepth = passed;
    this.handOver(p, depth);
    return false;
  }

  /** Leaves the cursor so that its next entry is the one at `pos` (relative to the reader) at `depth`. */
  private handOver(pos: number, depth: number): false {
    this.nextPos = pos + this.base;
    this.nextDepth = depth;
    return false;
  }

  /** Moves to the current DIE's next sibling; false (at a null entry or the end) when there is none. */
  nextSibling(): boolean {
    this.skipChildren();
    return this.nextEntry() && this.abbrev !== undefined;
  }

  /**
   * The current DIE's attributes, decoded now (a fresh array). Empty for a
   * null entry.
   */
  attrs(): Attribute[] {
    const a = this.abbrev;
    if (!a) return [];
    const r = this.r;
    r.pos = this.attrStart;
    const n = a.names.length;
    const out: Attribute[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const form = a.forms[i]!;
      if (form === C.DW_FORM_indirect) {
        const f = this.readIndirectForm();
        out[i] = { name: a.names[i]!, form: f, value: this.readValue(f), indirect: true };
      } else out[i] = { name: a.names[i]!, form, value: form === C.DW_FORM_implicit_const ? a.implicitConst[i]! : this.readValue(form) };
    }
    this.attrEnd = r.pos + this.base;
    if (this.nextPos < 0) this.nextPos = this.attrEnd;
    return out;
  }

  /**
   * Decodes the current DIE's attributes into `out`, reusing the objects
   * already there, and returns how many there are: a dump of millions of
   * attributes allocates an object per attribute only once. The objects
   * are overwritten by the next call; copy what must be kept. With
   * `stringOffsets`, DW_FORM_string values are not decoded: the value is
   * the section offset of the string's first byte (a number).
   */
  attrsInto(out: MutableAttribute[], options?: { stringOffsets?: boolean }): number {
    const a = this.abbrev;
    if (!a) return 0;
    const r = this.r;
    r.pos = this.attrStart;
    const n = a.names.length;
    const offsets = options?.stringOffsets === true;
    for (let i = 0; i < n; i++) {
      let x = out[i];
      if (!x) out[i] = x = { name: 0, form: 0, value: 0, indirect: false };
      let form = a.forms[i]!;
      x.name = a.names[i]!;
      x.indirect = false;
      if (form === C.DW_FORM_indirect) {
        form = this.readIndirectForm();
        x.indirect = true;
      }
      x.form = form;
      if (offsets && form === C.DW_FORM_string) {
        // Left as the section offset of its bytes: a printer copies them without decoding.
        x.value = r.offset;
        r.skipCstr();
      } else x.value = form === C.DW_FORM_implicit_const && !x.indirect ? a.implicitConst[i]! : this.readValue(form);
    }
    this.attrEnd = r.pos + this.base;
    if (this.nextPos < 0) this.nextPos = this.attrEnd;
    return n;
  }

  /**
   * As {@link attrsInto}, for only the attributes `wanted` marks
   * (`wanted[name] !== 0`; names past its end are not wanted): those are
   * decoded into `out` in DIE order, the rest skipped undecoded (no string,
   * block or bigint made for them). Returns how many were decoded. With
   * `blockOffsets`, block and exprloc values are not copied out either:
   * the value is the section offset of the block's length field (a caller
   * that looks at a few bytes of hundreds of thousands of location
   * expressions reads them in place; see {@link blockBounds}). With
   * `stringOffsets`, DW_FORM_string values are left undecoded as in
   * {@link attrsInto}: the section offset of the string's first byte.
   */
  attrsWanted(out: MutableAttribute[], wanted: Uint8Array, options?: { blockOffsets?: boolean; stringOffsets?: boolean }): number {
    const a = this.abbrev;
    if (!a) return 0;
    const r = this.r;
    r.pos = this.attrStart;
    const names = a.names;
    const n = names.length;
    const blockOffsets = options?.blockOffsets === true;
    const stringOffsets = options?.stringOffsets === true;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      let form = a.forms[i]!;
      if (!(name < wanted.length && wanted[name] !== 0)) {
        this.skipValue(form);
        continue;
      }
      let x = out[k];
      if (!x) out[k] = x = { name: 0, form: 0, value: 0, indirect: false };
      k++;
      x.name = name;
      x.indirect = false;
      if (form === C.DW_FORM_indirect) {
        form = this.readIndirectForm();
        x.indirect = true;
      }
      x.form = form;
      if (blockOffsets && isBlockForm(form)) {
        x.value = r.offset;
        this.skipValue(form);
      } else if (stringOffsets && form === C.DW_FORM_string) {
        x.value = r.offset;
        r.skipCstr();
      } else x.value = form === C.DW_FORM_implicit_const && !x.indirect ? a.implicitConst[i]! : this.readValue(form);
    }
    this.attrEnd = r.pos + this.base;
    if (this.nextPos < 0) this.nextPos = this.attrEnd;
    return k;
  }

  /** The current DIE's attribute `name` (decoding only up to it), or undefined. */
  attr(name: number): Attribute | undefined {
    const a = this.abbrev;
    if (!a) return undefined;
    const idx = a.names.indexOf(name);
    if (idx < 0) return undefined;
    const r = this.r;
    r.pos = this.attrStart;
    for (let i = 0; i < idx; i++) this.skipValue(a.forms[i]!);
    const form = a.forms[idx]!;
    if (form === C.DW_FORM_indirect) {
      const f = this.readIndirectForm();
      return { name, form: f, value: this.readValue(f), indirect: true };
    }
    return { name, form, value: form === C.DW_FORM_implicit_const ? a.implicitConst[idx]! : this.readValue(form) };
  }

  /** Where DW_AT_sibling points, when it is a unit-local reference past the current DIE. */
  private siblingTarget(): number | undefined {
    const at = this.attr(C.DW_AT_sibling);
    if (!at || typeof at.value !== 'number') return undefined;
    let target: number;
    switch (at.form) {
      case C.DW_FORM_ref1:
      case C.DW_FORM_ref2:
      case C.DW_FORM_ref4:
      case C.DW_FORM_ref8:
      case C.DW_FORM_ref_udata:
        target = this.unit.offset + at.value;
        break;
      case C.DW_FORM_ref_addr:
        target = at.value;
        break;
      default:
        return undefined;
    }
    return target > this.offset && target <= this.end ? target : undefined;
  }

  private readIndirectForm(): number {
    let f = this.r.uleb();
    // DW_FORM_indirect may name itself; allow a short chain and stop a loop.
    for (let i = 0; f === C.DW_FORM_indirect; i++) {
      if (i > 8) throw this.r.error('invalid', 'DW_FORM_indirect chain is too long');
      f = this.r.uleb();
    }
    return f;
  }

  /** Skips the current DIE's attributes and returns where the next entry starts. */
  private skipAttrs(): number {
    if (this.attrEnd >= 0) return this.attrEnd;
    const a = this.abbrev;
    if (!a) return this.r.pos + this.base;
    this.r.pos = this.attrStart;
    const forms = a.forms;
    for (let i = 0; i < forms.length; i++) this.skipValue(forms[i]!);
    this.attrEnd = this.r.pos + this.base;
    return this.attrEnd;
  }

  /** Advances past one value of `form`. */
  private skipValue(form: number): void {
    const r = this.r;
    switch (variableStep(form)) {
      case SKIP_CSTR:
        r.skipCstr();
        return;
      case SKIP_LEB:
        r.skipLeb();
        return;
      case SKIP_BLOCK1:
        r.skip(r.u8());
        return;
      case SKIP_BLOCK2:
        r.skip(r.u16());
        return;
      case SKIP_BLOCK4:
        r.skip(r.u32());
        return;
      case SKIP_BLOCK_ULEB:
        r.skip(r.uleb());
        return;
    }
    if (form === C.DW_FORM_indirect) {
      this.skipValue(this.readIndirectForm());
      return;
    }
    const n = fixedFormSize(form, this.enc);
    if (n < 0) throw r.error('unsupported', `unknown attribute form 0x${form.toString(16)}`);
    r.skip(n);
  }

  /** Reads one value of `form` at the reader position. */
  private readValue(form: number): AttrValue {
    return readFormValue(this.r, form, this.enc);
  }
}

function isBlockForm(form: number): boolean {
  return form === C.DW_FORM_exprloc || form === C.DW_FORM_block || form === C.DW_FORM_block1 || form === C.DW_FORM_block2 || form === C.DW_FORM_block4;
}

/**
 * Where the contents of a block or exprloc value are, from the section
 * offset of its length field (an {@link DieCursor.attrsWanted} value with
 * `blockOffsets`): `[start, length]` as positions in `bytes`, which start
 * at section offset `base`. Undefined for other forms, and when the
 * length runs past `bytes`.
 */
export function blockBounds(bytes: Uint8Array, base: number, form: number, offset: number, littleEndian: boolean): [start: number, length: number] | undefined {
  let p = offset - base;
  let n = 0;
  switch (form) {
    case C.DW_FORM_block1:
      n = bytes[p++]!;
      break;
    case C.DW_FORM_block2:
      n = littleEndian ? bytes[p]! | (bytes[p + 1]! << 8) : (bytes[p]! << 8) | bytes[p + 1]!;
      p += 2;
      break;
    case C.DW_FORM_block4:
      n = littleEndian ? (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) + bytes[p + 3]! * 0x1000000 : bytes[p]! * 0x1000000 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!);
      p += 4;
      break;
    case C.DW_FORM_exprloc:
    case C.DW_FORM_block:
      for (let shift = 1; p < bytes.length; shift *= 128) {
        const b = bytes[p++]!;
        n += (b & 0x7f) * shift;
        if (!(b & 0x80)) break;
      }
      break;
    default:
      return undefined;
  }
  return p >= 0 && p + n <= bytes.length && !Number.isNaN(n) ? [p, n] : undefined;
}

/**
 * Passes over one attribute value of variable size at `p` (a skip plan's
 * negative step), returning where it ends: past `bytes.length` when it runs
 * off the end. A function of its own, so that the scanning loop stays small
 * and every caller's runs feed these branches.
 */
function skipVariable(bytes: Uint8Array, p: number, step: number, le: boolean): number {
  const len = bytes.length;
  if (step === SKIP_CSTR) {
    const z = bytes.indexOf(0, p);
    return z < 0 ? len + 1 : z + 1;
  }
  if (step === SKIP_LEB) {
    while (p < len && bytes[p]! >= 0x80) p++;
    return p + 1;
  }
  if (step === SKIP_BLOCK1) return p + 1 + (p < len ? bytes[p]! : 0);
  if (step === SKIP_BLOCK2) return p + (p + 2 <= len ? 2 + (le ? bytes[p]! | (bytes[p + 1]! << 8) : (bytes[p]! << 8) | bytes[p + 1]!) : len);
  if (step === SKIP_BLOCK4) return p + (p + 4 <= len ? 4 + (le ? (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) + bytes[p + 3]! * 0x1000000 : bytes[p]! * 0x1000000 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!)) : len);
  // SKIP_BLOCK_ULEB: a ULEB128 length, then the bytes.
  let n = 0;
  let shift = 1;
  for (;;) {
    if (p >= len || shift > 2 ** 28) return len + 1;
    const b = bytes[p++]!;
    n += (b & 0x7f) * shift;
    if (b < 0x80) break;
    shift *= 128;
  }
  return p + n;
}
