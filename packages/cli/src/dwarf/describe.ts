import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { attrNumber, type Attribute, type DieCursor, type LineProgram, type Operation, type Unit } from '@elfkit/dwarf';
import { attrText, attrValueName, formText, opText, tagText } from './names.js';

/** One operation of a DWARF expression, for JSON: name and operands (blocks as hex). */
export interface OpView {
  op: string;
  operands: (number | bigint | string)[];
  /** DW_OP_entry_value: the nested expression. */
  nested?: OpView[];
}

/** One entry of a location list, resolved. */
export interface LocationView {
  kind: string;
  /** `[begin, end)`, or null for `DW_LLE_default_location`. */
  range: [bigint, bigint] | null;
  expression: OpView[] | null;
  error?: string;
}

/**
 * An attribute as `elfkit dwarf info --json` reports it: the name and form
 * as llvm-dwarfdump spells them, the raw value, and what it resolves to.
 * See docs/json-dwarf.md.
 */
export interface AttrView {
  name: string;
  form: string;
  raw: number | bigint | string | boolean;
  /** The resolved value: a string, an address, a DIE offset, a constant, a flag, hex bytes. */
  value: number | bigint | string | boolean | null;
  /** Symbolic name of an enumerated constant (`DW_LANG_C11`). */
  meaning?: string;
  /** decl_file/call_file: the full path from the line table. */
  file?: string;
  /** high_pc in a constant form: the absolute address (low_pc + value). */
  address?: bigint;
  /** References outside this file's `.debug_info`: `types`, `sup`, `sig`. */
  target?: string;
  /** Exprloc and location blocks: the decoded operations. */
  expression?: OpView[];
  /** rnglistx/loclistx: the section offset of the list. */
  listOffset?: number;
  ranges?: [bigint, bigint][];
  locations?: LocationView[];
  error?: string;
}

/** A DIE (or a null entry, `tag: null`) for JSON. */
export interface DieView {
  offset: number;
  depth: number;
  tag: string | null;
  attributes?: AttrView[];
}

/** Attributes whose section-offset values are location lists (LLVM's `mayHaveLocationList`). */
const LOCLIST_ATTRS = new Set([
  D.DW_AT_location,
  D.DW_AT_string_length,
  D.DW_AT_return_addr,
  D.DW_AT_data_member_location,
  D.DW_AT_frame_base,
  D.DW_AT_static_link,
  D.DW_AT_segment,
  D.DW_AT_use_location,
  D.DW_AT_vtable_elem_location,
]);

/** Attributes whose blocks are DWARF expressions (LLVM's `mayHaveLocationExpr`). */
const EXPR_ATTRS = new Set([
  D.DW_AT_location,
  D.DW_AT_byte_size,
  D.DW_AT_bit_offset,
  D.DW_AT_bit_size,
  D.DW_AT_string_length,
  D.DW_AT_lower_bound,
  D.DW_AT_return_addr,
  D.DW_AT_bit_stride,
  D.DW_AT_upper_bound,
  D.DW_AT_count,
  D.DW_AT_data_member_location,
  D.DW_AT_frame_base,
  D.DW_AT_segment,
  D.DW_AT_static_link,
  D.DW_AT_use_location,
  D.DW_AT_vtable_elem_location,
  D.DW_AT_allocated,
  D.DW_AT_associated,
  D.DW_AT_data_location,
  D.DW_AT_byte_stride,
  D.DW_AT_rank,
  D.DW_AT_call_value,
  D.DW_AT_call_origin,
  D.DW_AT_call_target,
  D.DW_AT_call_target_clobbered,
  D.DW_AT_call_data_location,
  D.DW_AT_call_data_value,
  D.DW_AT_GNU_call_site_value,
  D.DW_AT_GNU_call_site_target,
]);

/** True when attribute `a` of a unit of `version` is a location list reference. */
export function isLocationList(a: Attribute, version: number): boolean {
  if (!LOCLIST_ATTRS.has(a.name)) return false;
  return a.form === D.DW_FORM_sec_offset || a.form === D.DW_FORM_loclistx || (version <= 3 && (a.form === D.DW_FORM_data4 || a.form === D.DW_FORM_data8));
}

/** True when attribute `a` holds a DWARF expression. */
export function isExpression(a: Attribute): boolean {
  if (a.form === D.DW_FORM_exprloc) return true;
  return EXPR_ATTRS.has(a.name) && D.formClass(a.form) === 'block';
}

/** True when `a` is DW_AT_ranges (a range list reference). */
export function isRangeList(a: Attribute, version: number): boolean {
  if (a.name !== D.DW_AT_ranges && a.name !== D.DW_AT_start_scope) return false;
  return a.form === D.DW_FORM_sec_offset || a.form === D.DW_FORM_rnglistx || (version <= 3 && (a.form === D.DW_FORM_data4 || a.form === D.DW_FORM_data8));
}

const hexBytes = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
};

/** Operations for JSON. */
export function opViews(ops: Operation[]): OpView[] {
  return ops.map((o) => {
    const v: OpView = { op: opText(o.op), operands: o.operands.map((x) => (x instanceof Uint8Array ? hexBytes(x) : x)) };
    if (o.nested) v.nested = opViews(o.nested);
    return v;
  });
}

/** The line program used for decl_file/call_file of a unit (a split unit uses its own `.debug_line.dwo`). */
function fileTable(unit: Unit): LineProgram | undefined {
  try {
    return unit.lineProgram();
  } catch {
    return undefined;
  }
}

/** The raw value of an attribute for JSON (blocks as hex). */
function rawJson(v: D.AttrValue): number | bigint | string | boolean {
  return v instanceof Uint8Array ? hexBytes(v) : v;
}

const message = (e: unknown) => (e instanceof Error ? (e instanceof ParseError ? e.message : e.message) : String(e));

/**
 * Describes attribute `a` of the DIE whose attributes are `all` in `unit`:
 * resolves strings, addresses, references, files, lists and expressions.
 * A value that cannot be resolved gets `value: null` and `error`.
 */
export function describeAttr(unit: Unit, a: Attribute, all: readonly Attribute[]): AttrView {
  const view: AttrView = { name: attrText(a.name), form: formText(a.form), raw: rawJson(a.value), value: null };
  try {
    resolveInto(view, unit, a, all);
  } catch (e) {
    view.value = null;
    view.error = message(e);
  }
  return view;
}

function resolveInto(view: AttrView, unit: Unit, a: Attribute, all: readonly Attribute[]): void {
  const cls = D.formClass(a.form);
  const v = a.value;
  if (isLocationList(a, unit.version)) {
    view.value = attrNumber(v) ?? null;
    const loc = unit.locationListLocation(a);
    if (a.form === D.DW_FORM_loclistx && loc) view.listOffset = loc.offset;
    view.locations = unit.locationListEntries(a)
      .filter((e) => e.expression !== undefined)
      .map((e) => {
        const lv: LocationView = { kind: D.lleName(e.kind) ?? String(e.kind), range: e.range ? [e.range.begin, e.range.end] : null, expression: null };
        try {
          lv.expression = opViews(unit.expression(e.expression!, unit.dwarf.sections.name(loc!.format === 'loclists' ? 'loclists' : 'loc'), e.expressionOffset));
        } catch (err) {
          lv.error = message(err);
        }
        return lv;
      });
    return;
  }
  if (isRangeList(a, unit.version)) {
    view.value = attrNumber(v) ?? null;
    if (a.form === D.DW_FORM_rnglistx) view.listOffset = unit.rangeListLocation(a)?.offset;
    view.ranges = unit.attrRanges(a).map((r) => [r.begin, r.end]);
    return;
  }
  if (isExpression(a)) {
    view.value = hexBytes(v as Uint8Array);
    view.expression = opViews(unit.expression(v as Uint8Array));
    return;
  }
  switch (cls) {
    case 'string':
      view.value = unit.attrString(a) ?? null;
      return;
    case 'address':
      view.value = unit.attrAddress(a) ?? null;
      return;
    case 'reference': {
      const r = unit.attrRef(a);
      if (r?.target === 'sig') {
        view.value = r.signature!;
        view.target = 'sig';
      } else {
        view.value = r?.offset ?? null;
        if (r && r.target !== 'info') view.target = r.target;
      }
      return;
    }
    case 'flag':
      view.value = v === true || (typeof v === 'number' && v !== 0);
      return;
    case 'block':
    case 'exprloc':
    case 'data16':
      view.value = hexBytes(v as Uint8Array);
      return;
    case 'constant': {
      view.value = typeof v === 'number' || typeof v === 'bigint' ? v : null;
      const n = attrNumber(v);
      if (a.form !== D.DW_FORM_sdata && n !== undefined) {
        const m = attrValueName(a.name, n);
        if (m) view.meaning = m;
      }
      if ((a.name === D.DW_AT_decl_file || a.name === D.DW_AT_call_file) && n !== undefined) {
        const f = fileTable(unit)?.filePath(n);
        if (f !== undefined) view.file = f;
      }
      if (a.name === D.DW_AT_high_pc) {
        const low = all.find((x) => x.name === D.DW_AT_low_pc);
        try {
          const hi = low ? unit.highPc(a, unit.attrAddress(low)) : undefined;
          if (hi !== undefined) view.address = hi;
        } catch {
          // A low_pc that cannot be resolved (a .dwo read without its skeleton) leaves the offset alone.
        }
      }
      return;
    }
    default:
      view.value = typeof v === 'boolean' ? v : rawJson(v);
  }
}

/** The DIE at the cursor, described (attributes decoded and resolved). */
export function describeDie(unit: Unit, c: DieCursor): DieView {
  if (!c.abbrev) return { offset: c.offset, depth: c.depth, tag: null };
  const attrs = c.attrs();
  return { offset: c.offset, depth: c.depth, tag: tagText(c.tag), attributes: attrs.map((a) => describeAttr(unit, a, attrs)) };
}

// ---- llvm-dwarfdump-style text -------------------------------------------

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `0x` + at least `w` hex digits (the 8-digit offsets of a dump from a table, not toString). */
export function hexw(v: number | bigint, w: number): string {
  if (w === 8 && typeof v === 'number' && v >= 0 && v <= 0xffffffff) return '0x' + HEX2[v >>> 24]! + HEX2[(v >>> 16) & 255]! + HEX2[(v >>> 8) & 255]! + HEX2[v & 255]!;
  return '0x' + v.toString(16).padStart(w, '0');
}

