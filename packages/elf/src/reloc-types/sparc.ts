import { relocTable } from './table.js';

/**
 * SPARC relocation type names, indexed by type number.
 * Used for EM_SPARC (2), EM_SPARC32PLUS (18), EM_SPARCV9 (43) and EM_OLD_SPARCV9 (11).
 * For EM_SPARCV9 readelf takes only the low 8 bits of ELF64_R_TYPE (the rest is R_SPARC_OLO10 data).
 * Names follow binutils include/elf/sparc.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_SPARC_ prefix.
 */
export const SPARC_RELOCS: readonly (string | undefined)[] = relocTable('R_SPARC_', [
  [0, 'NONE', '8', '16', '32', 'DISP8', 'DISP16', 'DISP32', 'WDISP30', 'WDISP22', 'HI22', '22', '13', 'LO10',
    'GOT10', 'GOT13', 'GOT22', 'PC10', 'PC22', 'WPLT30', 'COPY', 'GLOB_DAT', 'JMP_SLOT', 'RELATIVE', 'UA32',
    'PLT32', 'HIPLT22', 'LOPLT10', 'PCPLT32', 'PCPLT22', 'PCPLT10', '10', '11', '64', 'OLO10', 'HH22', 'HM10',
    'LM22', 'PC_HH22', 'PC_HM10', 'PC_LM22', 'WDISP16', 'WDISP19', 'UNUSED_42', '7', '5', '6', 'DISP64', 'PLT64',
    'HIX22', 'LOX10', 'H44', 'M44', 'L44', 'REGISTER', 'UA64', 'UA16', 'TLS_GD_HI22', 'TLS_GD_LO10',
    'TLS_GD_ADD', 'TLS_GD_CALL', 'TLS_LDM_HI22', 'TLS_LDM_LO10', 'TLS_LDM_ADD', 'TLS_LDM_CALL', 'TLS_LDO_HIX22',
    'TLS_LDO_LOX10', 'TLS_LDO_ADD', 'TLS_IE_HI22', 'TLS_IE_LO10', 'TLS_IE_LD', 'TLS_IE_LDX', 'TLS_IE_ADD',
    'TLS_LE_HIX22', 'TLS_LE_LOX10', 'TLS_DTPMOD32', 'TLS_DTPMOD64', 'TLS_DTPOFF32', 'TLS_DTPOFF64',
    'TLS_TPOFF32', 'TLS_TPOFF64', 'GOTDATA_HIX22', 'GOTDATA_LOX10', 'GOTDATA_OP_HIX22', 'GOTDATA_OP_LOX10',
    'GOTDATA_OP', 'H34', 'SIZE32', 'SIZE64', 'WDISP10'],
  [248, 'JMP_IREL', 'IRELATIVE', 'GNU_VTINHERIT', 'GNU_VTENTRY', 'REV32'],
]);
