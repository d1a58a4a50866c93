import type { Reader } from '@elfkit/binary';
import type { AttrValue } from './attribute.js';
import * as C from './constants.js';
import { readSlebValue, readUlebValue, type Encoding } from './encoding.js';

/**
 * The size in bytes of a value of `form` under `enc`, or -1 when it is
 * variable (LEB128, strings, blocks, indirect). DW_FORM_ref_addr is
 * address-sized in DWARF 2 and offset-sized from DWARF 3 on.
 */
export function fixedFormSize(form: number, enc: Encoding): number {
  switch (form) {
    case C.DW_FORM_flag_present:
    case C.DW_FORM_implicit_const:
      return 0;
    case C.DW_FORM_data1:
    case C.DW_FORM_ref1:
    case C.DW_FORM_flag:
    case C.DW_FORM_strx1:
    case C.DW_FORM_addrx1:
      return 1;
    case C.DW_FORM_data2:
    case C.DW_FORM_ref2:
    case C.DW_FORM_strx2:
    case C.DW_FORM_addrx2:
      return 2;
    case C.DW_FORM_strx3:
    case C.DW_FORM_addrx3:
      return 3;
    case C.DW_FORM_data4:
    case C.DW_FORM_ref4:
    case C.DW_FORM_ref_sup4:
    case C.DW_FORM_strx4:
    case C.DW_FORM_addrx4:
      return 4;
    case C.DW_FORM_data8:
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_sig8:
    case C.DW_FORM_ref_sup8:
      return 8;
    case C.DW_FORM_data16:
      return 16;
    case C.DW_FORM_addr:
      return enc.addressSize;
    case C.DW_FORM_ref_addr:
      return enc.version <= 2 ? enc.addressSize : enc.offsetSize;
    case C.DW_FORM_strp:
    case C.DW_FORM_line_strp:
    case C.DW_FORM_sec_offset:
    case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_ref_alt:
    case C.DW_FORM_GNU_strp_alt:
      return enc.offsetSize;
    default:
      return -1;
  }
}

/**
 * The class of a form's value (DWARF 5 §7.5.5), which says how to resolve
 * it: `string` forms through the string sections, `address` through
 * `.debug_addr`, `reference` to a DIE, and so on.
 */
export type FormClass =
  | 'address'
  | 'block'
  | 'constant'
  | 'exprloc'
  | 'flag'
  | 'reference'
  | 'string'
  | 'sec_offset'
  | 'loclist'
  | 'rnglist'
  | 'data16'
  | 'indirect'
  | 'unknown';

/** The class of `form`. */
export function formClass(form: number): FormClass {
  switch (form) {
    case C.DW_FORM_addr:
    case C.DW_FORM_addrx:
    case C.DW_FORM_addrx1:
    case C.DW_FORM_addrx2:
    case C.DW_FORM_addrx3:
    case C.DW_FORM_addrx4:
    case C.DW_FORM_GNU_addr_index:
      return 'address';
    case C.DW_FORM_block:
    case C.DW_FORM_block1:
    case C.DW_FORM_block2:
    case C.DW_FORM_block4:
      return 'block';
    case C.DW_FORM_data1:
    case C.DW_FORM_data2:
    case C.DW_FORM_data4:
    case C.DW_FORM_data8:
    case C.DW_FORM_sdata:
    case C.DW_FORM_udata:
    case C.DW_FORM_implicit_const:
      return 'constant';
    case C.DW_FORM_data16:
      return 'data16';
    case C.DW_FORM_exprloc:
      return 'exprloc';
    case C.DW_FORM_flag:
    case C.DW_FORM_flag_present:
      return 'flag';
    case C.DW_FORM_ref1:
    case C.DW_FORM_ref2:
    case C.DW_FORM_ref4:
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_ref_addr:
    case C.DW_FORM_ref_sig8:
    case C.DW_FORM_ref_sup4:
    case C.DW_FORM_ref_sup8:
    case C.DW_FORM_GNU_ref_alt:
      return 'reference';
    case C.DW_FORM_string:
    case C.DW_FORM_strp:
    case C.DW_FORM_line_strp:
    case C.DW_FORM_strx:
    case C.DW_FORM_strx1:
    case C.DW_FORM_strx2:
    case C.DW_FORM_strx3:
    case C.DW_FORM_strx4:
    case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_str_index:
    case C.DW_FORM_GNU_strp_alt:
      return 'string';
    case C.DW_FORM_sec_offset:
      return 'sec_offset';
    case C.DW_FORM_loclistx:
      return 'loclist';
    case C.DW_FORM_rnglistx:
      return 'rnglist';
    case C.DW_FORM_indirect:
      return 'indirect';
    default:
      return 'unknown';
  }
}

/**
 * Reads one attribute value of `form` from `r` (see {@link AttrValue} for
 * what each form yields). DW_FORM_indirect and DW_FORM_implicit_const are
 * the caller's business (the form, or the value, lives elsewhere); an
 * implicit_const reached here reads an SLEB128 from the data. Throws
 * ParseError `unsupported` for an unknown form, since its size is unknown
 * too.
 */
export function readFormValue(r: Reader, form: number, enc: Encoding): AttrValue {
  switch (form) {
    case C.DW_FORM_addr:
      return r.address();
    case C.DW_FORM_data1:
    case C.DW_FORM_ref1:
    case C.DW_FORM_flag:
    case C.DW_FORM_strx1:
    case C.DW_FORM_addrx1:
      return r.u8();
    case C.DW_FORM_data2:
    case C.DW_FORM_ref2:
    case C.DW_FORM_strx2:
    case C.DW_FORM_addrx2:
      return r.u16();
    case C.DW_FORM_strx3:
    case C.DW_FORM_addrx3:
      return r.u24();
    case C.DW_FORM_data4:
    case C.DW_FORM_ref4:
    case C.DW_FORM_ref_sup4:
    case C.DW_FORM_strx4:
    case C.DW_FORM_addrx4:
      return r.u32();
    case C.DW_FORM_data8:
    case C.DW_FORM_ref_sig8:
      return r.u64();
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_sup8:
      return r.u64n('reference');
    case C.DW_FORM_data16:
      return r.bytesView(16);
    case C.DW_FORM_sdata:
      return readSlebValue(r);
    case C.DW_FORM_udata:
      return readUlebValue(r);
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_strx:
    case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx:
    case C.DW_FORM_rnglistx:
    case C.DW_FORM_GNU_addr_index:
    case C.DW_FORM_GNU_str_index:
      return r.uleb();
    case C.DW_FORM_string:
      return r.cstr();
    case C.DW_FORM_strp:
    case C.DW_FORM_line_strp:
    case C.DW_FORM_sec_offset:
    case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_ref_alt:
    case C.DW_FORM_GNU_strp_alt:
      return enc.offsetSize === 4 ? r.u32() : r.u64n('offset');
    case C.DW_FORM_ref_addr:
      return enc.version <= 2 ? r.uint(enc.addressSize, 'reference') : enc.offsetSize === 4 ? r.u32() : r.u64n('reference');
    case C.DW_FORM_block1:
      return r.bytesView(r.u8());
    case C.DW_FORM_block2:
      return r.bytesView(r.u16());
    case C.DW_FORM_block4:
      return r.bytesView(r.u32());
    case C.DW_FORM_block:
    case C.DW_FORM_exprloc:
      return r.bytesView(r.uleb());
    case C.DW_FORM_flag_present:
      return true;
    case C.DW_FORM_implicit_const:
      // Only reachable through DW_FORM_indirect, where the abbreviation has
      // no room for the constant: it follows in the DIE (as gimli reads it).
      return r.sleb();
    default:
      throw r.error('unsupported', `unknown attribute form 0x${form.toString(16)}`);
  }
}
