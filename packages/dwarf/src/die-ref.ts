import { ParseError } from '@elfkit/binary';
import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import type { DieCursor } from './cursor.js';
import type { Unit } from './unit.js';
import type { DieRef } from './type.js';

/** One DIE read by reference: its tag, attributes, and a cursor on it (for its children). */
export interface DieAt {
  readonly ref: DieRef;
  readonly tag: number;
  readonly attrs: readonly Attribute[];
  readonly cursor: DieCursor;
}

/** The attribute `name` of `attrs`, or undefined. */
export function attrOf(attrs: readonly Attribute[], name: number): Attribute | undefined {
  for (const a of attrs) if (a.name === name) return a;
  return undefined;
}

/** True when flag attribute `name` is present and set. */
export function flagOf(attrs: readonly Attribute[], name: number): boolean {
  const a = attrOf(attrs, name);
  return a !== undefined && a.value !== 0 && a.value !== false;
}

/** The string value of attribute `name` (any string form), or undefined. */
export function stringOf(unit: Unit, attrs: readonly Attribute[], name: number): string | undefined {
  const a = attrOf(attrs, name);
  return a ? unit.attrString(a) : undefined;
}

/** Reads the DIE `ref` points to. A null entry or an offset outside the unit is a ParseError. */
export function dieAt(ref: DieRef): DieAt {
  const c = ref.unit.entriesAt(ref.offset);
  if (!c.nextEntry() || c.isNull) throw new ParseError('invalid', `a reference points to 0x${ref.offset.toString(16)}, which is not a DIE`, ref.unit.sectionName, ref.offset);
  return { ref, tag: c.tag, attrs: c.attrs(), cursor: c };
}

/**
 * Calls `fn` for each child of the DIE `c` is on (read by {@link dieAt}),
 * with the cursor on the child; the child's own children are skipped
 * after `fn` returns.
 */
export function forEachChild(c: DieCursor, fn: (child: DieCursor) => void): void {
  if (!c.hasChildren) return;
  const depth = c.depth + 1;
  while (c.nextEntry()) {
    if (c.depth < depth) return;
    if (c.isNull) {
      if (c.depth === depth) return;
      continue;
    }
    if (c.depth !== depth) continue;
    fn(c);
    c.skipChildren();
  }
}

/**
 * Where a reference attribute of `unit` points: the same unit for
 * unit-local forms, the unit holding the offset for `ref_addr`, the type
 * unit for `ref_sig8`, the supplementary file's unit for `ref_sup*` /
 * `GNU_ref_alt`. Undefined for non-reference forms. A reference to
 * nowhere is a ParseError naming the referring DIE.
 */
export function refTarget(unit: Unit, a: Attribute, from: number): DieRef | undefined {
  const outside = (what: string) => new ParseError('out-of-range', `DIE 0x${from.toString(16)}: ${what}`, unit.sectionName, from);
  switch (a.form) {
    case C.DW_FORM_ref1:
    case C.DW_FORM_ref2:
    case C.DW_FORM_ref4:
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_udata: {
      const offset = unit.offset + (a.value as number);
      if (!(offset >= unit.firstEntry && offset < unit.end)) throw outside(`reference 0x${offset.toString(16)} is outside its unit (0x${unit.offset.toString(16)}–0x${unit.end.toString(16)})`);
      return { unit, offset };
    }
    case C.DW_FORM_ref_addr: {
      const offset = (a.value as number) + unit.sectionBase('info');
      const target = unit.dwarf.unitContaining(offset);
      if (!target || offset < target.firstEntry) throw outside(`reference 0x${offset.toString(16)} is outside every unit of ${unit.dwarf.sections.name('info')}`);
      return { unit: target, offset };
    }
    case C.DW_FORM_ref_sig8: {
      const tu = unit.dwarf.typeUnit(a.value as bigint);
      if (!tu || tu.header.typeOffset === undefined) throw outside(`no type unit has signature 0x${(a.value as bigint).toString(16).padStart(16, '0')}`);
      return { unit: tu, offset: tu.offset + tu.header.typeOffset };
    }
    case C.DW_FORM_ref_sup4:
    case C.DW_FORM_ref_sup8:
    case C.DW_FORM_GNU_ref_alt: {
      const sup = unit.dwarf.sup;
      if (!sup) throw outside('reference into the supplementary file, which is not loaded');
      const offset = a.value as number;
      const target = sup.unitContaining(offset);
      if (!target || offset < target.firstEntry) throw outside(`reference 0x${offset.toString(16)} is outside the supplementary file's units`);
      return { unit: target, offset };
    }
    default:
      return undefined;
  }
}
