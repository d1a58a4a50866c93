import { ParseError, Reader } from '@elfkit/binary';
import * as C from './constants.js';
import { readInitialLength, readOffset, validAddressSize, type Encoding } from './encoding.js';

/**
 * The header of a unit in `.debug_info` (or DWARF 4 `.debug_types`), in
 * any of its shapes: DWARF 2–4 `length, version, abbrev_offset,
 * address_size` (+ `type_signature, type_offset` in `.debug_types`), and
 * DWARF 5 `length, version, unit_type, address_size, abbrev_offset` plus
 * the per-type fields.
 */
export interface UnitHeader extends Encoding {
  /** `.debug_info`, `.debug_types` (or their `.dwo` names). */
  readonly section: string;
  /** True for a unit of `.debug_types`. */
  readonly inTypes: boolean;
  /** Offset of the unit (its length field) in the section. */
  readonly offset: number;
  /** The unit_length field: bytes after the length field. */
  readonly length: number;
  /** DW_UT_*: given in DWARF 5, implied before (compile, or type in `.debug_types`). */
  readonly unitType: number;
  /** Offset of the abbreviation table (relative to the unit's `.debug_abbrev` contribution in a `.dwp`). */
  readonly abbrevOffset: number;
  /** Type units: the 8-byte signature. */
  readonly typeSignature?: bigint;
  /** Type units: unit-relative offset of the type DIE. */
  readonly typeOffset?: number;
  /** DWARF 5 skeleton and split compile units: the dwo_id. */
  readonly dwoId?: bigint;
  /** Header size: the first DIE is at `offset + headerSize`. */
  readonly headerSize: number;
  /** Offset just past the unit (the next unit's offset). */
  readonly end: number;
}

/**
 * Reads the unit header at `offset`. Throws ParseError for a truncated or
 * invalid header; when the length field itself was readable the error
 * carries `nextUnit` (via {@link UnitHeaderError}) so a caller can skip
 * the bad unit and go on with the next one.
 */
export function readUnitHeader(r: Reader, offset: number, inTypes: boolean): UnitHeader {
  // Offsets are section offsets; the reader's bytes start at section offset r.base (a window of a streamed section).
  const base = r.base;
  r.seek(offset - base);
  const il = readInitialLength(r, 'unit');
  const start = r.pos + base;
  const end = start + il.length;
  if (end > base + r.length) {
    throw r.error('truncated', `unit length 0x${il.length.toString(16)} runs past the end of ${r.section} (0x${(base + r.length).toString(16)} bytes)`, offset - base);
  }
  try {
    const version = r.u16();
    if (version < 2 || version > 5) throw r.error('unsupported', `unit version ${version}`, start - base);
    const offsetSize = il.offsetSize;
    let unitType: number;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = readOffset(r, offsetSize, 'abbreviation offset');
    } else {
      abbrevOffset = readOffset(r, offsetSize, 'abbreviation offset');
      addressSize = r.u8();
      unitType = inTypes ? C.DW_UT_type : C.DW_UT_compile;
    }
    if (!validAddressSize(addressSize)) throw r.error('unsupported', `address size ${addressSize}`, r.pos - (version >= 5 ? 1 + offsetSize : 1));
    let typeSignature: bigint | undefined;
    let typeOffset: number | undefined;
    let dwoId: bigint | undefined;
    switch (unitType) {
      case C.DW_UT_compile:
      case C.DW_UT_partial:
        break;
      case C.DW_UT_type:
      case C.DW_UT_split_type:
        typeSignature = r.u64();
        typeOffset = readOffset(r, offsetSize, 'type offset');
        break;
      case C.DW_UT_skeleton:
      case C.DW_UT_split_compile:
        dwoId = r.u64();
        break;
      default:
        throw r.error('unsupported', `unit type 0x${unitType.toString(16)}`, start + 2 - base);
    }
    const headerSize = r.pos + base - offset;
    if (r.pos + base > end) throw r.error('truncated', `unit header (0x${headerSize.toString(16)} bytes) is longer than the unit`, offset - base);
    if (typeOffset !== undefined && (typeOffset < headerSize || offset + typeOffset >= end)) {
      throw r.error('out-of-range', `type offset 0x${typeOffset.toString(16)} is outside the unit`, offset - base);
    }
    return {
      section: r.section,
      inTypes,
      offset,
      length: il.length,
      offsetSize,
      version,
      unitType,
      addressSize,
      abbrevOffset,
      typeSignature,
      typeOffset,
      dwoId,
      headerSize,
      end,
    };
  } catch (e) {
    if (e instanceof ParseError) throw new UnitHeaderError(e, end);
    throw e;
  }
}

/** A bad unit header whose length was readable: `nextUnit` is where the next unit starts. */
export class UnitHeaderError extends ParseError {
  readonly nextUnit: number;
  constructor(cause: ParseError, nextUnit: number) {
    super(cause.code, cause.reason, cause.section, cause.offset);
    this.nextUnit = nextUnit;
  }
}
