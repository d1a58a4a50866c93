/**
 * Human names for ELF constants, spelled as GNU readelf (binutils 2.40)
 * prints them, so elfkit's tables read like `readelf -W` and oracle tests can
 * compare names directly.
 */
import * as C from './constants.js';

const hex = (n: number) => n.toString(16);

const MACHINES: Record<number, string> = {
  0: 'None',
  1: 'WE32100',
  2: 'Sparc',
  3: 'Intel 80386',
  4: 'MC68000',
  5: 'MC88000',
  6: 'Intel MCU',
  7: 'Intel 80860',
  8: 'MIPS R3000',
  9: 'IBM System/370',
  10: 'MIPS R4000 big-endian',
  15: 'HPPA',
  18: 'Sparc v8+',
  19: 'Intel 80960',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'IBM S/390',
  23: 'SPU',
  40: 'ARM',
  41: 'Digital Alpha (old)',
  42: 'Renesas / SuperH SH',
  43: 'Sparc v9',
  50: 'Intel IA-64',
  62: 'Advanced Micro Devices X86-64',
  75: 'Digital VAX',
  76: 'Axis Communications 32-bit embedded processor',
  83: 'Atmel AVR 8-bit microcontroller',
  92: 'OpenRISC 1000',
  94: 'Tensilica Xtensa Processor',
  105: 'Texas Instruments msp430 microcontroller',
  106: 'Analog Devices Blackfin',
  113: 'Altera Nios II',
  164: 'QUALCOMM DSP6 Processor',
  183: 'AArch64',
  188: 'Tilera TILEPro multicore architecture family',
  191: 'Tilera TILE-Gx multicore architecture family',
  220: 'Zilog Z80',
  224: 'AMD GPU',
  243: 'RISC-V',
  247: 'Linux BPF',
  252: 'CSKY',
  258: 'LoongArch',
};

/** Machine description as `readelf -h` prints it (`Advanced Micro Devices X86-64`). */
export function machineName(machine: number): string {
  return MACHINES[machine] ?? `<unknown>: 0x${hex(machine)}`;
}

/** Short architecture name for tables and JSON (`x86-64`, `aarch64`, `s390`). */
export function machineShortName(machine: number): string {
  switch (machine) {
    case C.EM_X86_64:
      return 'x86-64';
    case C.EM_386:
      return 'i386';
    case C.EM_AARCH64:
      return 'aarch64';
    case C.EM_ARM:
      return 'arm';
    case C.EM_RISCV:
      return 'riscv';
    case C.EM_S390:
      return 's390';
    case C.EM_PPC64:
      return 'ppc64';
    case C.EM_PPC:
      return 'ppc';
    case C.EM_MIPS:
      return 'mips';
    case C.EM_SPARCV9:
      return 'sparcv9';
    case C.EM_SPARC:
      return 'sparc';
    case C.EM_LOONGARCH:
      return 'loongarch';
    case C.EM_IA_64:
      return 'ia64';
    case C.EM_BPF:
      return 'bpf';
    default:
      return machineName(machine);
  }
}

/** File type as `readelf -h` prints it; `pie` picks the PIE wording for ET_DYN. */
export function fileTypeName(type: number, pie = false): string {
  switch (type) {
    case C.ET_NONE:
      return 'NONE (None)';
    case C.ET_REL:
      return 'REL (Relocatable file)';
    case C.ET_EXEC:
      return 'EXEC (Executable file)';
    case C.ET_DYN:
      return pie ? 'DYN (Position-Independent Executable file)' : 'DYN (Shared object file)';
    case C.ET_CORE:
      return 'CORE (Core file)';
  }
  if (type >= C.ET_LOPROC) return `Processor Specific: (${hex(type)})`;
  if (type >= C.ET_LOOS && type <= C.ET_HIOS) return `OS Specific: (${hex(type)})`;
  return `<unknown>: ${hex(type)}`;
}

const OSABIS: Record<number, string> = {
  0: 'UNIX - System V',
  1: 'UNIX - HP-UX',
  2: 'UNIX - NetBSD',
  3: 'UNIX - GNU',
  6: 'UNIX - Solaris',
  7: 'UNIX - AIX',
  8: 'UNIX - IRIX',
  9: 'UNIX - FreeBSD',
  10: 'UNIX - TRU64',
  11: 'Novell - Modesto',
  12: 'UNIX - OpenBSD',
  13: 'VMS - OpenVMS',
  14: 'HP - Non-Stop Kernel',
  15: 'AROS',
  16: 'FenixOS',
  17: 'Nuxi CloudABI',
  18: 'Stratus Technologies OpenVOS',
};

/** OS/ABI as `readelf -h` prints it. */
export function osAbiName(osabi: number, machine: number): string {
  const n = OSABIS[osabi];
  if (n) return n;
  if (machine === C.EM_ARM) {
    if (osabi === C.ELFOSABI_ARM) return 'ARM';
    if (osabi === C.ELFOSABI_ARM_AEABI) return 'ARM FDPIC';
  }
  if (osabi === C.ELFOSABI_STANDALONE) return 'Standalone App';
  return `<unknown: ${hex(osabi)}>`;
}

const SECTION_TYPES: Record<number, string> = {
  [C.SHT_NULL]: 'NULL',
  [C.SHT_PROGBITS]: 'PROGBITS',
  [C.SHT_SYMTAB]: 'SYMTAB',
  [C.SHT_STRTAB]: 'STRTAB',
  [C.SHT_RELA]: 'RELA',
  [C.SHT_HASH]: 'HASH',
  [C.SHT_DYNAMIC]: 'DYNAMIC',
  [C.SHT_NOTE]: 'NOTE',
  [C.SHT_NOBITS]: 'NOBITS',
  [C.SHT_REL]: 'REL',
  [C.SHT_SHLIB]: 'SHLIB',
  [C.SHT_DYNSYM]: 'DYNSYM',
  [C.SHT_INIT_ARRAY]: 'INIT_ARRAY',
  [C.SHT_FINI_ARRAY]: 'FINI_ARRAY',
  [C.SHT_PREINIT_ARRAY]: 'PREINIT_ARRAY',
  [C.SHT_GROUP]: 'GROUP',
  [C.SHT_SYMTAB_SHNDX]: 'SYMTAB SECTION INDICES',
  [C.SHT_RELR]: 'RELR',
  [C.SHT_GNU_verdef]: 'VERDEF',
  [C.SHT_GNU_verneed]: 'VERNEED',
  [C.SHT_GNU_versym]: 'VERSYM',
  0x6ffffff0: 'VERSYM',
  [C.SHT_GNU_HASH]: 'GNU_HASH',
  [C.SHT_GNU_LIBLIST]: 'GNU_LIBLIST',
  [C.SHT_GNU_ATTRIBUTES]: 'GNU_ATTRIBUTES',
  [C.SHT_GNU_SFRAME]: 'GNU_SFRAME',
  [C.SHT_CHECKSUM]: 'CHECKSUM',
  [C.SHT_GNU_INCREMENTAL_INPUTS]: 'GNU_INCREMENTAL_INPUTS',
  0x6fff4701: 'GNU_INCREMENTAL_SYMTAB',
  0x6fff4702: 'GNU_INCREMENTAL_RELOCS',
  0x6fff4703: 'GNU_INCREMENTAL_GOT_PLT',
  [C.SHT_ANDROID_REL]: 'ANDROID_REL',
  [C.SHT_ANDROID_RELA]: 'ANDROID_RELA',
  0x6fff4c00: 'LLVM_ODRTAB',
  0x6fff4c01: 'LLVM_LINKER_OPTIONS',
  0x6fff4c02: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c03: 'LLVM_ADDRSIG',
  0x6fff4c04: 'LLVM_DEPENDENT_LIBRARIES',
  0x6fff4c05: 'LLVM_SYMPART',
  0x6fff4c06: 'LLVM_PART_EHDR',
  0x6fff4c07: 'LLVM_PART_PHDR',
  0x6fff4c08: 'LLVM_BB_ADDR_MAP_V0',
  0x6fff4c09: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c0a: 'LLVM_BB_ADDR_MAP',
  0x6fff4c0b: 'LLVM_OFFLOADING',
  0x6fff4c0c: 'LLVM_LTO',
};

const MIPS_SECTION_TYPES: Record<number, string> = {
  0x70000000: 'MIPS_LIBLIST',
  0x70000001: 'MIPS_MSYM',
  0x70000002: 'MIPS_CONFLICT',
  0x70000003: 'MIPS_GPTAB',
  0x70000004: 'MIPS_UCODE',
  0x70000005: 'MIPS_DEBUG',
  0x70000006: 'MIPS_REGINFO',
  0x70000007: 'MIPS_PACKAGE',
  0x70000008: 'MIPS_PACKSYM',
  0x70000009: 'MIPS_RELD',
  0x7000000b: 'MIPS_IFACE',
  0x7000000c: 'MIPS_CONTENT',
  0x7000000d: 'MIPS_OPTIONS',
  0x70000010: 'MIPS_SHDR',
  0x70000011: 'MIPS_FDESC',
  0x70000012: 'MIPS_EXTSYM',
  0x70000013: 'MIPS_DENSE',
  0x70000014: 'MIPS_PDESC',
  0x70000015: 'MIPS_LOCSYM',
  0x70000016: 'MIPS_AUXSYM',
  0x70000017: 'MIPS_OPTSYM',
  0x70000018: 'MIPS_LOCSTR',
  0x70000019: 'MIPS_LINE',
  0x7000001a: 'MIPS_RFDESC',
  0x7000001b: 'MIPS_DELTASYM',
  0x7000001c: 'MIPS_DELTAINST',
  0x7000001d: 'MIPS_DELTACLASS',
  0x7000001e: 'MIPS_DWARF',
  0x7000001f: 'MIPS_DELTADECL',
  0x70000020: 'MIPS_SYMBOL_LIB',
  0x70000021: 'MIPS_EVENTS',
  0x70000022: 'MIPS_TRANSLATE',
  0x70000023: 'MIPS_PIXIE',
  0x70000024: 'MIPS_XLATE',
  0x70000025: 'MIPS_XLATE_DEBUG',
  0x70000026: 'MIPS_WHIRL',
  0x70000027: 'MIPS_EH_REGION',
  0x70000028: 'MIPS_XLATE_OLD',
  0x70000029: 'MIPS_PDR_EXCEPTION',
  0x7000002a: 'MIPS_ABIFLAGS',
  0x7000002b: 'MIPS_XHASH',
};

function processorSectionType(type: number, machine: number): string | undefined {
  switch (machine) {
    case C.EM_X86_64:
      return type === C.SHT_X86_64_UNWIND ? 'X86_64_UNWIND' : undefined;
    case C.EM_ARM:
      return (
        { 0x70000001: 'ARM_EXIDX', 0x70000002: 'ARM_PREEMPTMAP', 0x70000003: 'ARM_ATTRIBUTES', 0x70000004: 'ARM_DEBUGOVERLAY', 0x70000005: 'ARM_OVERLAYSECTION' } as Record<
          number,
          string
        >
      )[type];
    case C.EM_AARCH64:
      return type === C.SHT_AARCH64_ATTRIBUTES ? 'AARCH64_ATTRIBUTES' : undefined;
    case C.EM_RISCV:
      return type === C.SHT_RISCV_ATTRIBUTES ? 'RISCV_ATTRIBUTES' : undefined;
    case C.EM_MIPS:
    case C.EM_MIPS_RS3_LE:
      return MIPS_SECTION_TYPES[type];
    case C.EM_PPC:
    case C.EM_PPC64:
      return type === 0x7fffffff ? 'ORDERED' : undefined;
    case C.EM_IA_64:
      return ({ 0x70000000: 'IA_64_EXT', 0x70000001: 'IA_64_UNWIND' } as Record<number, string>)[type];
    default:
      return undefined;
  }
}

/** Section type as `readelf -S` prints it (`PROGBITS`, `X86_64_UNWIND`, `LOOS+0x…`). */
export function sectionTypeName(type: number, machine: number): string {
  if (type >= C.SHT_LOPROC && type <= C.SHT_HIPROC) {
    const p = processorSectionType(type, machine);
    if (p) return p;
  }
  const n = SECTION_TYPES[type];
  if (n) return n;
  if (type >= C.SHT_LOPROC && type <= C.SHT_HIPROC) return `LOPROC+0x${hex(type - C.SHT_LOPROC)}`;
  if (type >= C.SHT_LOOS && type <= C.SHT_HIOS) return `LOOS+0x${hex(type - C.SHT_LOOS)}`;
  if (type >= C.SHT_LOUSER && type <= C.SHT_HIUSER) return `LOUSER+0x${hex(type - C.SHT_LOUSER)}`;
  return `0x${hex(type).padStart(8, '0')}: <unknown>`;
}

/**
 * Section flags as the letters of `readelf -S -W` (`WA`, `AX`, `MS`, `C`),
 * in bit order as readelf prints them.
 */
export function sectionFlagsString(flags: number, machine: number, osabi: number): string {
  let s = '';
  // Letters in bit order, low to high, like readelf. `&` works on the low 32
  // bits; bits above them (ELF64) have no letter and print as 'x' below.
  const low = flags % 0x1_0000_0000;
  for (let bit = 1; bit <= 0x80000000; bit *= 2) {
    if ((low & bit) === 0) continue;
    switch (bit) {
      case C.SHF_WRITE:
        s += 'W';
        continue;
      case C.SHF_ALLOC:
        s += 'A';
        continue;
      case C.SHF_EXECINSTR:
        s += 'X';
        continue;
      case C.SHF_MERGE:
        s += 'M';
        continue;
      case C.SHF_STRINGS:
        s += 'S';
        continue;
      case C.SHF_INFO_LINK:
        s += 'I';
        continue;
      case C.SHF_LINK_ORDER:
        s += 'L';
        continue;
      case C.SHF_OS_NONCONFORMING:
        s += 'O';
        continue;
      case C.SHF_GROUP:
        s += 'G';
        continue;
      case C.SHF_TLS:
        s += 'T';
        continue;
      case C.SHF_COMPRESSED:
        s += 'C';
        continue;
      case C.SHF_EXCLUDE:
        s += 'E';
        continue;
    }
    if (bit === C.SHF_GNU_MBIND && (osabi === C.ELFOSABI_GNU || osabi === C.ELFOSABI_NONE)) {
      s += 'D';
    } else if (bit === C.SHF_GNU_RETAIN && (osabi === C.ELFOSABI_GNU || osabi === C.ELFOSABI_NONE || osabi === C.ELFOSABI_FREEBSD)) {
      s += 'R';
    } else if (bit === C.SHF_X86_64_LARGE && machine === C.EM_X86_64) {
      s += 'l';
    } else if (bit === C.SHF_ARM_PURECODE && machine === C.EM_ARM) {
      s += 'y';
    } else if (bit & C.SHF_MASKOS) {
      s += 'o';
    } else if (bit >= 0x10000000) {
      s += 'p';
    } else {
      s += 'x';
    }
  }
  // Bits above 32 (ELF64) are unknown to readelf's letter table.
  if (flags > 0xffffffff) s += 'x';
  return s;
}

/** Segment type as `readelf -l` prints it. */
export function segmentTypeName(type: number, machine: number): string {
  switch (type) {
    case C.PT_NULL:
      return 'NULL';
    case C.PT_LOAD:
      return 'LOAD';
    case C.PT_DYNAMIC:
      return 'DYNAMIC';
    case C.PT_INTERP:
      return 'INTERP';
    case C.PT_NOTE:
      return 'NOTE';
    case C.PT_SHLIB:
      return 'SHLIB';
    case C.PT_PHDR:
      return 'PHDR';
    case C.PT_TLS:
      return 'TLS';
    case C.PT_GNU_EH_FRAME:
      return 'GNU_EH_FRAME';
    case C.PT_GNU_STACK:
      return 'GNU_STACK';
    case C.PT_GNU_RELRO:
      return 'GNU_RELRO';
    case C.PT_GNU_PROPERTY:
      return 'GNU_PROPERTY';
    case C.PT_GNU_SFRAME:
      return 'GNU_SFRAME';
    case C.PT_OPENBSD_MUTABLE:
      return 'OPENBSD_MUTABLE';
    case C.PT_OPENBSD_RANDOMIZE:
      return 'OPENBSD_RANDOMIZE';
    case C.PT_OPENBSD_WXNEEDED:
      return 'OPENBSD_WXNEEDED';
    case C.PT_OPENBSD_NOBTCFI:
      return 'OPENBSD_NOBTCFI';
    case C.PT_OPENBSD_BOOTDATA:
      return 'OPENBSD_BOOTDATA';
  }
  if (type >= C.PT_LOPROC && type <= C.PT_HIPROC) {
    let p: string | undefined;
    switch (machine) {
      case C.EM_ARM:
        p = type === C.PT_ARM_EXIDX ? 'EXIDX' : undefined;
        break;
      case C.EM_AARCH64:
        p = type === C.PT_AARCH64_MEMTAG_MTE ? 'AARCH64_MEMTAG_MTE' : undefined;
        break;
      case C.EM_MIPS:
      case C.EM_MIPS_RS3_LE:
        p = ({ 0x70000000: 'REGINFO', 0x70000001: 'RTPROC', 0x70000002: 'OPTIONS', 0x70000003: 'ABIFLAGS' } as Record<number, string>)[type];
        break;
      case C.EM_RISCV:
        p = type === C.PT_RISCV_ATTRIBUTES ? 'RISCV_ATTRIBUTE' : undefined;
        break;
      case C.EM_IA_64:
        p = ({ 0x70000000: 'IA_64_ARCHEXT', 0x70000001: 'IA_64_UNWIND' } as Record<number, string>)[type];
        break;
    }
    return p ?? `LOPROC+0x${hex(type - C.PT_LOPROC)}`;
  }
  if (type >= C.PT_GNU_MBIND_LO && type <= C.PT_GNU_MBIND_HI) return `GNU_MBIND+0x${hex(type - C.PT_GNU_MBIND_LO)}`;
  if (type >= C.PT_LOOS && type <= C.PT_HIOS) return `LOOS+0x${hex(type - C.PT_LOOS)}`;
  return `<unknown>: ${hex(type)}`;
}

/** Segment flags as `readelf -l` prints them (`R E`, `RW `). */
export function segmentFlagsString(flags: number): string {
  return (flags & C.PF_R ? 'R' : ' ') + (flags & C.PF_W ? 'W' : ' ') + (flags & C.PF_X ? 'E' : ' ');
}

/** Symbol type as `readelf -s` prints it. */
export function symbolTypeName(type: number, machine: number, osabi: number): string {
  switch (type) {
    case C.STT_NOTYPE:
      return 'NOTYPE';
    case C.STT_OBJECT:
      return 'OBJECT';
    case C.STT_FUNC:
      return 'FUNC';
    case C.STT_SECTION:
      return 'SECTION';
    case C.STT_FILE:
      return 'FILE';
    case C.STT_COMMON:
      return 'COMMON';
    case C.STT_TLS:
      return 'TLS';
  }
  if (type >= 13 && type <= 15) {
    if (machine === C.EM_ARM && type === C.STT_ARM_TFUNC) return 'THUMB_FUNC';
    if ((machine === C.EM_SPARCV9 || machine === C.EM_SPARC) && type === C.STT_SPARC_REGISTER) return 'REGISTER';
    if (machine === C.EM_PARISC && type === 13) return 'PARISC_MILLI';
    return `<processor specific>: ${type}`;
  }
  if (type >= 10 && type <= 12) {
    if (type === C.STT_GNU_IFUNC && (osabi === C.ELFOSABI_GNU || osabi === C.ELFOSABI_FREEBSD || osabi === C.ELFOSABI_NONE)) return 'IFUNC';
    return `<OS specific>: ${type}`;
  }
  return `<unknown>: ${type}`;
}

/** Symbol binding as `readelf -s` prints it. */
export function symbolBindName(bind: number, osabi: number): string {
  switch (bind) {
    case C.STB_LOCAL:
      return 'LOCAL';
    case C.STB_GLOBAL:
      return 'GLOBAL';
    case C.STB_WEAK:
      return 'WEAK';
  }
  if (bind >= 13) return `<processor specific>: ${bind}`;
  if (bind >= 10) {
    if (bind === C.STB_GNU_UNIQUE && (osabi === C.ELFOSABI_GNU || osabi === C.ELFOSABI_NONE)) return 'UNIQUE';
    return `<OS specific>: ${bind}`;
  }
  return `<unknown>: ${bind}`;
}

/** Symbol visibility as `readelf -s` prints it. */
export function symbolVisibilityName(visibility: number): string {
  return ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'][visibility & 3]!;
}

const DYNAMIC_TAGS: Record<number, string> = {
  0: 'NULL',
  1: 'NEEDED',
  2: 'PLTRELSZ',
  3: 'PLTGOT',
  4: 'HASH',
  5: 'STRTAB',
  6: 'SYMTAB',
  7: 'RELA',
  8: 'RELASZ',
  9: 'RELAENT',
  10: 'STRSZ',
  11: 'SYMENT',
  12: 'INIT',
  13: 'FINI',
  14: 'SONAME',
  15: 'RPATH',
  16: 'SYMBOLIC',
  17: 'REL',
  18: 'RELSZ',
  19: 'RELENT',
  20: 'PLTREL',
  21: 'DEBUG',
  22: 'TEXTREL',
  23: 'JMPREL',
  24: 'BIND_NOW',
  25: 'INIT_ARRAY',
  26: 'FINI_ARRAY',
  27: 'INIT_ARRAYSZ',
  28: 'FINI_ARRAYSZ',
  29: 'RUNPATH',
  30: 'FLAGS',
  32: 'PREINIT_ARRAY',
  33: 'PREINIT_ARRAYSZ',
  34: 'SYMTAB_SHNDX',
  35: 'RELRSZ',
  36: 'RELR',
  37: 'RELRENT',
  0x6ffffdf4: 'GNU_FLAGS_1',
  0x6ffffdf5: 'GNU_PRELINKED',
  0x6ffffdf6: 'GNU_CONFLICTSZ',
  0x6ffffdf7: 'GNU_LIBLISTSZ',
  0x6ffffdf8: 'CHECKSUM',
  0x6ffffdf9: 'PLTPADSZ',
  0x6ffffdfa: 'MOVEENT',
  0x6ffffdfb: 'MOVESZ',
  0x6ffffdfc: 'FEATURE',
  0x6ffffdfd: 'POSFLAG_1',
  0x6ffffdfe: 'SYMINSZ',
  0x6ffffdff: 'SYMINENT',
  0x6ffffef5: 'GNU_HASH',
  0x6ffffef6: 'TLSDESC_PLT',
  0x6ffffef7: 'TLSDESC_GOT',
  0x6ffffef8: 'GNU_CONFLICT',
  0x6ffffef9: 'GNU_LIBLIST',
  0x6ffffefa: 'CONFIG',
  0x6ffffefb: 'DEPAUDIT',
  0x6ffffefc: 'AUDIT',
  0x6ffffefd: 'PLTPAD',
  0x6ffffefe: 'MOVETAB',
  0x6ffffeff: 'SYMINFO',
  0x6ffffff0: 'VERSYM',
  0x6ffffff9: 'RELACOUNT',
  0x6ffffffa: 'RELCOUNT',
  0x6ffffffb: 'FLAGS_1',
  0x6ffffffc: 'VERDEF',
  0x6ffffffd: 'VERDEFNUM',
  0x6ffffffe: 'VERNEED',
  0x6fffffff: 'VERNEEDNUM',
  0x7ffffffd: 'AUXILIARY',
  0x7ffffffe: 'USED',
  0x7fffffff: 'FILTER',
};

const PROCESSOR_DYNAMIC_TAGS: Record<number, Record<number, string>> = {
  [C.EM_X86_64]: { 0x70000000: 'X86_64_PLT', 0x70000001: 'X86_64_PLTSZ', 0x70000003: 'X86_64_PLTENT' },
  [C.EM_AARCH64]: { 0x70000001: 'AARCH64_BTI_PLT', 0x70000003: 'AARCH64_PAC_PLT', 0x70000005: 'AARCH64_VARIANT_PCS', 0x70000009: 'AARCH64_MEMTAG_MODE' },
  [C.EM_PPC64]: { 0x70000000: 'PPC64_GLINK', 0x70000001: 'PPC64_OPD', 0x70000002: 'PPC64_OPDSZ', 0x70000003: 'PPC64_OPT' },
  [C.EM_PPC]: { 0x70000000: 'PPC_GOT', 0x70000001: 'PPC_OPT' },
  [C.EM_RISCV]: { 0x70000001: 'RISCV_VARIANT_CC' },
  [C.EM_MIPS]: {
    0x70000001: 'MIPS_RLD_VERSION',
    0x70000002: 'MIPS_TIME_STAMP',
    0x70000003: 'MIPS_ICHECKSUM',
    0x70000004: 'MIPS_IVERSION',
    0x70000005: 'MIPS_FLAGS',
    0x70000006: 'MIPS_BASE_ADDRESS',
    0x70000007: 'MIPS_MSYM',
    0x70000008: 'MIPS_CONFLICT',
    0x70000009: 'MIPS_LIBLIST',
    0x7000000a: 'MIPS_LOCAL_GOTNO',
    0x7000000b: 'MIPS_CONFLICTNO',
    0x70000010: 'MIPS_LIBLISTNO',
    0x70000011: 'MIPS_SYMTABNO',
    0x70000012: 'MIPS_UNREFEXTNO',
    0x70000013: 'MIPS_GOTSYM',
    0x70000014: 'MIPS_HIPAGENO',
    0x70000016: 'MIPS_RLD_MAP',
    0x70000017: 'MIPS_DELTA_CLASS',
    0x70000018: 'MIPS_DELTA_CLASS_NO',
    0x70000019: 'MIPS_DELTA_INSTANCE',
    0x7000001a: 'MIPS_DELTA_INSTANCE_NO',
    0x7000001b: 'MIPS_DELTA_RELOC',
    0x7000001c: 'MIPS_DELTA_RELOC_NO',
    0x7000001d: 'MIPS_DELTA_SYM',
    0x7000001e: 'MIPS_DELTA_SYM_NO',
    0x70000020: 'MIPS_DELTA_CLASSSYM',
    0x70000021: 'MIPS_DELTA_CLASSSYM_NO',
    0x70000022: 'MIPS_CXX_FLAGS',
    0x70000023: 'MIPS_PIXIE_INIT',
    0x70000024: 'MIPS_SYMBOL_LIB',
    0x70000025: 'MIPS_LOCALPAGE_GOTIDX',
    0x70000026: 'MIPS_LOCAL_GOTIDX',
    0x70000027: 'MIPS_HIDDEN_GOTIDX',
    0x70000028: 'MIPS_PROTECTED_GOTIDX',
    0x70000029: 'MIPS_OPTIONS',
    0x7000002a: 'MIPS_INTERFACE',
    0x7000002b: 'MIPS_DYNSTR_ALIGN',
    0x7000002c: 'MIPS_INTERFACE_SIZE',
    0x7000002d: 'MIPS_RLD_TEXT_RESOLVE_ADDR',
    0x7000002e: 'MIPS_PERF_SUFFIX',
    0x7000002f: 'MIPS_COMPACT_SIZE',
    0x70000030: 'MIPS_GP_VALUE',
    0x70000031: 'MIPS_AUX_DYNAMIC',
    0x70000032: 'MIPS_PLTGOT',
    0x70000034: 'MIPS_RWPLT',
    0x70000035: 'MIPS_RLD_MAP_REL',
    0x70000036: 'MIPS_XHASH',
  },
};

/** Dynamic tag as `readelf -d` prints it inside parentheses (`NEEDED`, `FLAGS_1`). */
export function dynamicTagName(tag: bigint, machine: number): string {
  if (tag >= 0n && tag <= 0xffffffffn) {
    const t = Number(tag);
    if (t >= 0x70000000 && t <= 0x7ffffffc) {
      const p = PROCESSOR_DYNAMIC_TAGS[machine === C.EM_MIPS_RS3_LE ? C.EM_MIPS : machine]?.[t];
      if (p) return p;
    }
    const n = DYNAMIC_TAGS[t];
    if (n) return n;
    if (t >= 0x70000000 && t <= 0x7fffffff) return `Processor Specific: ${hex(t)}`;
    if (t >= 0x6000000d && t <= 0x6ffff000) return `Operating System specific: ${hex(t)}`;
  }
  return `<unknown>: ${tag.toString(16)}`;
}

/**
 * A symbol's section index as `readelf -s` prints it (`UND`, `ABS`, `COM`,
 * `12`). `extended` says the index came from SHT_SYMTAB_SHNDX, where values
 * in the reserved range are real section numbers.
 */
export function symbolSectionIndexName(shndx: number, machine: number, shnum: number, extended = false): string {
  if (extended) return String(shndx);
  switch (shndx) {
    case C.SHN_UNDEF:
      return 'UND';
    case C.SHN_ABS:
      return 'ABS';
    case C.SHN_COMMON:
      return 'COM';
  }
  const h4 = (v: number) => '0x' + (v & 0xffff).toString(16).padStart(4, '0');
  if (machine === C.EM_X86_64 && shndx === 0xff02) return 'LARGE_COM';
  if ((machine === C.EM_MIPS || machine === C.EM_MIPS_RS3_LE) && shndx === 0xff03) return 'SCOM';
  if ((machine === C.EM_MIPS || machine === C.EM_MIPS_RS3_LE) && shndx === 0xff04) return 'SUND';
  if (machine === C.EM_IA_64 && shndx === 0xff00) return 'ANSI_COM';
  if (shndx >= C.SHN_LOPROC && shndx <= C.SHN_HIPROC) return `PRC[${h4(shndx)}]`;
  if (shndx >= C.SHN_LOOS && shndx <= C.SHN_HIOS) return `OS [${h4(shndx)}]`;
  if (shndx >= C.SHN_LORESERVE && shndx <= 0xffff) return `RSV[${h4(shndx)}]`;
  if (shnum !== 0 && shndx >= shnum) return `bad section index[${String(shndx).padStart(3)}]`;
  return String(shndx);
}
