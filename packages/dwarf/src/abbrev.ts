import { Reader, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { DW_AT_sibling, DW_FORM_implicit_const } from './constants.js';
import { fixedFormSize } from './forms.js';
import { readSlebValue, type Encoding } from './encoding.js';

/**
 * One abbreviation declaration: a DIE's tag, whether it has children, and
 * its attribute specifications. Names and forms sit in parallel arrays so
 * the DIE walk indexes them without per-attribute objects.
 */
export class Abbrev {
  /** Section offset of the declaration, for messages. */
  readonly offset: number;
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  /** DW_AT_* of each attribute, in order. */
  readonly names: number[];
  /** DW_FORM_* of each attribute, in order. */
  readonly forms: number[];
  /** For DW_FORM_implicit_const attributes, the value stored here (SLEB128); undefined for others. */
  readonly implicitConst: (number | bigint | undefined)[];
  /** Index of DW_AT_sibling in `names`, or -1 (the fast path of nextSibling). */
  readonly siblingIndex: number;
  /** Encoding key the fixed size below was computed for. */
  private sizeKey = -1;
  private size = -1;
  /** Encoding key the skip plan below was made for. */
  private planKey = -1;
  private plan: Int32Array | null = null;

  constructor(offset: number, code: number, tag: number, hasChildren: boolean, names: number[], forms: number[], implicitConst: (number | bigint | undefined)[]) {
    this.offset = offset;
    this.code = code;
    this.tag = tag;
    this.hasChildren = hasChildren;
    this.names = names;
    this.forms = forms;
    this.implicitConst = implicitConst;
    this.siblingIndex = names.indexOf(DW_AT_sibling);
  }

  /**
   * The byte size of every DIE using this abbreviation when all its forms
   * have a fixed size under `enc` (then skipping a DIE is one addition), or
   * -1 when some form is variable (LEB128, strings, blocks).
   */
  fixedSize(enc: Encoding): number {
    const key = enc.offsetSize * 1000 + enc.addressSize * 10 + (enc.version > 2 ? 1 : 0);
    if (key !== this.sizeKey) {
      let total = 0;
      for (const f of this.forms) {
        const s = fixedFormSize(f, enc);
        if (s < 0) {
          total = -1;
          break;
        }
        total += s;
      }
      this.size = total;
      this.sizeKey = key;
    }
    return this.size;
  }

  /**
   * How to pass over a DIE of this abbreviation without decoding it: byte
   * counts (runs of fixed-size forms, merged) and SKIP_* steps for the
   * variable ones; null when a form has no plan (DW_FORM_indirect, an
   * unknown form: the cursor's own walk reads those). What
   * `DieCursor.skipChildren` runs over the DIEs of a subtree.
   */
  skipPlan(enc: Encoding): Int32Array | null {
    const key = enc.offsetSize * 1000 + enc.addressSize * 10 + (enc.version > 2 ? 1 : 0);
    if (key !== this.planKey) {
      const steps: number[] = [];
      let ok = true;
      for (const f of this.forms) {
        const n = fixedFormSize(f, enc);
        if (n >= 0) {
          if (steps.length && steps[steps.length - 1]! >= 0) steps[steps.length - 1] = steps[steps.length - 1]! + n;
          else steps.push(n);
          continue;
        }
        const v = variableStep(f);
        if (v === 0) {
          ok = false;
          break;
        }
        steps.push(v);
      }
      this.plan = ok ? Int32Array.from(steps) : null;
      this.planKey = key;
    }
    return this.plan;
  }
}

/** Skip-plan steps for forms of variable size (a step >= 0 is that many bytes). */
export const SKIP_CSTR = -1;
export const SKIP_LEB = -2;
export const SKIP_BLOCK1 = -3;
export const SKIP_BLOCK2 = -4;
export const SKIP_BLOCK4 = -5;
export const SKIP_BLOCK_ULEB = -6;

/** The skip step of variable-size `form` (a SKIP_* value), or 0 when the form is not one of them. */
export function variableStep(form: number): number {
  switch (form) {
    case C.DW_FORM_string:
      return SKIP_CSTR;
    case C.DW_FORM_udata:
    case C.DW_FORM_sdata:
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_strx:
    case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx:
    case C.DW_FORM_rnglistx:
    case C.DW_FORM_GNU_addr_index:
    case C.DW_FORM_GNU_str_index:
      return SKIP_LEB;
    case C.DW_FORM_block1:
      return SKIP_BLOCK1;
    case C.DW_FORM_block2:
      return SKIP_BLOCK2;
    case C.DW_FORM_block4:
      return SKIP_BLOCK4;
    case C.DW_FORM_block:
    case C.DW_FORM_exprloc:
      return SKIP_BLOCK_ULEB;
    default:
      return 0;
  }
}

/**
 * The abbreviation table at one `.debug_abbrev` offset. Codes are usually
 * 1, 2, 3… in order, so they go in a dense array; others in a map (gimli's
 * `Abbreviations`).
 */
export class AbbrevTable {
  readonly offset: number;
  /** Section offset just past the table's terminating 0 code (where the next table may start). */
  end: number;
  private readonly dense: (Abbrev | undefined)[] = [];
  private sparse?: Map<number, Abbrev>;

  constructor(offset: number) {
    this.offset = offset;
    this.end = offset;
  }

  /** The declaration for `code`, or undefined. */
  get(code: number): Abbrev | undefined {
    return code < this.dense.length ? this.dense[code] : this.sparse?.get(code);
  }

  /** Every declaration, in code order of the dense part then the rest. */
  *all(): IterableIterator<Abbrev> {
    for (const a of this.dense) if (a) yield a;
    if (this.sparse) yield* this.sparse.values();
  }

  /** Adds a declaration; false when its code is already taken. */
  add(a: Abbrev): boolean {
    if (this.get(a.code)) return false;
    if (a.code === this.dense.length || (a.code < this.dense.length + 16 && a.code < 1 << 20)) {
      while (this.dense.length < a.code) this.dense.push(undefined);
      this.dense[a.code] = a;
    } else {
      (this.sparse ??= new Map()).set(a.code, a);
    }
    return true;
  }
}

/**
 * Parses the abbreviation table starting at `offset` in `section` (up to
 * its terminating 0 code). Throws ParseError naming `.debug_abbrev` and the
 * offset for truncation, duplicate codes or a bad children flag.
 */
export function parseAbbrevTable(bytes: Uint8Array, order: ByteOrder, offset: number, sectionName: string): AbbrevTable {
  const r = new Reader(bytes, { order, section: sectionName });
  if (offset < 0 || offset >= bytes.length) throw r.error('out-of-range', `abbreviation table offset 0x${offset.toString(16)} is outside ${sectionName} (${bytes.length} bytes)`, 0);
  r.pos = offset;
  const table = new AbbrevTable(offset);
  for (;;) {
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) break;
    const tag = r.uleb();
    const children = r.u8();
    if (children > 1) throw r.error('invalid', `abbreviation ${code} has children flag ${children}`, r.pos - 1);
    const names: number[] = [];
    const forms: number[] = [];
    const implicit: (number | bigint | undefined)[] = [];
    for (;;) {
      const name = r.uleb();
      const form = r.uleb();
      if (name === 0 && form === 0) break;
      if (name === 0 || form === 0) throw r.error('invalid', `abbreviation ${code} has attribute 0x${name.toString(16)} with form 0x${form.toString(16)}`, r.pos);
      names.push(name);
      forms.push(form);
      if (form === DW_FORM_implicit_const) {
        implicit.push(readSlebValue(r));
      } else implicit.push(undefined);
    }
    if (!table.add(new Abbrev(at, code, tag, children === 1, names, forms, implicit))) {
      throw r.error('invalid', `duplicate abbreviation code ${code}`, at);
    }
  }
  table.end = r.pos;
  return table;
}
