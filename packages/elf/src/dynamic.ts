import * as C from './constants.js';

/** One entry of the dynamic section. */
export interface DynamicEntry {
  /** d_tag (DT_*). */
  readonly tag: bigint;
  /** d_val / d_ptr. */
  readonly value: bigint;
  /** For string-valued tags (NEEDED, SONAME, RPATH, RUNPATH, AUXILIARY, FILTER…): the string. */
  readonly string?: string;
}

/** Tags whose value is an offset into the dynamic string table. */
export const STRING_TAGS: ReadonlySet<bigint> = new Set([
  BigInt(C.DT_NEEDED),
  BigInt(C.DT_SONAME),
  BigInt(C.DT_RPATH),
  BigInt(C.DT_RUNPATH),
  BigInt(C.DT_AUXILIARY),
  BigInt(C.DT_FILTER),
  0x6ffffefbn, // DT_DEPAUDIT
  0x6ffffefcn, // DT_AUDIT
  0x6ffffefan, // DT_CONFIG
  0x7ffffffen, // DT_USED
]);

const DF_NAMES: [number, string][] = [
  [C.DF_ORIGIN, 'ORIGIN'],
  [C.DF_SYMBOLIC, 'SYMBOLIC'],
  [C.DF_TEXTREL, 'TEXTREL'],
  [C.DF_BIND_NOW, 'BIND_NOW'],
  [C.DF_STATIC_TLS, 'STATIC_TLS'],
];

const DF_1_NAMES: [number, string][] = [
  [0x1, 'NOW'],
  [0x2, 'GLOBAL'],
  [0x4, 'GROUP'],
  [0x8, 'NODELETE'],
  [0x10, 'LOADFLTR'],
  [0x20, 'INITFIRST'],
  [0x40, 'NOOPEN'],
  [0x80, 'ORIGIN'],
  [0x100, 'DIRECT'],
  [0x200, 'TRANS'],
  [0x400, 'INTERPOSE'],
  [0x800, 'NODEFLIB'],
  [0x1000, 'NODUMP'],
  [0x2000, 'CONFALT'],
  [0x4000, 'ENDFILTEE'],
  [0x8000, 'DISPRELDNE'],
  [0x10000, 'DISPRELPND'],
  [0x20000, 'NODIRECT'],
  [0x40000, 'IGNMULDEF'],
  [0x80000, 'NOKSYMS'],
  [0x100000, 'NOHDR'],
  [0x200000, 'EDITED'],
  [0x400000, 'NORELOC'],
  [0x800000, 'SYMINTPOSE'],
  [0x1000000, 'GLOBAUDIT'],
  [0x2000000, 'SINGLETON'],
  [0x4000000, 'STUB'],
  [0x8000000, 'PIE'],
  [0x10000000, 'KMOD'],
  [0x20000000, 'WEAKFILTER'],
  [0x40000000, 'NOCOMMON'],
];

function flagWords(v: bigint, table: [number, string][]): string[] {
  const out: string[] = [];
  let rest = v;
  for (const [bit, name] of table) {
    if (rest & BigInt(bit)) {
      out.push(name);
      rest &= ~BigInt(bit);
    }
  }
  if (rest !== 0n) out.push(`<unknown: ${rest.toString(16)}>`);
  return out;
}

/** DT_FLAGS bit names (`BIND_NOW`, `ORIGIN`). */
export function dynamicFlagNames(v: bigint): string[] {
  return flagWords(v, DF_NAMES);
}

/** DT_FLAGS_1 bit names (`NOW`, `PIE`). */
export function dynamicFlags1Names(v: bigint): string[] {
  return flagWords(v, DF_1_NAMES);
}
