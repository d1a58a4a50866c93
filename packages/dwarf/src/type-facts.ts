import * as C from './constants.js';
import type { DwarfType } from './type.js';

/** True when `t` (through typedefs and qualifiers) is a signed integer or an enumeration over one. */
export function isSignedInteger(t: DwarfType | undefined): boolean {
  let s: DwarfType | undefined;
  try {
    s = t?.strip();
    if (s?.kind === 'enum') s = s.underlying?.strip();
  } catch {
    return false;
  }
  return s?.kind === 'base' && (s.encoding === C.DW_ATE_signed || s.encoding === C.DW_ATE_signed_char);
}
