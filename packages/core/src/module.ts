import { ParseError, isParseError } from '@elfkit/binary';
import { CallFrameInfo } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { openGoSymbols, type PcLnTable } from '@elfkit/gosym';
import type { UnwindModule } from '@elfkit/unwind';
import { goImage } from '@elfkit/symbolize/go-image';

/** Where a module's file came from, or why there is none. */
export type ModuleFileStatus =
  /** Opened at its mapped path (under the sysroot). */
  | { readonly kind: 'path'; readonly path: string }
  /** Found by its build id, or given on the command line (`--exe`). */
  | { readonly kind: 'build-id' | 'given'; readonly path: string }
  /** The module lives only in memory (the vDSO); the core holds all of it. */
  | { readonly kind: 'memory' }
  /** No file at the path, and none by build id. */
  | { readonly kind: 'missing'; readonly path: string }
  /** A file at the path, but of another build: its build id differs from the one in the core. */
  | { readonly kind: 'mismatch'; readonly path: string; readonly expected: string; readonly found: string | undefined };

/** A module's unwind tables as a symbolizer finds them (its own sections, or a separate debug file's `.debug_frame`). */
export interface ModuleUnwindTables {
  readonly ehFrame?: { readonly address: bigint; readonly data: Uint8Array };
  readonly ehFrameHdr?: { readonly address: bigint; readonly data: Uint8Array };
  readonly debugFrame?: { readonly address?: bigint; readonly data: Uint8Array };
  readonly go?: { readonly table: PcLnTable };
}

/**
 * A module of the crashed process: an executable, a shared library or the
 * vDSO, with where it was mapped, its load bias (runtime address = file
 * address + bias, as the loader placed it), its GNU build id as read from
 * the core's memory, and the file that matches it. It serves the unwinder
 * its CFI and Go pclntab (read on first use, failures kept).
 */
export class CoreModule implements UnwindModule {
  private cfi?: CallFrameInfo | null;
  private cfiError?: ParseError;
  private go?: PcLnTable | null;
  private tables?: ModuleUnwindTables;

  constructor(
    /** The mapped path (`/usr/lib/x86_64-linux-gnu/libc.so.6`), or `[vdso]`. */
    readonly name: string,
    readonly start: bigint,
    readonly end: bigint,
    readonly bias: bigint,
    /** The GNU build id from the core's memory (hex), when the core kept the note. */
    readonly buildId: string | undefined,
    /** True for the executable (the mapping holding AT_ENTRY). */
    readonly isExecutable: boolean,
    readonly file: ModuleFileStatus,
    /** The module's ELF file (from disk, or the vDSO's image in memory); undefined when missing. */
    readonly elf: ElfFile | undefined,
  ) {}

  /** The path of the file used, when there is one. */
  get path(): string | undefined {
    return this.file.kind === 'memory' || this.file.kind === 'missing' || this.file.kind === 'mismatch' ? undefined : this.file.path;
  }

  /**
   * Replaces the unwind tables read from the module's own file with ones a
   * symbolizer found (a separate debug file's `.debug_frame`, the Go table
   * it already opened).
   */
  useUnwindTables(tables: ModuleUnwindTables): void {
    this.tables = tables;
    this.cfi = undefined;
    this.go = undefined;
  }

  callFrameInfo(): CallFrameInfo | undefined {
    if (this.cfiError) throw this.cfiError;
    if (this.cfi !== undefined) return this.cfi ?? undefined;
    try {
      this.cfi = this.loadCfi() ?? null;
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.cfiError = e;
      throw e;
    }
    return this.cfi ?? undefined;
  }

  goTable(): PcLnTable | undefined {
    if (this.go !== undefined) return this.go ?? undefined;
    if (this.tables?.go) return (this.go = this.tables.go.table);
    this.go = null;
    if (!this.elf) return undefined;
    // With section headers a Go binary names its table; without one there is nothing to scan the symbols for.
    const e = this.elf;
    if (e.sections.length > 0 && !e.section('.gopclntab') && !e.section('.data.rel.ro.gopclntab') && !e.section('.go.buildinfo')) return undefined;
    try {
      this.go = openGoSymbols(goImage(this.elf))?.table ?? null;
    } catch (e) {
      if (!isParseError(e)) throw e;
    }
    return this.go ?? undefined;
  }

  private loadCfi(): CallFrameInfo | undefined {
    const elf = this.elf;
    const opts = { order: elf?.header.order ?? ('little' as const), addressSize: elf ? elf.bits / 8 : 8, machine: elf?.header.machine };
    if (this.tables) {
      const t = this.tables;
      if (!t.ehFrame && !t.debugFrame) return undefined;
      return new CallFrameInfo(
        {
          ehFrame: t.ehFrame && { bytes: t.ehFrame.data, address: t.ehFrame.address },
          ehFrameHdr: t.ehFrameHdr && { bytes: t.ehFrameHdr.data, address: t.ehFrameHdr.address },
          debugFrame: t.debugFrame && { bytes: t.debugFrame.data },
        },
        opts,
      );
    }
    if (!elf) return undefined;
    const section = (name: string) => {
      const s = name.startsWith('.debug_') ? elf.debugSection(name) : elf.section(name);
      return s && s.type !== C.SHT_NOBITS && s.size > 0 ? { bytes: elf.sectionData(s), address: s.addr } : undefined;
    };
    let ehFrame = section('.eh_frame');
    let ehFrameHdr = section('.eh_frame_hdr');
    const debugFrame = section('.debug_frame');
    if (!ehFrame && elf.sections.length === 0) {
      // No section headers (an image in memory): PT_GNU_EH_FRAME leads to .eh_frame, which runs to the end of its segment.
      const p = elf.segments.find((s) => s.type === C.PT_GNU_EH_FRAME);
      if (p) {
        const hdrBytes = elf.readVirtual(p.vaddr, p.filesz);
        if (hdrBytes) {
          ehFrameHdr = { bytes: hdrBytes, address: p.vaddr };
          const probe = new CallFrameInfo({ ehFrame: { bytes: new Uint8Array(0), address: 0n }, ehFrameHdr }, opts).hdr;
          const at = probe?.ehFrameAddress;
          const load = at !== undefined ? elf.loadSegmentAt(at) : undefined;
          if (at !== undefined && load) {
            const n = Number(load.vaddr + BigInt(load.filesz) - at);
            const bytes = n > 0 ? elf.readVirtual(at, n) : undefined;
            if (bytes) ehFrame = { bytes, address: at };
          }
        }
      }
    }
    if (!ehFrame && !debugFrame) return undefined;
    return new CallFrameInfo({ ehFrame, ehFrameHdr: ehFrame ? ehFrameHdr : undefined, debugFrame: debugFrame && { bytes: debugFrame.bytes } }, opts);
  }
}
