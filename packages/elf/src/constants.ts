/**
 * ELF constants with their spec names (gABI, elf(5), GNU and processor
 * supplements). Numeric, not string enums: values read from files are
 * compared against these directly. Human names live in `names.ts`.
 */

// e_ident
/** File class (`e_ident[EI_CLASS]`): 32- or 64-bit. */
export const ELFCLASS32 = 1;
/** File class (`e_ident[EI_CLASS]`): 32- or 64-bit. */
export const ELFCLASS64 = 2;
/** Data encoding (`e_ident[EI_DATA]`): the byte order. */
export const ELFDATA2LSB = 1;
/** Data encoding (`e_ident[EI_DATA]`): the byte order. */
export const ELFDATA2MSB = 2;
/** ELF version (`e_version`, `e_ident[EI_VERSION]`). */
export const EV_CURRENT = 1;

// e_ident[EI_OSABI]
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_NONE = 0;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_HPUX = 1;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_NETBSD = 2;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_GNU = 3;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_SOLARIS = 6;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_AIX = 7;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_IRIX = 8;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_FREEBSD = 9;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_TRU64 = 10;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_MODESTO = 11;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_OPENBSD = 12;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_OPENVMS = 13;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_NSK = 14;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_AROS = 15;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_FENIXOS = 16;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_CLOUDABI = 17;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_OPENVOS = 18;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_ARM_AEABI = 64;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_ARM = 97;
/** OS/ABI identification (`e_ident[EI_OSABI]`). */
export const ELFOSABI_STANDALONE = 255;

// e_type
/** Object file type (`e_type`). */
export const ET_NONE = 0;
/** Object file type (`e_type`). */
export const ET_REL = 1;
/** Object file type (`e_type`). */
export const ET_EXEC = 2;
/** Object file type (`e_type`). */
export const ET_DYN = 3;
/** Object file type (`e_type`). */
export const ET_CORE = 4;
/** Object file type (`e_type`). */
export const ET_LOOS = 0xfe00;
/** Object file type (`e_type`). */
export const ET_HIOS = 0xfeff;
/** Object file type (`e_type`). */
export const ET_LOPROC = 0xff00;
/** Object file type (`e_type`). */
export const ET_HIPROC = 0xffff;

// e_machine (the ones elfkit has special knowledge of; names.ts lists more)
/** Machine (`e_machine`). */
export const EM_NONE = 0;
/** Machine (`e_machine`). */
export const EM_SPARC = 2;
/** Machine (`e_machine`). */
export const EM_386 = 3;
/** Machine (`e_machine`). */
export const EM_68K = 4;
/** Machine (`e_machine`). */
export const EM_MIPS = 8;
/** Machine (`e_machine`). */
export const EM_MIPS_RS3_LE = 10;
/** Machine (`e_machine`). */
export const EM_PARISC = 15;
/** Machine (`e_machine`). */
export const EM_SPARC32PLUS = 18;
/** Machine (`e_machine`). */
export const EM_PPC = 20;
/** Machine (`e_machine`). */
export const EM_PPC64 = 21;
/** Machine (`e_machine`). */
export const EM_S390 = 22;
/** Machine (`e_machine`). */
export const EM_ARM = 40;
/** Machine (`e_machine`). */
export const EM_SH = 42;
/** Machine (`e_machine`). */
export const EM_SPARCV9 = 43;
/** Machine (`e_machine`). */
export const EM_IA_64 = 50;
/** Machine (`e_machine`). */
export const EM_X86_64 = 62;
/** Machine (`e_machine`). */
export const EM_AARCH64 = 183;
/** Machine (`e_machine`). */
export const EM_RISCV = 243;
/** Machine (`e_machine`). */
export const EM_BPF = 247;
/** Machine (`e_machine`). */
export const EM_LOONGARCH = 258;

// Special section indexes
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_UNDEF = 0;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_LORESERVE = 0xff00;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_LOPROC = 0xff00;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_HIPROC = 0xff1f;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_LOOS = 0xff20;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_HIOS = 0xff3f;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_ABS = 0xfff1;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_COMMON = 0xfff2;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_XINDEX = 0xffff;
/** Special section index (`st_shndx`, `e_shstrndx`): not a section header's index. */
export const SHN_HIRESERVE = 0xffff;

/** e_phnum value meaning "the real count is in section 0's sh_info". */
export const PN_XNUM = 0xffff;

// sh_type
/** Section type (`sh_type`). */
export const SHT_NULL = 0;
/** Section type (`sh_type`). */
export const SHT_PROGBITS = 1;
/** Section type (`sh_type`). */
export const SHT_SYMTAB = 2;
/** Section type (`sh_type`). */
export const SHT_STRTAB = 3;
/** Section type (`sh_type`). */
export const SHT_RELA = 4;
/** Section type (`sh_type`). */
export const SHT_HASH = 5;
/** Section type (`sh_type`). */
export const SHT_DYNAMIC = 6;
/** Section type (`sh_type`). */
export const SHT_NOTE = 7;
/** Section type (`sh_type`). */
export const SHT_NOBITS = 8;
/** Section type (`sh_type`). */
export const SHT_REL = 9;
/** Section type (`sh_type`). */
export const SHT_SHLIB = 10;
/** Section type (`sh_type`). */
export const SHT_DYNSYM = 11;
/** Section type (`sh_type`). */
export const SHT_INIT_ARRAY = 14;
/** Section type (`sh_type`). */
export const SHT_FINI_ARRAY = 15;
/** Section type (`sh_type`). */
export const SHT_PREINIT_ARRAY = 16;
/** Section type (`sh_type`). */
export const SHT_GROUP = 17;
/** Section type (`sh_type`). */
export const SHT_SYMTAB_SHNDX = 18;
/** Section type (`sh_type`). */
export const SHT_RELR = 19;
/** Section type (`sh_type`). */
export const SHT_LOOS = 0x60000000;
/** Section type (`sh_type`). */
export const SHT_ANDROID_REL = 0x60000001;
/** Section type (`sh_type`). */
export const SHT_ANDROID_RELA = 0x60000002;
/** Section type (`sh_type`). */
export const SHT_LLVM_ODRTAB = 0x6fff4c00;
/** Section type (`sh_type`). */
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;
/** Section type (`sh_type`). */
export const SHT_GNU_INCREMENTAL_INPUTS = 0x6fff4700;
/** Section type (`sh_type`). */
export const SHT_GNU_SFRAME = 0x6ffffff4;
/** Section type (`sh_type`). */
export const SHT_GNU_ATTRIBUTES = 0x6ffffff5;
/** Section type (`sh_type`). */
export const SHT_GNU_HASH = 0x6ffffff6;
/** Section type (`sh_type`). */
export const SHT_GNU_LIBLIST = 0x6ffffff7;
/** Section type (`sh_type`). */
export const SHT_CHECKSUM = 0x6ffffff8;
/** Section type (`sh_type`). */
export const SHT_GNU_verdef = 0x6ffffffd;
/** Section type (`sh_type`). */
export const SHT_GNU_verneed = 0x6ffffffe;
/** Section type (`sh_type`). */
export const SHT_GNU_versym = 0x6fffffff;
/** Section type (`sh_type`). */
export const SHT_HIOS = 0x6fffffff;
/** Section type (`sh_type`). */
export const SHT_LOPROC = 0x70000000;
/** Section type (`sh_type`). */
export const SHT_X86_64_UNWIND = 0x70000001;
/** Section type (`sh_type`). */
export const SHT_ARM_EXIDX = 0x70000001;
/** Section type (`sh_type`). */
export const SHT_ARM_ATTRIBUTES = 0x70000003;
/** Section type (`sh_type`). */
export const SHT_AARCH64_ATTRIBUTES = 0x70000003;
/** Section type (`sh_type`). */
export const SHT_RISCV_ATTRIBUTES = 0x70000003;
/** Section type (`sh_type`). */
export const SHT_MIPS_REGINFO = 0x70000006;
/** Section type (`sh_type`). */
export const SHT_MIPS_OPTIONS = 0x7000000d;
/** Section type (`sh_type`). */
export const SHT_MIPS_DWARF = 0x7000001e;
/** Section type (`sh_type`). */
export const SHT_MIPS_ABIFLAGS = 0x7000002a;
/** Section type (`sh_type`). */
export const SHT_HIPROC = 0x7fffffff;
/** Section type (`sh_type`). */
export const SHT_LOUSER = 0x80000000;
/** Section type (`sh_type`). */
export const SHT_HIUSER = 0xffffffff;

// sh_flags
/** Section flag (a bit of `sh_flags`). */
export const SHF_WRITE = 0x1;
/** Section flag (a bit of `sh_flags`). */
export const SHF_ALLOC = 0x2;
/** Section flag (a bit of `sh_flags`). */
export const SHF_EXECINSTR = 0x4;
/** Section flag (a bit of `sh_flags`). */
export const SHF_MERGE = 0x10;
/** Section flag (a bit of `sh_flags`). */
export const SHF_STRINGS = 0x20;
/** Section flag (a bit of `sh_flags`). */
export const SHF_INFO_LINK = 0x40;
/** Section flag (a bit of `sh_flags`). */
export const SHF_LINK_ORDER = 0x80;
/** Section flag (a bit of `sh_flags`). */
export const SHF_OS_NONCONFORMING = 0x100;
/** Section flag (a bit of `sh_flags`). */
export const SHF_GROUP = 0x200;
/** Section flag (a bit of `sh_flags`). */
export const SHF_TLS = 0x400;
/** Section flag (a bit of `sh_flags`). */
export const SHF_COMPRESSED = 0x800;
/** Section flag (a bit of `sh_flags`). */
export const SHF_GNU_RETAIN = 0x200000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_GNU_MBIND = 0x01000000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_X86_64_LARGE = 0x10000000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_ARM_PURECODE = 0x20000000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_MASKOS = 0x0ff00000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_MASKPROC = 0xf0000000;
/** Section flag (a bit of `sh_flags`). */
export const SHF_EXCLUDE = 0x80000000;

// Compression (Elf_Chdr.ch_type)
/** Compression algorithm of a compressed section (`Elf_Chdr.ch_type`). */
export const ELFCOMPRESS_ZLIB = 1;
/** Compression algorithm of a compressed section (`Elf_Chdr.ch_type`). */
export const ELFCOMPRESS_ZSTD = 2;

// p_type
/** Segment type (`p_type`). */
export const PT_NULL = 0;
/** Segment type (`p_type`). */
export const PT_LOAD = 1;
/** Segment type (`p_type`). */
export const PT_DYNAMIC = 2;
/** Segment type (`p_type`). */
export const PT_INTERP = 3;
/** Segment type (`p_type`). */
export const PT_NOTE = 4;
/** Segment type (`p_type`). */
export const PT_SHLIB = 5;
/** Segment type (`p_type`). */
export const PT_PHDR = 6;
/** Segment type (`p_type`). */
export const PT_TLS = 7;
/** Segment type (`p_type`). */
export const PT_LOOS = 0x60000000;
/** Segment type (`p_type`). */
export const PT_GNU_EH_FRAME = 0x6474e550;
/** Segment type (`p_type`). */
export const PT_GNU_STACK = 0x6474e551;
/** Segment type (`p_type`). */
export const PT_GNU_RELRO = 0x6474e552;
/** Segment type (`p_type`). */
export const PT_GNU_PROPERTY = 0x6474e553;
/** Segment type (`p_type`). */
export const PT_GNU_SFRAME = 0x6474e554;
/** Segment type (`p_type`). */
export const PT_GNU_MBIND_LO = 0x6474e555;
/** Segment type (`p_type`). */
export const PT_GNU_MBIND_HI = 0x6474e555 + 4096 - 1;
/** Segment type (`p_type`). */
export const PT_OPENBSD_MUTABLE = 0x65a3dbe5;
/** Segment type (`p_type`). */
export const PT_OPENBSD_RANDOMIZE = 0x65a3dbe6;
/** Segment type (`p_type`). */
export const PT_OPENBSD_WXNEEDED = 0x65a3dbe7;
/** Segment type (`p_type`). */
export const PT_OPENBSD_NOBTCFI = 0x65a3dbe8;
/** Segment type (`p_type`). */
export const PT_OPENBSD_BOOTDATA = 0x65a41be6;
/** Segment type (`p_type`). */
export const PT_HIOS = 0x6fffffff;
/** Segment type (`p_type`). */
export const PT_LOPROC = 0x70000000;
/** Segment type (`p_type`). */
export const PT_ARM_EXIDX = 0x70000001;
/** Segment type (`p_type`). */
export const PT_AARCH64_MEMTAG_MTE = 0x70000002;
/** Segment type (`p_type`). */
export const PT_MIPS_REGINFO = 0x70000000;
/** Segment type (`p_type`). */
export const PT_MIPS_RTPROC = 0x70000001;
/** Segment type (`p_type`). */
export const PT_MIPS_OPTIONS = 0x70000002;
/** Segment type (`p_type`). */
export const PT_MIPS_ABIFLAGS = 0x70000003;
/** Segment type (`p_type`). */
export const PT_RISCV_ATTRIBUTES = 0x70000003;
/** Segment type (`p_type`). */
export const PT_HIPROC = 0x7fffffff;

// p_flags
/** Segment permission (a bit of `p_flags`). */
export const PF_X = 0x1;
/** Segment permission (a bit of `p_flags`). */
export const PF_W = 0x2;
/** Segment permission (a bit of `p_flags`). */
export const PF_R = 0x4;

// Symbols
/** Symbol binding (the high nibble of `st_info`). */
export const STB_LOCAL = 0;
/** Symbol binding (the high nibble of `st_info`). */
export const STB_GLOBAL = 1;
/** Symbol binding (the high nibble of `st_info`). */
export const STB_WEAK = 2;
/** Symbol binding (the high nibble of `st_info`). */
export const STB_GNU_UNIQUE = 10;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_NOTYPE = 0;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_OBJECT = 1;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_FUNC = 2;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_SECTION = 3;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_FILE = 4;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_COMMON = 5;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_TLS = 6;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_GNU_IFUNC = 10;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_ARM_TFUNC = 13;
/** Symbol type (the low nibble of `st_info`; `STT_ARM_TFUNC` and `STT_SPARC_REGISTER` share 13 on their machines). */
export const STT_SPARC_REGISTER = 13;
/** Symbol visibility (the low bits of `st_other`). */
export const STV_DEFAULT = 0;
/** Symbol visibility (the low bits of `st_other`). */
export const STV_INTERNAL = 1;
/** Symbol visibility (the low bits of `st_other`). */
export const STV_HIDDEN = 2;
/** Symbol visibility (the low bits of `st_other`). */
export const STV_PROTECTED = 3;

// Symbol versioning
/** Bit of a `.gnu.version` entry: the version is hidden (not the default). */
export const VERSYM_HIDDEN = 0x8000;
/** Mask of a `.gnu.version` entry's version index. */
export const VERSYM_VERSION = 0x7fff;
/** Version definition or need flag (`vd_flags`, `vna_flags`). */
export const VER_FLG_BASE = 0x1;
/** Version definition or need flag (`vd_flags`, `vna_flags`). */
export const VER_FLG_WEAK = 0x2;

// Dynamic tags
/** Dynamic entry tag (`d_tag`). */
export const DT_NULL = 0;
/** Dynamic entry tag (`d_tag`). */
export const DT_NEEDED = 1;
/** Dynamic entry tag (`d_tag`). */
export const DT_PLTRELSZ = 2;
/** Dynamic entry tag (`d_tag`). */
export const DT_PLTGOT = 3;
/** Dynamic entry tag (`d_tag`). */
export const DT_HASH = 4;
/** Dynamic entry tag (`d_tag`). */
export const DT_STRTAB = 5;
/** Dynamic entry tag (`d_tag`). */
export const DT_SYMTAB = 6;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELA = 7;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELASZ = 8;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELAENT = 9;
/** Dynamic entry tag (`d_tag`). */
export const DT_STRSZ = 10;
/** Dynamic entry tag (`d_tag`). */
export const DT_SYMENT = 11;
/** Dynamic entry tag (`d_tag`). */
export const DT_INIT = 12;
/** Dynamic entry tag (`d_tag`). */
export const DT_FINI = 13;
/** Dynamic entry tag (`d_tag`). */
export const DT_SONAME = 14;
/** Dynamic entry tag (`d_tag`). */
export const DT_RPATH = 15;
/** Dynamic entry tag (`d_tag`). */
export const DT_SYMBOLIC = 16;
/** Dynamic entry tag (`d_tag`). */
export const DT_REL = 17;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELSZ = 18;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELENT = 19;
/** Dynamic entry tag (`d_tag`). */
export const DT_PLTREL = 20;
/** Dynamic entry tag (`d_tag`). */
export const DT_DEBUG = 21;
/** Dynamic entry tag (`d_tag`). */
export const DT_TEXTREL = 22;
/** Dynamic entry tag (`d_tag`). */
export const DT_JMPREL = 23;
/** Dynamic entry tag (`d_tag`). */
export const DT_BIND_NOW = 24;
/** Dynamic entry tag (`d_tag`). */
export const DT_INIT_ARRAY = 25;
/** Dynamic entry tag (`d_tag`). */
export const DT_FINI_ARRAY = 26;
/** Dynamic entry tag (`d_tag`). */
export const DT_INIT_ARRAYSZ = 27;
/** Dynamic entry tag (`d_tag`). */
export const DT_FINI_ARRAYSZ = 28;
/** Dynamic entry tag (`d_tag`). */
export const DT_RUNPATH = 29;
/** Dynamic entry tag (`d_tag`). */
export const DT_FLAGS = 30;
/** Dynamic entry tag (`d_tag`). */
export const DT_PREINIT_ARRAY = 32;
/** Dynamic entry tag (`d_tag`). */
export const DT_PREINIT_ARRAYSZ = 33;
/** Dynamic entry tag (`d_tag`). */
export const DT_SYMTAB_SHNDX = 34;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELRSZ = 35;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELR = 36;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELRENT = 37;
/** Dynamic entry tag (`d_tag`). */
export const DT_GNU_HASH = 0x6ffffef5;
/** Dynamic entry tag (`d_tag`). */
export const DT_VERSYM = 0x6ffffff0;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELACOUNT = 0x6ffffff9;
/** Dynamic entry tag (`d_tag`). */
export const DT_RELCOUNT = 0x6ffffffa;
/** Dynamic entry tag (`d_tag`). */
export const DT_FLAGS_1 = 0x6ffffffb;
/** Dynamic entry tag (`d_tag`). */
export const DT_VERDEF = 0x6ffffffc;
/** Dynamic entry tag (`d_tag`). */
export const DT_VERDEFNUM = 0x6ffffffd;
/** Dynamic entry tag (`d_tag`). */
export const DT_VERNEED = 0x6ffffffe;
/** Dynamic entry tag (`d_tag`). */
export const DT_VERNEEDNUM = 0x6fffffff;
/** Dynamic entry tag (`d_tag`). */
export const DT_AUXILIARY = 0x7ffffffd;
/** Dynamic entry tag (`d_tag`). */
export const DT_FILTER = 0x7fffffff;

// DT_FLAGS bits
/** `DT_FLAGS` bit. */
export const DF_ORIGIN = 0x1;
/** `DT_FLAGS` bit. */
export const DF_SYMBOLIC = 0x2;
/** `DT_FLAGS` bit. */
export const DF_TEXTREL = 0x4;
/** `DT_FLAGS` bit. */
export const DF_BIND_NOW = 0x8;
/** `DT_FLAGS` bit. */
export const DF_STATIC_TLS = 0x10;

// Note types
/** Note type (`n_type`) of a note owned by `GNU`. */
export const NT_GNU_ABI_TAG = 1;
/** Note type (`n_type`) of a note owned by `GNU`. */
export const NT_GNU_HWCAP = 2;
/** Note type (`n_type`) of a note owned by `GNU`. */
export const NT_GNU_BUILD_ID = 3;
/** Note type (`n_type`) of a note owned by `GNU`. */
export const NT_GNU_GOLD_VERSION = 4;
/** Note type (`n_type`) of a note owned by `GNU`. */
export const NT_GNU_PROPERTY_TYPE_0 = 5;
/** Note type (`n_type`) of a note owned by `Go`. */
export const NT_GO_BUILD_ID = 4;
/** Note type (`n_type`) of a note owned by `FDO` (freedesktop.org package and dlopen metadata). */
export const NT_FDO_PACKAGING_METADATA = 0xcafe1a7e;
/** Note type (`n_type`) of a note owned by `FDO` (freedesktop.org package and dlopen metadata). */
export const NT_FDO_DLOPEN_METADATA = 0x407c0c0a;
/** Note type (`n_type`) of a SystemTap probe note (owner `stapsdt`). */
export const NT_STAPSDT = 3;

// GNU property types
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_STACK_SIZE = 1;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_LOPROC = 0xc0000000;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_X86_ISA_1_USED = 0xc0010002;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_X86_FEATURE_2_USED = 0xc0010001;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_X86_FEATURE_2_NEEDED = 0xc0008001;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;
/** Property type (`pr_type`) in an `NT_GNU_PROPERTY_TYPE_0` note. */
export const GNU_PROPERTY_1_NEEDED = 0xb0008000;
