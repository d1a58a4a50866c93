import { ParseError, isParseError, type ByteSource } from '@elfkit/binary';
import {
  decodeCoreNote,
  NT_PRSTATUS,
  prStatusOf,
  ElfFile,
  type AuxvEntry,
  type ElfFileOptions,
  type FileNote,
  type Note,
  type PacMask,
  type PrPsInfo,
  type PrStatus,
  type SigInfo,
} from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';

/** One thread of the crashed process: its NT_PRSTATUS and the register sets after it. */
export interface CoreThread {
  /** The thread id (NT_PRSTATUS pr_pid). */
  readonly tid: number;
  readonly status: PrStatus;
  /** The notes that follow its NT_PRSTATUS (FPREGSET, X86_XSTATE, ARM_PAC_MASK…). */
  readonly notes: readonly Note[];
  /** AArch64 NT_ARM_PAC_MASK of the thread, when recorded. */
  readonly pacMask?: PacMask;
}

/**
 * An ET_CORE file's notes, decoded: the process (NT_PRPSINFO), the signal
 * (NT_SIGINFO), the auxiliary vector, the mapped files (NT_FILE) and every
 * thread (each NT_PRSTATUS starts one; the kernel writes the thread that
 * took the signal first). Problems that leave the rest readable (a bad
 * note) are kept in {@link problems}.
 */
export class CoreFile {
  readonly elf: ElfFile;
  readonly threads: readonly CoreThread[];
  readonly process?: PrPsInfo;
  readonly signal?: SigInfo;
  readonly auxv: readonly AuxvEntry[];
  readonly files?: FileNote;
  /** Notes that could not be decoded, and why. */
  readonly problems: readonly ParseError[];

  private constructor(elf: ElfFile) {
    this.elf = elf;
    const h = elf.header;
    const threads: { tid: number; status: PrStatus; notes: Note[]; pacMask?: PacMask }[] = [];
    const problems: ParseError[] = [];
    let process: PrPsInfo | undefined;
    let signal: SigInfo | undefined;
    let auxv: AuxvEntry[] = [];
    let files: FileNote | undefined;
    let notes: Note[] = [];
    try {
      notes = elf.segmentNotes();
    } catch (e) {
      if (!isParseError(e)) throw e;
      problems.push(e);
    }
    for (const n of notes) {
      let c;
      try {
        // A thread's NT_PRSTATUS is read without the decoded note's kind, which would only be taken off again.
        if (n.type === NT_PRSTATUS && n.owner === 'CORE') {
          const status = prStatusOf(n, h.order, elf.bits, h.machine);
          threads.push({ tid: status.pid, status, notes: [] });
          continue;
        }
        c = decodeCoreNote(n, h.order, elf.bits, h.machine);
      } catch (e) {
        if (!isParseError(e)) throw e;
        problems.push(e);
        continue;
      }
      const current = threads[threads.length - 1];
      switch (c.kind) {
        case 'prpsinfo': {
          const { kind: _k, ...p } = c;
          process ??= p;
          break;
        }
        case 'siginfo': {
          const { kind: _k, ...s } = c;
          signal ??= s;
          break;
        }
        case 'auxv':
          if (!auxv.length) auxv = [...c.entries];
          break;
        case 'file': {
          const { kind: _k, ...f } = c;
          files ??= f;
          break;
        }
        case 'arm-pac-mask':
          if (current) {
            current.notes.push(n);
            current.pacMask = { dataMask: c.dataMask, insnMask: c.insnMask };
          }
          break;
        default:
          current?.notes.push(n);
      }
    }
    this.threads = threads;
    this.process = process;
    this.signal = signal;
    this.auxv = auxv;
    this.files = files;
    this.problems = problems;
  }

  /** Reads a core file's headers and notes; throws ParseError when it is not an ELF core. */
  static parse(input: Uint8Array | ByteSource | ElfFile, options: ElfFileOptions = {}): CoreFile {
    const elf = input instanceof ElfFile ? input : ElfFile.parse(input, options);
    if (elf.header.type !== E.ET_CORE) throw new ParseError('invalid', `not a core file (e_type ${elf.header.type})`, 'file', 16);
    return new CoreFile(elf);
  }

  /** The value of auxiliary vector entry `type` (AT_*), or undefined. */
  auxvValue(type: number): bigint | undefined {
    return this.auxv.find((a) => a.type === type)?.value;
  }

  /** The process id: NT_PRPSINFO's, else the first thread's. */
  get pid(): number | undefined {
    return this.process?.pid ?? this.threads[0]?.tid;
  }
}
