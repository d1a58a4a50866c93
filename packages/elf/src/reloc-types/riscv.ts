import { relocTable } from './table.js';

/**
 * RISC-V relocation type names, indexed by type number.
 * Used for EM_RISCV (243).
 * Names follow binutils include/elf/riscv.h as printed by GNU readelf 2.40 (`readelf -r -W`);
 * runs below are [first number, name suffixes...] after the R_RISCV_ prefix.
 */
export const RISCV_RELOCS: readonly (string | undefined)[] = relocTable('R_RISCV_', [
  [0, 'NONE', '32', '64', 'RELATIVE', 'COPY', 'JUMP_SLOT', 'TLS_DTPMOD32', 'TLS_DTPMOD64', 'TLS_DTPREL32',
    'TLS_DTPREL64', 'TLS_TPREL32', 'TLS_TPREL64'],
  [16, 'BRANCH', 'JAL', 'CALL', 'CALL_PLT', 'GOT_HI20', 'TLS_GOT_HI20', 'TLS_GD_HI20', 'PCREL_HI20',
    'PCREL_LO12_I', 'PCREL_LO12_S', 'HI20', 'LO12_I', 'LO12_S', 'TPREL_HI20', 'TPREL_LO12_I', 'TPREL_LO12_S',
    'TPREL_ADD', 'ADD8', 'ADD16', 'ADD32', 'ADD64', 'SUB8', 'SUB16', 'SUB32', 'SUB64'],
  [43, 'ALIGN', 'RVC_BRANCH', 'RVC_JUMP', 'RVC_LUI', 'GPREL_I', 'GPREL_S', 'TPREL_I', 'TPREL_S', 'RELAX', 'SUB6',
    'SET6', 'SET8', 'SET16', 'SET32', '32_PCREL', 'IRELATIVE'],
]);
