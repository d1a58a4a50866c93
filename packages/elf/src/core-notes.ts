// Decoders for the notes of an ET_CORE file (Linux: <linux/elfcore.h>,
// the kernel's fill_note_info and fill_files_note).
import { ParseError, Reader, decodeUtf8, type ByteOrder } from '@elfkit/binary';
import { CoreRegisters, registerLayout } from './core-registers.js';
import type { Note } from './notes.js';

/** Core note type (`n_type`, owner `CORE`): one thread's signal, ids, times and general registers (`prstatus`). */
export const NT_PRSTATUS = 1;
/** Core note type (`n_type`, owner `CORE`): one thread's floating-point registers. */
export const NT_FPREGSET = 2;
/** Core note type (`n_type`, owner `CORE`): the process's state and command line (`prpsinfo`). */
export const NT_PRPSINFO = 3;
/** Core note type (`n_type`, owner `CORE`): the kernel's task structure (Solaris; unused by Linux). */
export const NT_TASKSTRUCT = 4;
/** Core note type (`n_type`, owner `CORE`): the auxiliary vector. */
export const NT_AUXV = 6;
/** Core note type (`n_type`, owner `LINUX`): i386 extended floating-point registers (`user_fxsr_struct`). */
export const NT_PRXFPREG = 0x46e62b7f;
/** Core note type (`n_type`, owner `CORE`): the `siginfo_t` of the signal that killed the process. */
export const NT_SIGINFO = 0x53494749;
/** Core note type (`n_type`, owner `CORE`): the files mapped into the process. */
export const NT_FILE = 0x46494c45;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_386_TLS = 0x200;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_386_IOPERM = 0x201;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_X86_XSTATE = 0x202;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_X86_SHSTK = 0x204;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_X86_XSAVE_LAYOUT = 0x205;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_VFP = 0x400;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_TLS = 0x401;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_HW_BREAK = 0x402;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_HW_WATCH = 0x403;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_SYSTEM_CALL = 0x404;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_SVE = 0x405;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_PAC_MASK = 0x406;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_TAGGED_ADDR_CTRL = 0x409;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_ARM_PAC_ENABLED_KEYS = 0x40a;
/** Core note type (`n_type`, owner `LINUX`): a machine's extra register set. */
export const NT_RISCV_CSR = 0x900;

/** A `struct timeval` of a prstatus note. */
export interface CoreTime {
  readonly seconds: bigint;
  readonly microseconds: bigint;
}

/** NT_PRSTATUS: one thread's signal state, ids, times and registers. */
export interface PrStatus {
  readonly signo: number;
  readonly code: number;
  readonly errno: number;
  /** The signal being delivered when the core was written. */
  readonly cursig: number;
  /** Pending and held (blocked) signals: bit n-1 is signal n. */
  readonly sigpend: bigint;
  readonly sighold: bigint;
  /** The thread id (`pid` of the thread) and its process's ids. */
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid: number;
  readonly utime: CoreTime;
  readonly stime: CoreTime;
  readonly cutime: CoreTime;
  readonly cstime: CoreTime;
  /** The general registers; undefined for a machine whose layout elfkit does not know. */
  readonly registers?: CoreRegisters;
  /** The register block's bytes. */
  readonly registerBytes: Uint8Array;
  readonly fpvalid: number;
}

/** NT_PRPSINFO: the process's state and command line (truncated to 80 bytes by the kernel). */
export interface PrPsInfo {
  readonly state: number;
  /** The state letter (`R`, `S`, `D`…), empty when 0. */
  readonly sname: string;
  readonly zomb: number;
  readonly nice: number;
  readonly flag: bigint;
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid: number;
  /** The executable's name (16 bytes at most). */
  readonly fname: string;
  /** The start of the command line, arguments separated by spaces. */
  readonly psargs: string;
}

/** NT_SIGINFO: the signal that killed the process. */
export interface SigInfo {
  readonly signo: number;
  readonly errno: number;
  readonly code: number;
  /** si_addr, for SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP raised by the kernel (code > 0). */
  readonly faultAddress?: bigint;
  /** The sender of a signal sent by kill() (code SI_USER, 0) or tkill (SI_TKILL, -6). */
  readonly senderPid?: number;
  readonly senderUid?: number;
}

/** One NT_AUXV entry. */
export interface AuxvEntry {
  readonly type: number;
  readonly value: bigint;
}

/** One mapping of NT_FILE: `[start, end)` maps `path` from byte `offset`. */
export interface MappedFile {
  readonly start: bigint;
  readonly end: bigint;
  /** File offset in bytes (NT_FILE stores pages; this is pages × page size). */
  readonly offset: bigint;
  readonly path: string;
}

/** NT_FILE: the files mapped into the process. */
export interface FileNote {
  readonly pageSize: bigint;
  readonly files: readonly MappedFile[];
}

/** AArch64 NT_ARM_PAC_MASK: the bits of an address that hold a pointer authentication code. */
export interface PacMask {
  readonly dataMask: bigint;
  readonly insnMask: bigint;
}

/** What elfkit understood of a core note. */
export type CoreNoteContent =
  | ({ readonly kind: 'prstatus' } & PrStatus)
  | ({ readonly kind: 'prpsinfo' } & PrPsInfo)
  | ({ readonly kind: 'siginfo' } & SigInfo)
  | { readonly kind: 'auxv'; readonly entries: readonly AuxvEntry[] }
  | ({ readonly kind: 'file' } & FileNote)
  | ({ readonly kind: 'arm-pac-mask' } & PacMask)
  | { readonly kind: 'register-set'; readonly name: string; readonly bytes: Uint8Array }
  | { readonly kind: 'unknown' };

// Auxiliary vector types (<linux/auxvec.h>, <elf.h>).
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_NULL = 0;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_PHDR = 3;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_PHENT = 4;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_PHNUM = 5;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_PAGESZ = 6;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_BASE = 7;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_ENTRY = 9;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_HWCAP = 16;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_EXECFN = 31;
/** Auxiliary vector entry type (`a_type` of `NT_AUXV`, `getauxval`). */
export const AT_SYSINFO_EHDR = 33;

const SIGILL = 4;
const SIGTRAP = 5;
const SIGBUS = 7;
const SIGFPE = 8;
const SIGSEGV = 11;

/** Core note names of the register-set notes elfkit lists without decoding their contents. */
const REGISTER_SETS: Record<number, string> = {
  [NT_FPREGSET]: 'FPREGSET',
  [NT_PRXFPREG]: 'PRXFPREG',
  [NT_X86_XSTATE]: 'X86_XSTATE',
  [NT_X86_SHSTK]: 'X86_SHSTK',
  [NT_X86_XSAVE_LAYOUT]: 'X86_XSAVE_LAYOUT',
  [NT_386_TLS]: '386_TLS',
  [NT_386_IOPERM]: '386_IOPERM',
  [NT_ARM_VFP]: 'ARM_VFP',
  [NT_ARM_TLS]: 'ARM_TLS',
  [NT_ARM_HW_BREAK]: 'ARM_HW_BREAK',
  [NT_ARM_HW_WATCH]: 'ARM_HW_WATCH',
  [NT_ARM_SYSTEM_CALL]: 'ARM_SYSTEM_CALL',
  [NT_ARM_SVE]: 'ARM_SVE',
  [NT_ARM_TAGGED_ADDR_CTRL]: 'ARM_TAGGED_ADDR_CTRL',
  [NT_ARM_PAC_ENABLED_KEYS]: 'ARM_PAC_ENABLED_KEYS',
  [NT_RISCV_CSR]: 'RISCV_CSR',
};

/**
 * Decodes a note of a core file: `CORE`'s NT_PRSTATUS (x86-64, i386,
 * AArch64, ARM, RISC-V 64), NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE;
 * `LINUX`'s AArch64 NT_ARM_PAC_MASK; the other register sets (FPREGSET,
 * X86_XSTATE, ARM_TLS…) are named with their bytes. A descriptor of the
 * wrong size throws ParseError naming the note.
 */
export function decodeCoreNote(note: Note, order: ByteOrder, bits: 32 | 64, machine: number): CoreNoteContent {
  const owner = note.owner;
  const type = note.type;
  // A thread's register sets (most of a core's notes) are named, not read: no reader for them.
  if ((owner === 'CORE' || owner === 'LINUX') && type !== NT_ARM_PAC_MASK && !(owner === 'CORE' && CORE_DECODED.has(type))) {
    const name = REGISTER_SETS[type];
    return name ? { kind: 'register-set', name, bytes: note.desc } : { kind: 'unknown' };
  }
  if (owner === 'CORE' && type === NT_PRSTATUS) return { kind: 'prstatus', ...prStatusOf(note, order, bits, machine) };
  const section = note.section ?? `PT_NOTE segment ${note.segment ?? '?'}`;
  const r = new Reader(note.desc, { order, addressSize: bits / 8, section, base: 0 });
  if (owner === 'CORE') {
    switch (type) {
      case NT_PRPSINFO:
        return { kind: 'prpsinfo', ...readPrPsInfo(r, bits, machine) };
      case NT_SIGINFO:
        return { kind: 'siginfo', ...readSigInfo(r, bits) };
      case NT_AUXV:
        return { kind: 'auxv', entries: readAuxv(r) };
      case NT_FILE:
        return { kind: 'file', ...readFileNote(r) };
    }
  }
  if ((owner === 'LINUX' || owner === 'CORE') && type === NT_ARM_PAC_MASK) {
    if (note.desc.length < 16) throw r.error('truncated', `NT_ARM_PAC_MASK has ${note.desc.length} bytes, expected 16`, 0);
    return { kind: 'arm-pac-mask', dataMask: r.u64(), insnMask: r.u64() };
  }
  return { kind: 'unknown' };
}

/** The `CORE` note types {@link decodeCoreNote} reads. */
const CORE_DECODED = new Set([NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE]);

/**
 * NT_PRSTATUS of `note` (owner `CORE`), as {@link readPrStatus} reads it:
 * what a core's thread list is made of, one note per thread.
 */
export function prStatusOf(note: Note, order: ByteOrder, bits: 32 | 64, machine: number): PrStatus {
  return prStatus(note.desc, order === 'little', bits, machine, note.section ?? `PT_NOTE segment ${note.segment ?? '?'}`, 0);
}

function word(r: Reader): bigint {
  return r.addressSize === 8 ? r.u64() : BigInt(r.u32());
}

/** Reads NT_PRSTATUS: the common header, then the register block of the machine's size, then pr_fpvalid. */
export function readPrStatus(r: Reader, bits: 32 | 64, machine: number): PrStatus {
  return prStatus(r.bytes, r.littleEndian, bits, machine, r.section, r.base);
}

/**
 * NT_PRSTATUS from its descriptor `d`, read from one view (the thread
 * notes of a core are read once each, mostly by the interpreter: a Reader
 * call per field cost more than the fields). `section` and `base` name
 * the place in an error.
 */
function prStatus(d: Uint8Array, little: boolean, bits: 32 | 64, machine: number, section: string, base: number): PrStatus {
  const w = bits / 8;
  const head = 12 + 4 + 2 * w + 16 + 8 * w; // siginfo, cursig+pad, sigpend, sighold, 4 ids, 4 timevals
  const regsSize = d.length - head - 4;
  if (regsSize <= 0) throw new ParseError('truncated', `NT_PRSTATUS of ${d.length} bytes is shorter than its ${head + 4}-byte header`, section, base);
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const wide = w === 8;
  const uword = (at: number) => (wide ? v.getBigUint64(at, little) : BigInt(v.getUint32(at, little)));
  // A timeval's fields are signed longs.
  const sword = (at: number) => (wide ? v.getBigInt64(at, little) : BigInt(v.getInt32(at, little)));
  const time = (at: number): CoreTime => ({ seconds: sword(at), microseconds: sword(at + w) });
  // sigpend is word-aligned: offset 16 in both classes.
  const ids = 16 + 2 * w;
  const times = ids + 16;
  const regAt = head;
  const registerBytes = d.subarray(regAt, regAt + regsSize);
  const layout = registerLayout(machine, bits);
  let registers: CoreRegisters | undefined;
  if (layout && layout.names.length * layout.size <= regsSize) {
    const n = layout.names.length;
    const values: bigint[] = [];
    for (let i = 0; i < n; i++) values.push(layout.size === 8 ? v.getBigUint64(regAt + 8 * i, little) : BigInt(v.getUint32(regAt + 4 * i, little)));
    registers = new CoreRegisters(layout, values);
  }
  return {
    signo: v.getInt32(0, little),
    code: v.getInt32(4, little),
    errno: v.getInt32(8, little),
    cursig: v.getUint16(12, little),
    sigpend: uword(16),
    sighold: uword(16 + w),
    pid: v.getInt32(ids, little),
    ppid: v.getInt32(ids + 4, little),
    pgrp: v.getInt32(ids + 8, little),
    sid: v.getInt32(ids + 12, little),
    utime: time(times),
    stime: time(times + 2 * w),
    cutime: time(times + 4 * w),
    cstime: time(times + 6 * w),
    registers,
    registerBytes,
    fpvalid: v.getInt32(regAt + regsSize, little),
  };
}

/** Reads NT_PRPSINFO (136 bytes on 64-bit machines; 124 on i386 and ARM, whose uid and gid are 16-bit). */
export function readPrPsInfo(r: Reader, bits: 32 | 64, machine: number): PrPsInfo {
  const state = r.i8();
  const snameCode = r.u8();
  const zomb = r.i8();
  const nice = r.i8();
  let flag: bigint;
  let uid: number;
  let gid: number;
  if (bits === 64) {
    r.skip(4);
    flag = r.u64();
    uid = r.u32();
    gid = r.u32();
  } else {
    flag = BigInt(r.u32());
    // i386 and ARM keep the old 16-bit __kernel_uid_t in elf_prpsinfo; other 32-bit machines use 32 bits.
    const short = machine === 3 || machine === 40 || r.length === 124;
    uid = short ? r.u16() : r.u32();
    gid = short ? r.u16() : r.u32();
  }
  const pid = r.i32();
  const ppid = r.i32();
  const pgrp = r.i32();
  const sid = r.i32();
  const fname = cString(r.bytesView(16));
  const psargs = cString(r.bytesView(Math.min(80, r.remaining)));
  return { state, sname: snameCode ? String.fromCharCode(snameCode) : '', zomb, nice, flag, uid, gid, pid, ppid, pgrp, sid, fname, psargs };
}

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return decodeUtf8(b, 0, nul < 0 ? b.length : nul);
}

/** Reads NT_SIGINFO (a `siginfo_t`): the number, errno and code, then the fault address or the sender. */
export function readSigInfo(r: Reader, bits: 32 | 64): SigInfo {
  const signo = r.i32();
  const errno = r.i32();
  const code = r.i32();
  if (bits === 64) r.skip(4); // the union is pointer-aligned
  if (code > 0 && (signo === SIGILL || signo === SIGFPE || signo === SIGSEGV || signo === SIGBUS || signo === SIGTRAP)) {
    return { signo, errno, code, faultAddress: word(r) };
  }
  if (code === 0 || code === -6) {
    const senderPid = r.i32();
    const senderUid = r.u32();
    return { signo, errno, code, senderPid, senderUid };
  }
  return { signo, errno, code };
}

/** Reads NT_AUXV up to and including AT_NULL (or the end). */
export function readAuxv(r: Reader): AuxvEntry[] {
  const out: AuxvEntry[] = [];
  const w = r.addressSize;
  while (r.remaining >= 2 * w) {
    const type = Number(word(r));
    const value = word(r);
    out.push({ type, value });
    if (type === AT_NULL) break;
  }
  return out;
}

/** Reads NT_FILE: count and page size, `count` (start, end, page offset) triples, then `count` NUL-terminated paths. */
export function readFileNote(r: Reader): FileNote {
  const w = r.addressSize;
  const count = word(r);
  const pageSize = word(r);
  if (count > BigInt(Math.floor(r.remaining / (3 * w)))) throw r.error('too-large', `NT_FILE claims ${count} mappings, more than its ${r.length} bytes hold`, 0);
  const n = Number(count);
  const ranges: [bigint, bigint, bigint][] = [];
  for (let i = 0; i < n; i++) ranges.push([word(r), word(r), word(r)]);
  const files: MappedFile[] = [];
  for (let i = 0; i < n; i++) {
    const path = r.cstr();
    const [start, end, pages] = ranges[i]!;
    files.push({ start, end, offset: pages * pageSize, path });
  }
  return { pageSize, files };
}

/** The auxv type names eu-readelf and the kernel use, without the `AT_` prefix. */
export function auxvTypeName(type: number): string | undefined {
  return AUXV_NAMES[type];
}

const AUXV_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'IGNORE', 2: 'EXECFD', 3: 'PHDR', 4: 'PHENT', 5: 'PHNUM', 6: 'PAGESZ', 7: 'BASE', 8: 'FLAGS', 9: 'ENTRY',
  10: 'NOTELF', 11: 'UID', 12: 'EUID', 13: 'GID', 14: 'EGID', 15: 'PLATFORM', 16: 'HWCAP', 17: 'CLKTCK', 18: 'FPUCW',
  19: 'DCACHEBSIZE', 20: 'ICACHEBSIZE', 21: 'UCACHEBSIZE', 22: 'IGNOREPPC', 23: 'SECURE', 24: 'BASE_PLATFORM',
  25: 'RANDOM', 26: 'HWCAP2', 27: 'RSEQ_FEATURE_SIZE', 28: 'RSEQ_ALIGN', 31: 'EXECFN', 32: 'SYSINFO', 33: 'SYSINFO_EHDR',
  51: 'MINSIGSTKSZ',
};
