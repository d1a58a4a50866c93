import * as C from './constants.js';
import { dynamicTagName } from './names.js';

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

const BYTES = new Set([2, 8, 9, 10, 11, 18, 19, 27, 28, 33, 35, 37, 0x6ffffdf9, 0x6ffffdfa, 0x6ffffdfb, 0x6ffffdfe, 0x6ffffdff, 0x6ffffdf6, 0x6ffffdf7]);
const COUNTS = new Set([0x6ffffffd, 0x6ffffff9, 0x6ffffffa, 0x6fffffff]);
const LABELS: Record<number, string> = {
  [C.DT_NEEDED]: 'Shared library',
  [C.DT_SONAME]: 'Library soname',
  [C.DT_RPATH]: 'Library rpath',
  [C.DT_RUNPATH]: 'Library runpath',
  [C.DT_AUXILIARY]: 'Auxiliary library',
  [C.DT_FILTER]: 'Filter library',
  0x6ffffefa: 'Configuration file',
  0x6ffffefb: 'Dependency audit library',
  0x6ffffefc: 'Audit library',
  0x7ffffffe: 'Not needed object',
};

/** The value column of `readelf -d` for one entry (`Shared library: [libc.so.6]`, `8 (bytes)`, `Flags: NOW PIE`). */
export function dynamicValueText(e: DynamicEntry, machine: number): string {
  const tag = e.tag >= 0n && e.tag <= 0xffffffffn ? Number(e.tag) : -1;
  if (e.string !== undefined && LABELS[tag]) return `${LABELS[tag]}: [${e.string}]`;
  if (tag === C.DT_FLAGS) return dynamicFlagNames(e.value).join(' ');
  if (tag === C.DT_FLAGS_1) return ['Flags:', ...dynamicFlags1Names(e.value)].join(' ');
  if (tag === C.DT_PLTREL) return dynamicTagName(e.value, machine);
  if (BYTES.has(tag)) return `${e.value} (bytes)`;
  if (COUNTS.has(tag)) return `${e.value}`;
  return '0x' + e.value.toString(16);
}

