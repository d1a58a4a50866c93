import { relocTable } from './table.js';

/**
 * s390 / s390x relocation type names, indexed by type number.
 * Used for EM_S390 (22) and the pre-ABI EM_S390_OLD (0xa390).
 * Names follow binutils include/elf/s390.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_390_ prefix.
 */
export const S390_RELOCS: readonly (string | undefined)[] = relocTable('R_390_', [
  [0, 'NONE', '8', '12', '16', '32', 'PC32', 'GOT12', 'GOT32', 'PLT32', 'COPY', 'GLOB_DAT', 'JMP_SLOT',
    'RELATIVE', 'GOTOFF32', 'GOTPC', 'GOT16', 'PC16', 'PC16DBL', 'PLT16DBL', 'PC32DBL', 'PLT32DBL', 'GOTPCDBL',
    '64', 'PC64', 'GOT64', 'PLT64', 'GOTENT', 'GOTOFF16', 'GOTOFF64', 'GOTPLT12', 'GOTPLT16', 'GOTPLT32',
    'GOTPLT64', 'GOTPLTENT', 'PLTOFF16', 'PLTOFF32', 'PLTOFF64', 'TLS_LOAD', 'TLS_GDCALL', 'TLS_LDCALL',
    'TLS_GD32', 'TLS_GD64', 'TLS_GOTIE12', 'TLS_GOTIE32', 'TLS_GOTIE64', 'TLS_LDM32', 'TLS_LDM64', 'TLS_IE32',
    'TLS_IE64', 'TLS_IEENT', 'TLS_LE32', 'TLS_LE64', 'TLS_LDO32', 'TLS_LDO64', 'TLS_DTPMOD', 'TLS_DTPOFF',
    'TLS_TPOFF', '20', 'GOT20', 'GOTPLT20', 'TLS_GOTIE20', 'IRELATIVE', 'PC12DBL', 'PLT12DBL', 'PC24DBL',
    'PLT24DBL'],
  [250, 'GNU_VTINHERIT', 'GNU_VTENTRY'],
]);
