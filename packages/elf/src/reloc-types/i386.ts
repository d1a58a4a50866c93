import { relocTable } from './table.js';

/**
 * i386 relocation type names, indexed by type number.
 * Used for EM_386 (3) and EM_IAMCU (6).
 * Names follow binutils include/elf/i386.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_386_ prefix.
 */
export const I386_RELOCS: readonly (string | undefined)[] = relocTable('R_386_', [
  [0, 'NONE', '32', 'PC32', 'GOT32', 'PLT32', 'COPY', 'GLOB_DAT', 'JUMP_SLOT', 'RELATIVE', 'GOTOFF', 'GOTPC',
    '32PLT'],
  [14, 'TLS_TPOFF', 'TLS_IE', 'TLS_GOTIE', 'TLS_LE', 'TLS_GD', 'TLS_LDM', '16', 'PC16', '8', 'PC8', 'TLS_GD_32',
    'TLS_GD_PUSH', 'TLS_GD_CALL', 'TLS_GD_POP', 'TLS_LDM_32', 'TLS_LDM_PUSH', 'TLS_LDM_CALL', 'TLS_LDM_POP',
    'TLS_LDO_32', 'TLS_IE_32', 'TLS_LE_32', 'TLS_DTPMOD32', 'TLS_DTPOFF32', 'TLS_TPOFF32', 'SIZE32',
    'TLS_GOTDESC', 'TLS_DESC_CALL', 'TLS_DESC', 'IRELATIVE', 'GOT32X'],
  [200, 'USED_BY_INTEL_200'],
  [250, 'GNU_VTINHERIT', 'GNU_VTENTRY'],
]);
