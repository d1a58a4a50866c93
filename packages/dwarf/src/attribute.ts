/**
 * An attribute's value as stored, before resolution through other
 * sections (gimli's `raw_value`). What it holds depends on the form:
 *
 * - `bigint`: `addr` (an address), `data8`, `ref_sig8`, and `sdata`/`udata`/
 *   `implicit_const` values beyond ±2^53;
 * - `number`: `data1/2/4`, `sdata`, `udata`, `implicit_const`, `flag` (0/1),
 *   unit-relative references (`ref1/2/4/8/udata`), `ref_addr` and
 *   supplementary references (section offsets), string offsets (`strp`,
 *   `line_strp`, `strp_sup`, `GNU_strp_alt`), string and address indexes
 *   (`strx*`, `addrx*`, `GNU_str_index`, `GNU_addr_index`), `sec_offset`,
 *   `loclistx`, `rnglistx`;
 * - `string`: `string` (inline);
 * - `true`: `flag_present`;
 * - `Uint8Array` (a view into the section): `block*`, `exprloc`, `data16`.
 */
export type AttrValue = number | bigint | string | boolean | Uint8Array;

/** One attribute of a DIE: its name, its form (after `DW_FORM_indirect`) and raw value. */
export interface Attribute {
  /** DW_AT_*. */
  readonly name: number;
  /** DW_FORM_* of the value; for an indirect attribute, the form read from the DIE. */
  readonly form: number;
  /** The raw value; see {@link AttrValue}. */
  readonly value: AttrValue;
  /** True when the abbreviation said DW_FORM_indirect. */
  readonly indirect?: boolean;
}

/** An {@link Attribute} a cursor may overwrite (see `DieCursor.attrsInto`). */
export interface MutableAttribute {
  name: number;
  form: number;
  value: AttrValue;
  indirect: boolean;
}

/** `v` as a number when it is a safe non-negative integer; undefined otherwise. */
export function attrNumber(v: AttrValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v >= 0n && v <= 9007199254740991n ? Number(v) : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** `v` as an unsigned 64-bit bigint (numbers wrap as two's complement). */
export function attrBigInt(v: AttrValue | undefined): bigint | undefined {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number') return BigInt.asUintN(64, BigInt(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}
