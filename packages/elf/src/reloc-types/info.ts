// Kept apart from the name tables: reading relocations needs this, not
// the eleven tables (which only the relocs listing loads).
const EM_MIPS = 8;
const EM_SPARCV9 = 43;

/**
 * The relocation type readelf extracts from r_info: ELF32_R_TYPE (low 8 bits)
 * for ELFCLASS32; for ELFCLASS64 the low 32 bits, except EM_MIPS (r_type, the
 * low 8 bits; r_type2 and r_type3 are the next two bytes) and EM_SPARCV9 (the
 * low 8 bits; bits 8-31 are R_SPARC_OLO10 data). For little-endian ELF64 MIPS,
 * `info` must already be in readelf's reordered form (r_sym in the high half).
 */
export function relocTypeFromInfo(machine: number, elf64: boolean, info: bigint): number {
  if (!elf64 || machine === EM_MIPS || machine === EM_SPARCV9) return Number(info & 0xffn);
  return Number(info & 0xffffffffn);
}

