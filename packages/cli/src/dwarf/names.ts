import * as D from '@elfkit/dwarf';
import { constants as E } from '@elfkit/elf';

/**
 * Names by code, looked up once each: a dense array for the standard range
 * (a holey or sparse one would fall back to slow dictionary elements),
 * a map above it. A dump asks millions of times.
 */
function cached(name: (v: number) => string | undefined, prefix: string): (v: number) => string {
  const dense: (string | undefined)[] = new Array(0x4000).fill(undefined);
  const sparse = new Map<number, string>();
  const make = (v: number) => name(v) ?? `${prefix}_unknown_${v.toString(16)}`;
  return (v) => {
    if (v >= 0 && v < 0x4000) return (dense[v] ??= make(v));
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
export const opText = cached(D.opName, 'DW_OP');
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

const X86_64 = ['RAX', 'RDX', 'RCX', 'RBX', 'RSI', 'RDI', 'RBP', 'RSP', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'RIP'];
const I386 = ['EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI', 'EIP'];

/**
 * The register name llvm-dwarfdump prints after `DW_OP_reg*`/`DW_OP_breg*`
 * for the targets of the fixtures (x86-64, i386, AArch64, ARM, PowerPC,
 * RISC-V, s390x, MIPS; LLVM's register names); undefined
 * elsewhere, where it prints the number alone.
 */
export function registerName(machine: number, reg: number): string | undefined {
  switch (machine) {
    case E.EM_X86_64:
      if (reg < X86_64.length) return X86_64[reg];
      if (reg >= 17 && reg <= 32) return `XMM${reg - 17}`;
      if (reg >= 33 && reg <= 40) return `ST${reg - 33}`;
      if (reg >= 41 && reg <= 48) return `MM${reg - 41}`;
      return undefined;
    case E.EM_386:
      return reg < I386.length ? I386[reg] : undefined;
    case E.EM_AARCH64:
      if (reg <= 30) return `W${reg}`;
      if (reg === 31) return 'WSP';
      if (reg >= 64 && reg <= 95) return `B${reg - 64}`;
      return undefined;
    case E.EM_ARM:
      if (reg <= 15) return ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10', 'R11', 'R12', 'SP', 'LR', 'PC'][reg];
      return undefined;
    case E.EM_PPC64:
    case E.EM_PPC:
      if (reg <= 31) return `${machine === E.EM_PPC64 ? 'X' : 'R'}${reg}`;
      if (reg <= 63) return `F${reg - 32}`;
      return undefined;
    case E.EM_RISCV:
      return reg <= 31 ? `X${reg}` : undefined;
    case E.EM_S390:
      if (reg <= 15) return `R${reg}D`;
      if (reg <= 31) return `F${S390_FPR[reg - 16]}D`;
      return undefined;
    case E.EM_MIPS:
    case E.EM_MIPS_RS3_LE:
      if (reg <= 31) return MIPS[reg] + '_64';
      if (reg <= 63) return `D${reg - 32}_64`;
      return undefined;
    default:
      return undefined;
  }
}

const S390_FPR = [0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15];
const MIPS = ['ZERO', 'AT', 'V0', 'V1', 'A0', 'A1', 'A2', 'A3', 'T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'T8', 'T9', 'K0', 'K1', 'GP', 'SP', 'FP', 'RA'];
