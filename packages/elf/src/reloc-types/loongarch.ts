import { relocTable } from './table.js';

/**
 * LoongArch relocation type names, indexed by type number.
 * Used for EM_LOONGARCH (258).
 * Names follow binutils include/elf/loongarch.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_LARCH_ prefix.
 */
export const LOONGARCH_RELOCS: readonly (string | undefined)[] = relocTable('R_LARCH_', [
  [0, 'NONE', '32', '64', 'RELATIVE', 'COPY', 'JUMP_SLOT', 'TLS_DTPMOD32', 'TLS_DTPMOD64', 'TLS_DTPREL32',
    'TLS_DTPREL64', 'TLS_TPREL32', 'TLS_TPREL64', 'IRELATIVE'],
  [20, 'MARK_LA', 'MARK_PCREL', 'SOP_PUSH_PCREL', 'SOP_PUSH_ABSOLUTE', 'SOP_PUSH_DUP', 'SOP_PUSH_GPREL',
    'SOP_PUSH_TLS_TPREL', 'SOP_PUSH_TLS_GOT', 'SOP_PUSH_TLS_GD', 'SOP_PUSH_PLT_PCREL', 'SOP_ASSERT', 'SOP_NOT',
    'SOP_SUB', 'SOP_SL', 'SOP_SR', 'SOP_ADD', 'SOP_AND', 'SOP_IF_ELSE', 'SOP_POP_32_S_10_5',
    'SOP_POP_32_U_10_12', 'SOP_POP_32_S_10_12', 'SOP_POP_32_S_10_16', 'SOP_POP_32_S_10_16_S2',
    'SOP_POP_32_S_5_20', 'SOP_POP_32_S_0_5_10_16_S2', 'SOP_POP_32_S_0_10_10_16_S2', 'SOP_POP_32_U', 'ADD8',
    'ADD16', 'ADD24', 'ADD32', 'ADD64', 'SUB8', 'SUB16', 'SUB24', 'SUB32', 'SUB64', 'GNU_VTINHERIT',
    'GNU_VTENTRY'],
  [64, 'B16', 'B21', 'B26', 'ABS_HI20', 'ABS_LO12', 'ABS64_LO20', 'ABS64_HI12', 'PCALA_HI20', 'PCALA_LO12',
    'PCALA64_LO20', 'PCALA64_HI12', 'GOT_PC_HI20', 'GOT_PC_LO12', 'GOT64_PC_LO20', 'GOT64_PC_HI12', 'GOT_HI20',
    'GOT_LO12', 'GOT64_LO20', 'GOT64_HI12', 'TLS_LE_HI20', 'TLS_LE_LO12', 'TLS_LE64_LO20', 'TLS_LE64_HI12',
    'TLS_IE_PC_HI20', 'TLS_IE_PC_LO12', 'TLS_IE64_PC_LO20', 'TLS_IE64_PC_HI12', 'TLS_IE_HI20', 'TLS_IE_LO12',
    'TLS_IE64_LO20', 'TLS_IE64_HI12', 'TLS_LD_PC_HI20', 'TLS_LD_HI20', 'TLS_GD_PC_HI20', 'TLS_GD_HI20',
    '32_PCREL', 'RELAX'],
]);
