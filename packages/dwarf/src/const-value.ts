import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import { formClass } from './forms.js';
import type { Unit } from './unit.js';

/** A DW_AT_const_value: an integer, a string, or the bytes of a block. */
export type ConstValue = bigint | string | Uint8Array;

const DATA_SIZE: Record<number, number> = { [C.DW_FORM_data1]: 1, [C.DW_FORM_data2]: 2, [C.DW_FORM_data4]: 4, [C.DW_FORM_data8]: 8 };

/**
 * The value of a constant-class attribute as an integer. `sdata` and
 * `implicit_const` are signed and `udata` unsigned by their encoding; the
 * fixed-size `dataN` forms carry no sign, so they are sign-extended when
 * `signed` (the value's type is a signed integer), as DWARF 5 §7.5.5 asks.
 * Undefined for forms of other classes.
 */
export function constInteger(a: Attribute, signed: boolean): bigint | undefined {
  const v = a.value;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  switch (a.form) {
    case C.DW_FORM_sdata:
    case C.DW_FORM_implicit_const:
      return BigInt(v);
    case C.DW_FORM_udata:
      return BigInt.asUintN(64, BigInt(v));
    case C.DW_FORM_flag:
    case C.DW_FORM_flag_present:
      return BigInt(v);
    default: {
      const size = DATA_SIZE[a.form];
      if (size === undefined) return undefined;
      const u = BigInt.asUintN(size * 8, BigInt(v));
      return signed ? BigInt.asIntN(size * 8, u) : u;
    }
  }
}

/** A DW_AT_const_value of any class: an integer (see {@link constInteger}), a string, or a block's bytes. */
export function constValue(unit: Unit, a: Attribute, signed: boolean): ConstValue | undefined {
  const i = constInteger(a, signed);
  if (i !== undefined) return i;
  if (a.value instanceof Uint8Array) return a.value;
  if (formClass(a.form) === 'string') return unit.attrString(a);
  return undefined;
}

/**
 * A constant-class attribute that must be a count or a size: a
 * non-negative safe integer, else undefined (a DW_AT_byte_size given as an
 * expression or a reference, for a variable-length type, has no fixed
 * value).
 */
export function constCount(a: Attribute | undefined): number | undefined {
  if (!a || formClass(a.form) !== 'constant') return undefined;
  const v = constInteger(a, a.form === C.DW_FORM_sdata || a.form === C.DW_FORM_implicit_const);
  return v !== undefined && v >= 0n && v <= 0x1fffffffffffffn ? Number(v) : undefined;
}

/** A constant-class attribute as a signed safe integer (bounds, bit offsets), else undefined. */
export function constSigned(a: Attribute | undefined): number | undefined {
  if (!a || formClass(a.form) !== 'constant') return undefined;
  const v = constInteger(a, true);
  return v !== undefined && v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn ? Number(v) : undefined;
}
