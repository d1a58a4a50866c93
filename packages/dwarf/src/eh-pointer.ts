import type { Reader } from '@elfkit/binary';

// DW_EH_PE_*: how `.eh_frame` and `.eh_frame_hdr` encode a pointer (LSB
// "DWARF Extensions": the low nibble is the value's format, bits 4–6 what it
// is relative to, bit 7 an indirection, 0xff "no value").
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_absptr = 0x00;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_uleb128 = 0x01;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_udata2 = 0x02;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_udata4 = 0x03;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_udata8 = 0x04;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_signed = 0x08;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_sleb128 = 0x09;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_sdata2 = 0x0a;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_sdata4 = 0x0b;
/** Pointer encoding, low nibble: the value's format (`.eh_frame`, `.eh_frame_hdr`, LSB DWARF extensions). */
export const DW_EH_PE_sdata8 = 0x0c;
/** Pointer encoding, bits 4–6: what the value is relative to (`.eh_frame`, `.eh_frame_hdr`). */
export const DW_EH_PE_pcrel = 0x10;
/** Pointer encoding, bits 4–6: what the value is relative to (`.eh_frame`, `.eh_frame_hdr`). */
export const DW_EH_PE_textrel = 0x20;
/** Pointer encoding, bits 4–6: what the value is relative to (`.eh_frame`, `.eh_frame_hdr`). */
export const DW_EH_PE_datarel = 0x30;
/** Pointer encoding, bits 4–6: what the value is relative to (`.eh_frame`, `.eh_frame_hdr`). */
export const DW_EH_PE_funcrel = 0x40;
/** Pointer encoding, bits 4–6: what the value is relative to (`.eh_frame`, `.eh_frame_hdr`). */
export const DW_EH_PE_aligned = 0x50;
/** Pointer encoding bit 7: the value is the address of the pointer, not the pointer. */
export const DW_EH_PE_indirect = 0x80;
/** Pointer encoding meaning "no value is present". */
export const DW_EH_PE_omit = 0xff;

/**
 * The addresses relative encodings add to a value (gimli's
 * `BaseAddresses`). `section` is where the section being read starts in
 * memory: a `pcrel` value adds the address of its own field.
 */
export interface PointerBases {
  /** Address of the first byte of the section being read (for `pcrel`). */
  readonly section?: bigint;
  /** Base of `textrel` values (the start of `.text` on most targets). */
  readonly text?: bigint;
  /** Base of `datarel` values (`.eh_frame_hdr`'s own start there; the GOT on some targets). */
  readonly data?: bigint;
  /** Base of `funcrel` values: the FDE's initial location. */
  readonly func?: bigint;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** True when `enc` is a value (not `omit`) whose format and application this reader knows. */
export function validPointerEncoding(enc: number): boolean {
  if (enc === DW_EH_PE_omit) return true;
  const format = enc & 0x0f;
  const app = enc & 0x70;
  return (format <= 4 || (format >= 9 && format <= 0x0c)) && app <= DW_EH_PE_aligned;
}

/** Size in bytes of a value of encoding `enc`, or undefined for the LEB128 formats. */
export function encodedPointerSize(enc: number, addressSize: number): number | undefined {
  switch (enc & 0x0f) {
    case DW_EH_PE_absptr:
      return addressSize;
    case DW_EH_PE_udata2:
    case DW_EH_PE_sdata2:
      return 2;
    case DW_EH_PE_udata4:
    case DW_EH_PE_sdata4:
      return 4;
    case DW_EH_PE_udata8:
    case DW_EH_PE_sdata8:
      return 8;
    default:
      return undefined;
  }
}

/** The name of a pointer encoding as gimli and the LSB spell it (`DW_EH_PE_pcrel|DW_EH_PE_sdata4`). */
export function pointerEncodingName(enc: number): string {
  if (enc === DW_EH_PE_omit) return 'DW_EH_PE_omit';
  const formats: Record<number, string> = { 0: 'absptr', 1: 'uleb128', 2: 'udata2', 3: 'udata4', 4: 'udata8', 9: 'sleb128', 0xa: 'sdata2', 0xb: 'sdata4', 0xc: 'sdata8' };
  const apps: Record<number, string> = { 0x10: 'pcrel', 0x20: 'textrel', 0x30: 'datarel', 0x40: 'funcrel', 0x50: 'aligned' };
  const parts: string[] = [];
  if (enc & DW_EH_PE_indirect) parts.push('DW_EH_PE_indirect');
  const app = apps[enc & 0x70];
  if (app) parts.push(`DW_EH_PE_${app}`);
  parts.push(`DW_EH_PE_${formats[enc & 0x0f] ?? `0x${(enc & 0x0f).toString(16)}`}`);
  return parts.join('|');
}

/**
 * Reads a pointer of encoding `enc` at the reader's position and applies
 * its base: the result is the address the pointer names (for
 * `DW_EH_PE_indirect`, the address of the word that holds it — the caller
 * dereferences it where memory is available). Values wrap to the address
 * size. A relative encoding whose base `bases` lacks, an unknown format and
 * `omit` throw ParseError at the field.
 */
export function readEncodedPointer(r: Reader, enc: number, bases: PointerBases, addressSize: number): bigint {
  const at = r.pos;
  if (enc === DW_EH_PE_omit) throw r.error('invalid', 'an omitted pointer (DW_EH_PE_omit) cannot be read', at);
  const app = enc & 0x70;
  if (app === DW_EH_PE_aligned) {
    // The value is an absolute pointer at the next address-size boundary of the section.
    const sectionPos = r.offset;
    const pad = (addressSize - (sectionPos % addressSize)) % addressSize;
    r.skip(pad);
  }
  const fieldOffset = r.offset;
  const format = enc & 0x0f;
  // The usual case (pcrel or absolute, 2 or 4 bytes: every FDE of a GCC or Clang .eh_frame) in numbers, one bigint made.
  if ((app === DW_EH_PE_absptr || (app === DW_EH_PE_pcrel && bases.section !== undefined && bases.section <= MAX_EXACT)) && (format === DW_EH_PE_sdata4 || format === DW_EH_PE_udata4 || format === DW_EH_PE_sdata2 || format === DW_EH_PE_udata2)) {
    const n = format === DW_EH_PE_sdata4 ? r.i32() : format === DW_EH_PE_udata4 ? r.u32() : format === DW_EH_PE_sdata2 ? r.i16() : r.u16();
    const x = app === DW_EH_PE_pcrel ? Number(bases.section) + fieldOffset + n : n;
    if (x >= 0 && x <= (addressSize >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (addressSize * 8) - 1)) return BigInt(x);
    if (Number.isSafeInteger(x)) return BigInt.asUintN(addressSize * 8, BigInt(x));
    r.pos = fieldOffset - r.base;
  }
  let v: bigint;
  switch (enc & 0x0f) {
    case DW_EH_PE_absptr:
      v = addressSize === 8 ? r.u64() : addressSize === 4 ? BigInt(r.u32()) : addressSize === 2 ? BigInt(r.u16()) : BigInt(r.uint(addressSize, 'pointer'));
      break;
    case DW_EH_PE_uleb128:
      v = r.ulebBig();
      break;
    case DW_EH_PE_udata2:
      v = BigInt(r.u16());
      break;
    case DW_EH_PE_udata4:
      v = BigInt(r.u32());
      break;
    case DW_EH_PE_udata8:
      v = r.u64();
      break;
    case DW_EH_PE_sleb128:
      v = r.slebBig();
      break;
    case DW_EH_PE_sdata2:
      v = BigInt(r.i16());
      break;
    case DW_EH_PE_sdata4:
      v = BigInt(r.i32());
      break;
    case DW_EH_PE_sdata8:
      v = r.i64();
      break;
    default:
      throw r.error('unsupported', `unknown pointer encoding 0x${enc.toString(16)}`, at);
  }
  let base = 0n;
  switch (app) {
    case DW_EH_PE_absptr:
    case DW_EH_PE_aligned:
      break;
    case DW_EH_PE_pcrel:
      if (bases.section === undefined) throw r.error('unsupported', `${pointerEncodingName(enc)} pointer needs the section's address`, at);
      base = bases.section + BigInt(fieldOffset);
      break;
    case DW_EH_PE_textrel:
      if (bases.text === undefined) throw r.error('unsupported', `${pointerEncodingName(enc)} pointer needs the text base address`, at);
      base = bases.text;
      break;
    case DW_EH_PE_datarel:
      if (bases.data === undefined) throw r.error('unsupported', `${pointerEncodingName(enc)} pointer needs the data base address`, at);
      base = bases.data;
      break;
    case DW_EH_PE_funcrel:
      if (bases.func === undefined) throw r.error('unsupported', `${pointerEncodingName(enc)} pointer needs the function's address`, at);
      base = bases.func;
      break;
    default:
      throw r.error('unsupported', `unknown pointer application 0x${app.toString(16)} in encoding 0x${enc.toString(16)}`, at);
  }
  return BigInt.asUintN(addressSize * 8, v + base);
}
