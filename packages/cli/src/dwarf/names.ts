import * as D from '@elfkit/dwarf';
import * as E from '@elfkit/elf/constants';
import { LLVM_REGISTER_NAMES } from './frame-registers.js';

/**
 * Names by code, looked up once each: a dense array for the standard range
 * (a holey or sparse one would fall back to slow dictionary elements),
 * a map above it. A dump asks millions of times. The array is made on the
 * first look-up: filling five of them when the module loads cost every
 * command that imports this (`dwarf frames` asks none of them) ~3 ms.
 * `size`: the dense range (opcodes are bytes: 16,384 slots, 128 KB, are a
 * large object in V8's young generation, which brought on a collection in
 * `dwarf frames`' first expression).
 */
function cached(name: (v: number) => string | undefined, prefix: string, size = 0x4000): (v: number) => string {
  let dense: (string | undefined)[] | undefined;
  const sparse = new Map<number, string>();
  const make = (v: number) => name(v) ?? `${prefix}_unknown_${v.toString(16)}`;
  return (v) => {
    if (v >= 0 && v < size) return ((dense ??= new Array(size).fill(undefined))[v] ??= make(v));
    let s = sparse.get(v);
    if (s === undefined) sparse.set(v, (s = make(v)));
    return s;
  };
}

/** `DW_TAG_…`, or `DW_TAG_unknown_<hex>` as llvm-dwarfdump prints an unknown one. */
export const tagText = cached(D.tagName, 'DW_TAG');
/** `DW_AT_…` or `DW_AT_unknown_<hex>`. */
export const attrText = cached(D.attrName, 'DW_AT');
/** `DW_FORM_…` or `DW_FORM_unknown_<hex>`. */
export const formText = cached(D.formName, 'DW_FORM');
/** `DW_OP_…` or `DW_OP_unknown_<hex>`. */
export const opText = cached(D.opName, 'DW_OP', 0x100);
/** `DW_UT_…` or `DW_UT_unknown_<hex>`. */
export const unitTypeText = (v: number) => D.unitTypeName(v) ?? `DW_UT_unknown_${v.toString(16)}`;

/**
 * The symbolic name llvm-dwarfdump gives a constant of attribute `at`
 * (`DW_LANG_C11`, `DW_ATE_signed`, `DW_INL_inlined`…), as LLVM's
 * `AttributeValueString`; undefined for attributes with plain numbers.
 */
export function attrValueName(at: number, v: number): string | undefined {
  switch (at) {
    case D.DW_AT_accessibility:
      return D.accessName(v);
    case D.DW_AT_virtuality:
      return D.virtualityName(v);
    case D.DW_AT_language:
    case D.DW_AT_APPLE_runtime_class:
      return D.langName(v);
    case D.DW_AT_encoding:
      return D.ateName(v);
    case D.DW_AT_decimal_sign:
      return D.decimalSignName(v);
    case D.DW_AT_endianity:
      return D.endName(v);
    case D.DW_AT_visibility:
      return D.visName(v);
    case D.DW_AT_identifier_case:
      return D.idCaseName(v);
    case D.DW_AT_calling_convention:
      return D.ccName(v);
    case D.DW_AT_inline:
      return D.inlName(v);
    case D.DW_AT_ordering:
      return D.ordName(v);
    case D.DW_AT_defaulted:
      return D.defaultedName(v);
    default:
      return undefined;
  }
}

/**
 * The register name llvm-dwarfdump prints after `DW_OP_reg*`/`DW_OP_breg*`
 * and in call frame instructions (LLVM's register names, generated from
 * llvm-dwarfdump itself by scripts/gen-frame-registers.mjs for x86-64,
 * i386, AArch64, ARM, PowerPC, RISC-V, s390x, MIPS and SPARC); undefined
 * where it prints `reg<N>`.
 */
export function registerName(machine: number, reg: number): string | undefined {
  return LLVM_REGISTER_NAMES[machine === E.EM_MIPS_RS3_LE ? E.EM_MIPS : machine]?.[reg] ?? undefined;
}
