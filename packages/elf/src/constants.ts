/**
 * ELF constants with their spec names (gABI, elf(5), GNU and processor
 * supplements). Numeric, not string enums: values read from files are
 * compared against these directly. Human names live in `names.ts`.
 */

// e_ident
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;

// e_ident[EI_OSABI]
export const ELFOSABI_NONE = 0;
export const ELFOSABI_HPUX = 1;
export const ELFOSABI_NETBSD = 2;
export const ELFOSABI_GNU = 3;
export const ELFOSABI_SOLARIS = 6;
export const ELFOSABI_AIX = 7;
export const ELFOSABI_IRIX = 8;
export const ELFOSABI_FREEBSD = 9;
export const ELFOSABI_TRU64 = 10;
export const ELFOSABI_MODESTO = 11;
export const ELFOSABI_OPENBSD = 12;
export const ELFOSABI_OPENVMS = 13;
export const ELFOSABI_NSK = 14;
export const ELFOSABI_AROS = 15;
export const ELFOSABI_FENIXOS = 16;
export const ELFOSABI_CLOUDABI = 17;
export const ELFOSABI_OPENVOS = 18;
export const ELFOSABI_ARM_AEABI = 64;
export const ELFOSABI_ARM = 97;
export const ELFOSABI_STANDALONE = 255;

// e_type
export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const ET_LOOS = 0xfe00;
export const ET_HIOS = 0xfeff;
export const ET_LOPROC = 0xff00;
export const ET_HIPROC = 0xffff;

// e_machine (the ones elfkit has special knowledge of; names.ts lists more)
export const EM_NONE = 0;
export const EM_SPARC = 2;
export const EM_386 = 3;
export const EM_68K = 4;
export const EM_MIPS = 8;
export const EM_MIPS_RS3_LE = 10;
export const EM_PARISC = 15;
export const EM_SPARC32PLUS = 18;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_SH = 42;
export const EM_SPARCV9 = 43;
export const EM_IA_64 = 50;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_BPF = 247;
export const EM_LOONGARCH = 258;

// Special section indexes
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_LOPROC = 0xff00;
export const SHN_HIPROC = 0xff1f;
export const SHN_LOOS = 0xff20;
export const SHN_HIOS = 0xff3f;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
export const SHN_HIRESERVE = 0xffff;

/** e_phnum value meaning "the real count is in section 0's sh_info". */
export const PN_XNUM = 0xffff;

// sh_type
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_SHLIB = 10;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_RELR = 19;
export const SHT_LOOS = 0x60000000;
export const SHT_ANDROID_REL = 0x60000001;
export const SHT_ANDROID_RELA = 0x60000002;
export const SHT_LLVM_ODRTAB = 0x6fff4c00;
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;
export const SHT_GNU_INCREMENTAL_INPUTS = 0x6fff4700;
export const SHT_GNU_SFRAME = 0x6ffffff4;
export const SHT_GNU_ATTRIBUTES = 0x6ffffff5;
export const SHT_GNU_HASH = 0x6ffffff6;
export const SHT_GNU_LIBLIST = 0x6ffffff7;
export const SHT_CHECKSUM = 0x6ffffff8;
export const SHT_GNU_verdef = 0x6ffffffd;
export const SHT_GNU_verneed = 0x6ffffffe;
export const SHT_GNU_versym = 0x6fffffff;
export const SHT_HIOS = 0x6fffffff;
export const SHT_LOPROC = 0x70000000;
export const SHT_X86_64_UNWIND = 0x70000001;
export const SHT_ARM_EXIDX = 0x70000001;
export const SHT_ARM_ATTRIBUTES = 0x70000003;
export const SHT_AARCH64_ATTRIBUTES = 0x70000003;
export const SHT_RISCV_ATTRIBUTES = 0x70000003;
export const SHT_MIPS_REGINFO = 0x70000006;
export const SHT_MIPS_OPTIONS = 0x7000000d;
export const SHT_MIPS_DWARF = 0x7000001e;
export const SHT_MIPS_ABIFLAGS = 0x7000002a;
export const SHT_HIPROC = 0x7fffffff;
export const SHT_LOUSER = 0x80000000;
export const SHT_HIUSER = 0xffffffff;

// sh_flags
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_OS_NONCONFORMING = 0x100;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_COMPRESSED = 0x800;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_GNU_MBIND = 0x01000000;
export const SHF_X86_64_LARGE = 0x10000000;
export const SHF_ARM_PURECODE = 0x20000000;
export const SHF_MASKOS = 0x0ff00000;
export const SHF_MASKPROC = 0xf0000000;
export const SHF_EXCLUDE = 0x80000000;

// Compression (Elf_Chdr.ch_type)
export const ELFCOMPRESS_ZLIB = 1;
export const ELFCOMPRESS_ZSTD = 2;

// p_type
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_SHLIB = 5;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_LOOS = 0x60000000;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT_GNU_PROPERTY = 0x6474e553;
export const PT_GNU_SFRAME = 0x6474e554;
export const PT_GNU_MBIND_LO = 0x6474e555;
export const PT_GNU_MBIND_HI = 0x6474e555 + 4096 - 1;
export const PT_OPENBSD_MUTABLE = 0x65a3dbe5;
export const PT_OPENBSD_RANDOMIZE = 0x65a3dbe6;
export const PT_OPENBSD_WXNEEDED = 0x65a3dbe7;
export const PT_OPENBSD_NOBTCFI = 0x65a3dbe8;
export const PT_OPENBSD_BOOTDATA = 0x65a41be6;
export const PT_HIOS = 0x6fffffff;
export const PT_LOPROC = 0x70000000;
export const PT_ARM_EXIDX = 0x70000001;
export const PT_AARCH64_MEMTAG_MTE = 0x70000002;
export const PT_MIPS_REGINFO = 0x70000000;
export const PT_MIPS_RTPROC = 0x70000001;
export const PT_MIPS_OPTIONS = 0x70000002;
export const PT_MIPS_ABIFLAGS = 0x70000003;
export const PT_RISCV_ATTRIBUTES = 0x70000003;
export const PT_HIPROC = 0x7fffffff;

// p_flags
export const PF_X = 0x1;
export const PF_W = 0x2;
export const PF_R = 0x4;

// Symbols
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;
export const STT_ARM_TFUNC = 13;
export const STT_SPARC_REGISTER = 13;
export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

// Symbol versioning
export const VERSYM_HIDDEN = 0x8000;
export const VERSYM_VERSION = 0x7fff;
export const VER_FLG_BASE = 0x1;
export const VER_FLG_WEAK = 0x2;

// Dynamic tags
export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_PLTRELSZ = 2;
export const DT_PLTGOT = 3;
export const DT_HASH = 4;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_RELA = 7;
export const DT_RELASZ = 8;
export const DT_RELAENT = 9;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_INIT = 12;
export const DT_FINI = 13;
export const DT_SONAME = 14;
export const DT_RPATH = 15;
export const DT_SYMBOLIC = 16;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;
export const DT_PLTREL = 20;
export const DT_DEBUG = 21;
export const DT_TEXTREL = 22;
export const DT_JMPREL = 23;
export const DT_BIND_NOW = 24;
export const DT_INIT_ARRAY = 25;
export const DT_FINI_ARRAY = 26;
export const DT_INIT_ARRAYSZ = 27;
export const DT_FINI_ARRAYSZ = 28;
export const DT_RUNPATH = 29;
export const DT_FLAGS = 30;
export const DT_PREINIT_ARRAY = 32;
export const DT_PREINIT_ARRAYSZ = 33;
export const DT_SYMTAB_SHNDX = 34;
export const DT_RELRSZ = 35;
export const DT_RELR = 36;
export const DT_RELRENT = 37;
export const DT_GNU_HASH = 0x6ffffef5;
export const DT_VERSYM = 0x6ffffff0;
export const DT_RELACOUNT = 0x6ffffff9;
export const DT_RELCOUNT = 0x6ffffffa;
export const DT_FLAGS_1 = 0x6ffffffb;
export const DT_VERDEF = 0x6ffffffc;
export const DT_VERDEFNUM = 0x6ffffffd;
export const DT_VERNEED = 0x6ffffffe;
export const DT_VERNEEDNUM = 0x6fffffff;
export const DT_AUXILIARY = 0x7ffffffd;
export const DT_FILTER = 0x7fffffff;

// DT_FLAGS bits
export const DF_ORIGIN = 0x1;
export const DF_SYMBOLIC = 0x2;
export const DF_TEXTREL = 0x4;
export const DF_BIND_NOW = 0x8;
export const DF_STATIC_TLS = 0x10;

// Note types
export const NT_GNU_ABI_TAG = 1;
export const NT_GNU_HWCAP = 2;
export const NT_GNU_BUILD_ID = 3;
export const NT_GNU_GOLD_VERSION = 4;
export const NT_GNU_PROPERTY_TYPE_0 = 5;
export const NT_GO_BUILD_ID = 4;
export const NT_FDO_PACKAGING_METADATA = 0xcafe1a7e;
export const NT_FDO_DLOPEN_METADATA = 0x407c0c0a;
export const NT_STAPSDT = 3;

// GNU property types
export const GNU_PROPERTY_STACK_SIZE = 1;
export const GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2;
export const GNU_PROPERTY_LOPROC = 0xc0000000;
export const GNU_PROPERTY_X86_ISA_1_USED = 0xc0010002;
export const GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;
export const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
export const GNU_PROPERTY_X86_FEATURE_2_USED = 0xc0010001;
export const GNU_PROPERTY_X86_FEATURE_2_NEEDED = 0xc0008001;
export const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;
export const GNU_PROPERTY_1_NEEDED = 0xb0008000;
