import { relocTable } from './table.js';

/**
 * x86-64 relocation type names, indexed by type number.
 * Used for EM_X86_64 (62); readelf also uses it for EM_L1OM (180) and EM_K1OM (181).
 * Names follow binutils include/elf/x86-64.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_X86_64_ prefix.
 */
export const X86_64_RELOCS: readonly (string | undefined)[] = relocTable('R_X86_64_', [
  [0, 'NONE', '64', 'PC32', 'GOT32', 'PLT32', 'COPY', 'GLOB_DAT', 'JUMP_SLOT', 'RELATIVE', 'GOTPCREL', '32',
    '32S', '16', 'PC16', '8', 'PC8', 'DTPMOD64', 'DTPOFF64', 'TPOFF64', 'TLSGD', 'TLSLD', 'DTPOFF32', 'GOTTPOFF',
    'TPOFF32', 'PC64', 'GOTOFF64', 'GOTPC32', 'GOT64', 'GOTPCREL64', 'GOTPC64', 'GOTPLT64', 'PLTOFF64', 'SIZE32',
    'SIZE64', 'GOTPC32_TLSDESC', 'TLSDESC_CALL', 'TLSDESC', 'IRELATIVE', 'RELATIVE64', 'PC32_BND', 'PLT32_BND',
    'GOTPCRELX', 'REX_GOTPCRELX'],
  [250, 'GNU_VTINHERIT', 'GNU_VTENTRY'],
]);
