/**
 * Relocation type names per machine, spelled exactly as GNU readelf 2.40
 * prints them in `readelf -r -W`.
 * Names follow binutils include/elf/*.h as printed by readelf (its
 * `elf_<arch>_reloc_type` functions), not glibc's <elf.h> spellings: for example
 * `R_386_JUMP_SLOT` (glibc: R_386_JMP_SLOT), `R_ARM_THM_CALL` (glibc alias:
 * R_ARM_THM_PC22) and `R_AARCH64_TLS_DTPMOD64` (glibc: R_AARCH64_TLS_DTPMOD).
 *
 * @packageDocumentation
 */
import { AARCH64_RELOCS } from './aarch64.js';
import { ARM_RELOCS } from './arm.js';
import { I386_RELOCS } from './i386.js';
import { LOONGARCH_RELOCS } from './loongarch.js';
import { MIPS_RELOCS } from './mips.js';
import { PPC_RELOCS } from './ppc.js';
import { PPC64_RELOCS } from './ppc64.js';
import { RISCV_RELOCS } from './riscv.js';
import { S390_RELOCS } from './s390.js';
import { SPARC_RELOCS } from './sparc.js';
import { X86_64_RELOCS } from './x86-64.js';

export {
  AARCH64_RELOCS,
  ARM_RELOCS,
  I386_RELOCS,
  LOONGARCH_RELOCS,
  MIPS_RELOCS,
  PPC_RELOCS,
  PPC64_RELOCS,
  RISCV_RELOCS,
  S390_RELOCS,
  SPARC_RELOCS,
  X86_64_RELOCS,
};
export { relocTable, type RelocRun } from './table.js';
export { relocTypeFromInfo } from './info.js';

const EM_SPARC = 2;
const EM_386 = 3;
const EM_IAMCU = 6;
const EM_MIPS = 8;
const EM_MIPS_RS3_LE = 10;
const EM_OLD_SPARCV9 = 11;
const EM_SPARC32PLUS = 18;
const EM_PPC = 20;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_SPARCV9 = 43;
const EM_X86_64 = 62;
const EM_L1OM = 180;
const EM_K1OM = 181;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;
const EM_S390_OLD = 0xa390;

/** e_machine → table, with the same machine aliases readelf's dump_relocations switch uses. */
const TABLES: ReadonlyMap<number, readonly (string | undefined)[]> = new Map([
  [EM_X86_64, X86_64_RELOCS],
  [EM_L1OM, X86_64_RELOCS],
  [EM_K1OM, X86_64_RELOCS],
  [EM_386, I386_RELOCS],
  [EM_IAMCU, I386_RELOCS],
  [EM_AARCH64, AARCH64_RELOCS],
  [EM_ARM, ARM_RELOCS],
  [EM_RISCV, RISCV_RELOCS],
  [EM_S390, S390_RELOCS],
  [EM_S390_OLD, S390_RELOCS],
  [EM_PPC64, PPC64_RELOCS],
  [EM_PPC, PPC_RELOCS],
  [EM_MIPS, MIPS_RELOCS],
  [EM_MIPS_RS3_LE, MIPS_RELOCS],
  [EM_LOONGARCH, LOONGARCH_RELOCS],
  [EM_SPARC, SPARC_RELOCS],
  [EM_SPARC32PLUS, SPARC_RELOCS],
  [EM_SPARCV9, SPARC_RELOCS],
  [EM_OLD_SPARCV9, SPARC_RELOCS],
]);

/**
 * The relocation name table readelf uses for an e_machine value (a sparse
 * array indexed by type number), or `undefined` for machines not covered here.
 */
export function relocTypeTable(machine: number): readonly (string | undefined)[] | undefined {
  return TABLES.get(machine);
}

/**
 * The name readelf 2.40 prints for relocation `type` on `machine` (an
 * e_machine value), or `undefined` where readelf prints "unrecognized: …".
 * `type` is the number readelf extracts from r_info; see {@link relocTypeFromInfo}.
 */
export function relocTypeName(machine: number, type: number): string | undefined {
  const table = TABLES.get(machine);
  if (table === undefined || !Number.isInteger(type) || type < 0) return undefined;
  return table[type];
}

/**
 * readelf's text for a type it has no name for: `unrecognized: ` then the low
 * 32 bits in lower-case hex, left-aligned in 7 columns (printf
 * `"unrecognized: %-7lx"`), e.g. `unrecognized: 2b     `.
 */
export function unrecognizedRelocType(type: number | bigint): string {
  const low = typeof type === 'bigint' ? Number(BigInt.asUintN(32, type)) : Math.trunc(type) >>> 0;
  return `unrecognized: ${low.toString(16).padEnd(7)}`;
}

/**
 * The Type column of `readelf -r` exactly as printed: with `wide` (`-W`, the
 * default) the name padded to 22 columns and never cut (printf `"%-22s"`);
 * without it the name cut and padded to 17 (`"%-17.17s"`); unknown types use
 * {@link unrecognizedRelocType}.
 */
export function formatRelocType(machine: number, type: number, wide = true): string {
  const name = relocTypeName(machine, type);
  if (name === undefined) return unrecognizedRelocType(type);
  return wide ? name.padEnd(22) : name.slice(0, 17).padEnd(17);
}

/**
 * The text readelf prints after `Type2: ` and `Type3: ` on the two extra lines
 * under each ELF64 MIPS relocation: the MIPS name cut and padded to 17 columns
 * even with `-W` (printf `"%-17.17s"`), or {@link unrecognizedRelocType}.
 */
export function formatMipsExtraRelocType(type: number): string {
  const name = relocTypeName(EM_MIPS, type);
  return name === undefined ? unrecognizedRelocType(type) : name.slice(0, 17).padEnd(17);
}
