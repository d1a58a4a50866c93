import * as D from '@elfkit/dwarf';
import { attrNumber, ListCursor, OperationCursor, type Attribute, type DieCursor, type MutableAttribute, type Unit } from '@elfkit/dwarf';
import { hexw, isExpression, isLocationList, isRangeList } from './describe.js';
import { writeExpression, type BaseTypeWriter } from './expr-text.js';
import { attrText, attrValueName, formText, tagText, unitTypeText } from './names.js';
import type { TextOut } from '../io/text-out.js';

/** Options for the llvm-dwarfdump-style text of DIEs. */
export interface InfoTextOptions {
  /** Print `[DW_FORM_…]` after each attribute name (llvm-dwarfdump --show-form). */
  showForm: boolean;
  /** e_machine, for register names in expressions. */
  machine: number;
}

/** The unit header line, as llvm-dwarfdump prints it. */
export function unitHeaderText(u: Unit): string {
  const h = u.header;
  const kind =
    h.unitType === D.DW_UT_type || h.unitType === D.DW_UT_split_type ? 'Type Unit' : h.unitType === D.DW_UT_partial ? 'Partial Unit' : 'Compile Unit';
  let s = `${hexw(h.offset, 8)}: ${kind}: length = ${hexw(h.length, h.offsetSize * 2)}, format = DWARF${h.offsetSize * 8}, version = ${hexw(h.version, 4)}`;
  if (h.version >= 5) s += `, unit_type = ${unitTypeText(h.unitType)}`;
  s += `, abbr_offset = ${hexw(h.abbrevOffset + u.sectionBase('abbrev'), 4)}, addr_size = ${hexw(h.addressSize, 2)}`;
  if (h.typeSignature !== undefined) s += `, type_signature = ${hexw(h.typeSignature, 16)}, type_offset = ${hexw(h.typeOffset ?? 0, 4)}`;
  if (h.dwoId !== undefined) s += `, DWO_id = ${hexw(h.dwoId, 16)}`;
  return s + ` (next unit at ${hexw(h.end, 8)})`;
}

/** Attribute objects reused from DIE to DIE. */
const scratch: MutableAttribute[] = [];
const prefixes: Map<number, Uint8Array>[] = [];
/** DW_FORM_string values stay section offsets: copied as bytes, never decoded. */
const STRING_OFFSETS = { stringOffsets: true };
const encoder = new TextEncoder();

/**
 * Writes the DIE at the cursor as llvm-dwarfdump prints it: a blank line
 * (llvm-dwarfdump starts every entry with one, so the last NULL of a unit
 * has none after it), the offset and tag line, then one line per attribute
 * (several for range and location lists); a null entry prints `NULL`.
 */
export function writeDie(out: TextOut, unit: Unit, c: DieCursor, opts: InfoTextOptions, names: TypeNames): void {
  const depth = Math.max(0, c.depth);
  out.byte(0x0a).hex(c.offset, 8).ascii(': ').spaces(2 * depth);
  if (!c.abbrev) {
    out.ascii('NULL\n');
    return;
  }
  out.ascii(tagText(c.tag)).byte(0x0a);
  const count = c.attrsInto(scratch, STRING_OFFSETS);
  const indent = 14 + 2 * depth;
  for (let i = 0; i < count; i++) {
    const a = scratch[i]!;
    // The indentation, name, form and `\t(` of an attribute line, encoded
    // once per combination (keys kept small integers: no boxing per lookup).
    const byDepth = (prefixes[depth] ??= new Map());
    const key = a.name < 0x4000 && a.form < 0x4000 ? a.name * 0x4000 + (opts.showForm ? a.form : 0) : -1;
    let prefix = key >= 0 ? byDepth.get(key) : undefined;
    if (!prefix) {
      prefix = encoder.encode(' '.repeat(indent) + attrText(a.name) + (opts.showForm ? ` [${formText(a.form)}]` : '') + '\t(');
      if (key >= 0) byDepth.set(key, prefix);
    }
    out.raw(prefix);
    try {
      writeAttrValue(out, unit, a, scratch, count, indent + 3, opts, names);
    } catch (e) {
      out.ascii('<error: ').escaped((e as Error).message).byte(0x3e);
    }
    out.ascii(')\n');
  }
}

/** Names of DIEs referenced by DW_AT_type, DW_AT_specification, DW_AT_abstract_origin (cached). */
export class TypeNames {
  private readonly cache = new Map<number, string | null>();
  private readonly parentMaps = new Map<Unit, Map<number, number>>();
  constructor(private readonly dwarf: D.Dwarf) {}

  /**
   * The name llvm-dwarfdump shows after DW_AT_specification and
   * DW_AT_abstract_origin: the linkage name if any, else DW_AT_name,
   * following those attributes of the target when it has neither.
   */
  name(offset: number, depth = 0): string | undefined {
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit ?? undefined;
    return this.memo(offset, offset, depth, (u, c) => {
      const a = c.attr(D.DW_AT_linkage_name) ?? c.attr(D.DW_AT_MIPS_linkage_name) ?? c.attr(D.DW_AT_name);
      const n = a ? u.attrString(a) : undefined;
      if (n !== undefined) return n;
      const next = c.attr(D.DW_AT_specification) ?? c.attr(D.DW_AT_abstract_origin);
      const r = next && u.attrRef(next);
      return r?.target === 'info' && r.offset !== undefined ? this.name(r.offset, depth + 1) : undefined;
    });
  }

  /**
   * Looks up (once) a string derived from the DIE at `offset`: `derive`
   * gets its unit and a cursor on it; failures and misses give undefined.
   */
  private memo(key: number, offset: number, depth: number, derive: (u: Unit, c: DieCursor) => string | undefined): string | undefined {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    let n: string | undefined;
    try {
      const u = this.dwarf.unitContaining(offset);
      if (u && depth < 16) {
        const c = u.entriesAt(offset);
        if (c.next()) n = derive(u, c);
      }
    } catch {
      n = undefined;
    }
    this.cache.set(key, n ?? null);
    return n;
  }

  /**
   * A type's name as llvm-dwarfdump shows after DW_AT_type: the name, with
   * pointer, reference and cv-qualifier wrappers spelled out (`const char *`).
   */
  typeName(offset: number, depth = 0): string | undefined {
    const hit = this.cache.get(-(offset + 1) * 2);
    if (hit !== undefined) return hit ?? undefined;
    return this.memo(-(offset + 1) * 2, offset, depth, (u, c) => {
      let n: string | undefined;
      const inner = () => this.innerOffset(u, c);
      const innerName = () => {
        const i = inner();
        return i !== undefined ? this.typeName(i, depth + 1) : undefined;
      };
      const own = c.attr(D.DW_AT_name);
      switch (c.tag) {
        case D.DW_TAG_pointer_type:
        case D.DW_TAG_reference_type:
        case D.DW_TAG_rvalue_reference_type:
        case D.DW_TAG_ptr_to_member_type: {
          const mark = c.tag === D.DW_TAG_pointer_type ? '*' : c.tag === D.DW_TAG_reference_type ? '&' : c.tag === D.DW_TAG_rvalue_reference_type ? '&&' : '::*';
          const io = inner();
          const fn = io !== undefined ? this.subroutine(io, depth + 1) : undefined;
          if (fn) {
            n = `${fn.ret} (${mark})(${fn.params})`;
            break;
          }
          const arr = io !== undefined ? this.array(io, depth + 1) : undefined;
          if (arr) {
            n = `${arr.elem}${arr.elem.endsWith('*') ? '' : ' '}(${mark})${arr.dims}`;
            break;
          }
          const i = innerName() ?? 'void';
          n = i.endsWith('*') || i.endsWith('&') ? i + mark : i + ' ' + mark;
          break;
        }
        case D.DW_TAG_const_type:
        case D.DW_TAG_volatile_type:
        case D.DW_TAG_restrict_type:
        case D.DW_TAG_atomic_type: {
          const q = c.tag === D.DW_TAG_const_type ? 'const' : c.tag === D.DW_TAG_volatile_type ? 'volatile' : c.tag === D.DW_TAG_restrict_type ? 'restrict' : '_Atomic';
          const i = innerName() ?? 'void';
          n = i.endsWith('*') ? `${i} ${q}` : `${q} ${i}`;
          break;
        }
        case D.DW_TAG_array_type:
          n = (innerName() ?? 'void') + arrayDims(u, c);
          break;
        case D.DW_TAG_subroutine_type: {
          const fn = this.subroutine(offset, depth + 1);
          n = fn ? `${fn.ret} (${fn.params})` : undefined;
          break;
        }
        default: {
          const base = own ? u.attrString(own) : ANONYMOUS[c.tag];
          n = base === undefined ? undefined : this.scopes(u, offset) + base;
        }
      }
      return n;
    });
  }

  /** The DIE offset the DW_AT_type of the DIE at the cursor points to. */
  private innerOffset(u: Unit, c: DieCursor): number | undefined {
    const t = c.attr(D.DW_AT_type);
    const r = t && u.attrRef(t);
    return r?.target === 'info' ? r.offset : undefined;
  }

  /** Element type and dimensions of an array type. */
  private array(offset: number, depth: number): { elem: string; dims: string } | undefined {
    const u = this.dwarf.unitContaining(offset);
    if (!u) return undefined;
    const c = u.entriesAt(offset);
    if (!c.next() || c.tag !== D.DW_TAG_array_type) return undefined;
    const eo = this.innerOffset(u, c);
    return { elem: (eo !== undefined ? this.typeName(eo, depth) : undefined) ?? 'void', dims: arrayDims(u, c) };
  }

  /** Return type and parameter list of a subroutine type. */
  private subroutine(offset: number, depth: number): { ret: string; params: string } | undefined {
    const u = this.dwarf.unitContaining(offset);
    if (!u) return undefined;
    const c = u.entriesAt(offset);
    if (!c.next() || c.tag !== D.DW_TAG_subroutine_type) return undefined;
    const ro = this.innerOffset(u, c);
    const ret = (ro !== undefined ? this.typeName(ro, depth) : undefined) ?? 'void';
    const params: string[] = [];
    if (c.hasChildren) {
      const d = c.depth;
      while (c.nextEntry() && c.depth > d) {
        const tag: number = c.tag;
        if (c.depth !== d + 1) continue;
        if (tag === D.DW_TAG_formal_parameter) {
          const po = this.innerOffset(u, c);
          params.push((po !== undefined ? this.typeName(po, depth) : undefined) ?? 'void');
        } else if (tag === D.DW_TAG_unspecified_parameters) params.push('...');
      }
    }
    return { ret, params: params.join(', ') };
  }

  /** `outer::inner::` for a type nested in classes or namespaces (LLVM's appendScopes). */
  private scopes(u: Unit, offset: number): string {
    // Go declares every type at unit level: no scopes, and no need to map the unit's parents.
    try {
      if (u.root().language === D.DW_LANG_Go) return '';
    } catch {
      return '';
    }
    let parents = this.parentMaps.get(u);
    if (!parents) {
      parents = new Map();
      const stack: number[] = [];
      try {
        const c = u.entries();
        while (c.nextEntry()) {
          stack.length = Math.max(0, c.depth);
          if (!c.abbrev) continue;
          if (stack.length) parents.set(c.offset, stack[stack.length - 1]!);
          if (c.hasChildren) stack.push(c.offset);
        }
      } catch {
        // Scopes of a corrupt unit are as far as it could be read.
      }
      this.parentMaps.set(u, parents);
    }
    let s = '';
    for (let p = parents.get(offset), n = 0; p !== undefined && n < 32; p = parents.get(p), n++) {
      const c = u.entriesAt(p);
      if (!c.next()) break;
      if (c.tag === D.DW_TAG_compile_unit || c.tag === D.DW_TAG_type_unit || c.tag === D.DW_TAG_skeleton_unit || c.tag === D.DW_TAG_partial_unit || c.tag === D.DW_TAG_subprogram || c.tag === D.DW_TAG_lexical_block) break;
      const nm = c.attr(D.DW_AT_name);
      const name = nm ? u.attrString(nm) : c.tag === D.DW_TAG_namespace ? '(anonymous namespace)' : ANONYMOUS[c.tag];
      s = (name ?? '') + '::' + s;
    }
    return s;
  }

}

/** How llvm-dwarfdump names an unnamed type. */
const ANONYMOUS: Record<number, string> = {
  [D.DW_TAG_structure_type]: 'structure ',
  [D.DW_TAG_union_type]: 'union ',
  [D.DW_TAG_class_type]: 'class ',
  [D.DW_TAG_enumeration_type]: 'enumeration ',
};

/** `[4]`, `[2][3]`, `[]` from the subrange children of the array type at the cursor. */
function arrayDims(u: Unit, c: DieCursor): string {
  if (!c.hasChildren) return '[]';
  let s = '';
  const d = c.depth;
  while (c.nextEntry() && c.depth > d) {
    if (c.depth !== d + 1 || c.tag !== D.DW_TAG_subrange_type) continue;
    const count = c.attr(D.DW_AT_count);
    const upper = c.attr(D.DW_AT_upper_bound);
    const n = count ? attrNumber(count.value) : upper && D.formClass(upper.form) === 'constant' ? attrNumber(upper.value) : undefined;
    s += n === undefined ? '[]' : `[${count ? n : n + 1}]`;
  }
  return s || '[]';
}

/** Writes the value of one attribute, following LLVM 14's `DWARFDie::dumpAttribute` and `DWARFFormValue::dump`. */
function writeAttrValue(out: TextOut, unit: Unit, a: Attribute, all: readonly Attribute[], count: number, listIndent: number, opts: InfoTextOptions, names: TypeNames): void {
  const v = a.value;
  const cls = D.formClass(a.form);
  const unsigned = cls === 'constant' && a.form !== D.DW_FORM_sdata ? attrNumber(v) : cls === 'flag' ? attrNumber(v) : undefined;
  if (unsigned !== undefined) {
    if (a.name === D.DW_AT_decl_file || a.name === D.DW_AT_call_file) {
      let f: string | undefined;
      try {
        f = unit.lineProgram()?.filePath(unsigned);
      } catch {
        f = undefined;
      }
      if (f !== undefined) {
        out.byte(0x22).escaped(f).byte(0x22);
        return;
      }
    } else {
      const m = attrValueName(a.name, unsigned);
      if (m) {
        out.ascii(m);
        return;
      }
    }
    if (a.name === D.DW_AT_decl_line || a.name === D.DW_AT_call_line) {
      out.dec(unsigned);
      return;
    }
  }
  if (a.name === D.DW_AT_high_pc && !opts.showForm && cls === 'constant') {
    let low: Attribute | undefined;
    for (let i = 0; i < count; i++) if (all[i]!.name === D.DW_AT_low_pc) low = all[i];
    let hi: bigint | undefined;
    try {
      hi = low ? unit.highPc(a, unit.attrAddress(low)) : undefined;
    } catch {
      hi = undefined; // an unresolvable low_pc (a .dwo without its skeleton): print the raw value
    }
    if (hi !== undefined) {
      out.hex(hi, unit.header.addressSize * 2);
      return;
    }
  }
  if (isLocationList(a, unit.version)) return writeLocationList(out, unit, a, listIndent, opts);
  if (isExpression(a)) {
    const b = v as Uint8Array;
    if (b.length === 0) out.ascii('<empty>');
    else {
      const start = b.byteOffset - unit.sectionBytes.byteOffset;
      writeExpression(out, expressionCursor(unit, unit.sectionBytes, unit.sectionName).reset(start, start + b.length), opts.machine, baseTypeWriter(unit));
    }
    return;
  }
  writeFormValue(out, unit, a);
  if (cls === 'reference' && !unit.header.inTypes) {
    const off = a.name === D.DW_AT_type || a.name === D.DW_AT_specification || a.name === D.DW_AT_abstract_origin ? unit.refOffset(a) : -1;
    if (off >= 0) {
      const n = a.name === D.DW_AT_type ? names.typeName(off) : names.name(off);
      if (n !== undefined) out.ascii(' "').escaped(n).byte(0x22);
    }
  }
  if (isRangeList(a, unit.version)) {
    if (a.form === D.DW_FORM_rnglistx) {
      const loc = unit.rangeListLocation(a);
      if (loc) out.hex(loc.offset, 8);
    }
    const loc = unit.rangeListLocation(a);
    const c = loc ? listCursor(unit, loc.rnglists ? 'rnglists' : 'ranges', loc.offset, loc.owner) : undefined;
    const aw = unit.header.addressSize * 2;
    while (c?.next()) {
      if (!c.hasRange) continue;
      out.byte(0x0a).spaces(listIndent).byte(0x5b).hex(c.begin >= 0 ? c.begin : c.beginBig!, aw).ascii(', ').hex(c.end >= 0 ? c.end : c.endBig!, aw).byte(0x29);
    }
  }
}

/** Writes `DWARFFormValue::dump` (non-verbose). */
function writeFormValue(out: TextOut, unit: Unit, a: Attribute): void {
  const v = a.value;
  const aw = unit.header.addressSize * 2;
  switch (a.form) {
    case D.DW_FORM_addr:
      out.hex(v as bigint, aw);
      return;
    case D.DW_FORM_addrx:
    case D.DW_FORM_addrx1:
    case D.DW_FORM_addrx2:
    case D.DW_FORM_addrx3:
    case D.DW_FORM_addrx4:
    case D.DW_FORM_GNU_addr_index: {
      let addr: bigint | undefined;
      try {
        addr = unit.addressAtIndex(v as number);
      } catch {
        addr = undefined;
      }
      if (addr !== undefined) out.hex(addr, aw);
      else out.ascii(`indexed (${(v as number).toString(16).padStart(8, '0')}) address = <unresolved>`);
      return;
    }
    case D.DW_FORM_flag_present:
      out.ascii('true');
      return;
    case D.DW_FORM_flag:
    case D.DW_FORM_data1:
      out.hex(v as number, 2);
      return;
    case D.DW_FORM_data2:
      out.hex(v as number, 4);
      return;
    case D.DW_FORM_data4:
      out.hex(v as number, 8);
      return;
    case D.DW_FORM_data8:
    case D.DW_FORM_ref_sig8:
    case D.DW_FORM_ref_addr:
      out.hex(v as number | bigint, 16);
      return;
    case D.DW_FORM_data16:
      out.ascii('<0x10> ');
      for (const b of v as Uint8Array) out.ascii(b.toString(16).padStart(2, '0')).byte(0x20);
      return;
    case D.DW_FORM_string:
      // A section offset (attrsInto with stringOffsets) or, from other callers, the string.
      out.byte(0x22);
      if (typeof v === 'number') out.escapedBytes(unit.sectionBytes, v);
      else out.escaped(v as string);
      out.byte(0x22);
      return;
    case D.DW_FORM_strp:
    case D.DW_FORM_line_strp:
    case D.DW_FORM_strx:
    case D.DW_FORM_strx1:
    case D.DW_FORM_strx2:
    case D.DW_FORM_strx3:
    case D.DW_FORM_strx4:
    case D.DW_FORM_GNU_str_index:
    case D.DW_FORM_strp_sup:
    case D.DW_FORM_GNU_strp_alt: {
      // Copied from the string section as bytes, never decoded.
      const loc = unit.stringLocation(a.form, v);
      out.byte(0x22);
      if (loc) out.escapedBytes(loc.bytes, loc.offset);
      out.byte(0x22);
      return;
    }
    case D.DW_FORM_exprloc:
    case D.DW_FORM_block:
    case D.DW_FORM_block1:
    case D.DW_FORM_block2:
    case D.DW_FORM_block4: {
      const b = v as Uint8Array;
      if (b.length === 0) return;
      const w = a.form === D.DW_FORM_block1 ? 2 : a.form === D.DW_FORM_block2 ? 4 : a.form === D.DW_FORM_block4 ? 8 : 0;
      out.ascii(`<0x${b.length.toString(16).padStart(w, '0')}> `);
      for (const x of b) out.ascii(x.toString(16).padStart(2, '0')).byte(0x20);
      return;
    }
    case D.DW_FORM_sdata:
    case D.DW_FORM_implicit_const:
    case D.DW_FORM_udata:
      out.dec(v as number | bigint);
      return;
    case D.DW_FORM_ref1:
    case D.DW_FORM_ref2:
    case D.DW_FORM_ref4:
    case D.DW_FORM_ref8:
    case D.DW_FORM_ref_udata:
      out.hex(unit.offset + (v as number), 8);
      return;
    case D.DW_FORM_GNU_ref_alt:
    case D.DW_FORM_ref_sup4:
    case D.DW_FORM_ref_sup8:
      out.ascii('<alt ').hex(v as number, 0).byte(0x3e);
      return;
    case D.DW_FORM_rnglistx:
      out.ascii(`indexed (0x${(v as number).toString(16)}) rangelist = `);
      return;
    case D.DW_FORM_loclistx:
      out.ascii(`indexed (0x${(v as number).toString(16)}) loclist = `);
      return;
    case D.DW_FORM_sec_offset:
      out.hex(v as number, unit.header.offsetSize * 2);
      return;
    default:
      out.ascii('DW_FORM(').hex(a.form, 4).byte(0x29);
  }
}

/** One location-list cursor per unit and list format, reset for each list. */
const listCursors = new WeakMap<Unit, Map<string, ListCursor>>();

function listCursor(unit: Unit, format: D.ListFormat, offset: number, owner: D.Dwarf = unit.dwarf): ListCursor {
  let m = listCursors.get(unit);
  if (!m) listCursors.set(unit, (m = new Map()));
  const c = m.get(format);
  if (c) return c.reset(offset);
  const s = owner.sections;
  const id = format === 'loclists' ? 'loclists' : format === 'rnglists' ? 'rnglists' : format === 'ranges' ? 'ranges' : 'loc';
  const made = new ListCursor(s.bytes(id), s.name(id), offset, format, unit.listContext(), s.view(id));
  m.set(format, made);
  return made;
}

/** One expression cursor per unit and section, reset for each expression (a dump has hundreds of thousands). */
const expressionCursors = new WeakMap<Unit, Map<Uint8Array, OperationCursor>>();

function expressionCursor(unit: Unit, bytes: Uint8Array, section: string): OperationCursor {
  let m = expressionCursors.get(unit);
  if (!m) expressionCursors.set(unit, (m = new Map()));
  let c = m.get(bytes);
  if (!c) m.set(bytes, (c = new OperationCursor(bytes, unit.encoding, unit.dwarf.order, section, 0, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))));
  return c;
}

const baseTypeWriters = new WeakMap<Unit, BaseTypeWriter>();

/** Base type references of `unit` as llvm-dwarfdump prints them: ` (0x0000002a) "int"`. */
export function baseTypeWriter(unit: Unit): BaseTypeWriter {
  let w = baseTypeWriters.get(unit);
  if (!w) {
    w = (out, rel) => {
      const off = unit.offset + rel;
      try {
        const c = unit.entriesAt(off);
        if (c.next() && c.tag === D.DW_TAG_base_type) {
          const n = c.attr(D.DW_AT_name);
          out.ascii(' (').hex(off, 8).byte(0x29);
          if (n) out.ascii(' "').ascii(unit.attrString(n) ?? '').byte(0x22);
          return;
        }
      } catch {
        // fall through to the invalid form
      }
      out.ascii(` <invalid base_type ref: 0x${rel.toString(16)}>`);
    };
    baseTypeWriters.set(unit, w);
  }
  return w;
}

/** Writes a location list as llvm-dwarfdump prints it inside an attribute: offset, then one `[begin, end): ops` line per entry. */
function writeLocationList(out: TextOut, unit: Unit, a: Attribute, indent: number, opts: InfoTextOptions): void {
  if (a.form === D.DW_FORM_loclistx) writeFormValue(out, unit, a);
  const loc = unit.locationListLocation(a);
  if (!loc) return;
  const c = listCursor(unit, loc.format, loc.offset);
  out.hex(loc.offset, 8).ascii(': ');
  const aw = unit.header.addressSize * 2;
  const bytes = c.bytes;
  while (c.next()) {
    if (c.exprLength < 0) continue;
    out.byte(0x0a).spaces(indent);
    if (c.hasRange) out.byte(0x5b).hex(c.begin >= 0 ? c.begin : c.beginBig!, aw).ascii(', ').hex(c.end >= 0 ? c.end : c.endBig!, aw).byte(0x29);
    else out.ascii('<default>');
    out.ascii(': ');
    if (c.exprLength === 0) out.ascii('<empty>');
    else writeExpression(out, expressionCursor(unit, bytes, c.sectionName).reset(c.exprStart, c.exprStart + c.exprLength), opts.machine, baseTypeWriter(unit));
  }
}
