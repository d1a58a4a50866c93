import { ParseError, type ByteOrder } from '@elfkit/binary';
import { EhFrameHdr } from './eh-frame-hdr.js';
import type { Cie, Fde } from './frame-entry.js';
import { FrameSection } from './frame-section.js';
import { unwindRowFor, unwindRows, type UnwindRow } from './unwind-table.js';

/** The call frame sections of one module, with their load addresses (link-time addresses: the module's own, unbiased). */
export interface CallFrameSources {
  /** `.eh_frame` and its address. */
  readonly ehFrame?: { readonly bytes: Uint8Array; readonly address: bigint };
  /** `.eh_frame_hdr` (PT_GNU_EH_FRAME) and its address: the binary-search table over `.eh_frame`. */
  readonly ehFrameHdr?: { readonly bytes: Uint8Array; readonly address: bigint };
  /** `.debug_frame` (decompressed; from the module or its separate debug file). */
  readonly debugFrame?: { readonly bytes: Uint8Array };
  /** Bases for `textrel`/`datarel` pointers, where a target uses them. */
  readonly textBase?: bigint;
  readonly dataBase?: bigint;
}

/** The file's byte order, address size and machine. */
export interface CallFrameOptions {
  readonly order: ByteOrder;
  readonly addressSize: number;
  /** ELF e_machine: gives DW_CFA 0x2d its meaning (AArch64 or SPARC). */
  readonly machine?: number;
}

/** What unwinding one frame needs: the FDE covering a pc, its CIE and the row of rules at that pc. */
export interface UnwindInfo {
  readonly section: FrameSection;
  readonly fde: Fde;
  readonly cie: Cie;
  readonly row: UnwindRow;
}

/**
 * All the call frame information of one module: `.eh_frame` searched
 * through `.eh_frame_hdr`'s table when there is one (else an index built
 * once), then `.debug_frame` (Go binaries and some `-fno-asynchronous-
 * unwind-tables` builds have only that).
 */
export class CallFrameInfo {
  readonly ehFrame?: FrameSection;
  readonly debugFrame?: FrameSection;
  readonly hdr?: EhFrameHdr;
  /** Why `.eh_frame_hdr` was not used, when it was present but unreadable. */
  readonly hdrError?: ParseError;
  readonly machine: number;

  constructor(sources: CallFrameSources, options: CallFrameOptions) {
    this.machine = options.machine ?? 0;
    const common = { order: options.order, addressSize: options.addressSize, textBase: sources.textBase, dataBase: sources.dataBase };
    if (sources.ehFrame) this.ehFrame = new FrameSection('eh_frame', sources.ehFrame.bytes, { ...common, address: sources.ehFrame.address });
    if (sources.debugFrame) this.debugFrame = new FrameSection('debug_frame', sources.debugFrame.bytes, common);
    if (sources.ehFrameHdr && this.ehFrame) {
      try {
        this.hdr = new EhFrameHdr(sources.ehFrameHdr.bytes, sources.ehFrameHdr.address, options);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.hdrError = e;
      }
    }
  }

  /** True when there is no call frame section at all. */
  get empty(): boolean {
    return !this.ehFrame && !this.debugFrame;
  }

  /**
   * The FDE covering `pc` and the section it is in: `.eh_frame` first, then
   * `.debug_frame`. Malformed data on the way throws ParseError.
   */
  fdeFor(pc: bigint): { section: FrameSection; fde: Fde } | undefined {
    const eh = this.ehFrame;
    if (eh) {
      const fde = this.ehFdeFor(eh, pc);
      if (fde) return { section: eh, fde };
    }
    const df = this.debugFrame;
    if (df) {
      const fde = df.fdeFor(pc);
      if (fde) return { section: df, fde };
    }
    return undefined;
  }

  private ehFdeFor(eh: FrameSection, pc: bigint): Fde | undefined {
    const hdr = this.hdr;
    if (hdr?.searchable) {
      const at = hdr.lookup(pc);
      if (at === undefined) return undefined;
      const off = at - eh.address;
      if (off < 0n || off >= BigInt(eh.bytes.length)) {
        throw new ParseError('out-of-range', `.eh_frame_hdr names an FDE at 0x${at.toString(16)}, outside .eh_frame`, '.eh_frame_hdr', 0);
      }
      const fde = eh.fdeAt(Number(off));
      return pc >= fde.initialLocation && pc < fde.initialLocation + fde.addressRange ? fde : undefined;
    }
    return eh.fdeFor(pc);
  }

  /** The rules at `pc` (its FDE, CIE and row), or undefined when no FDE covers it. */
  unwindInfo(pc: bigint): UnwindInfo | undefined {
    const hit = this.fdeFor(pc);
    if (!hit) return undefined;
    const { section, fde } = hit;
    const row = unwindRowFor(fde, pc, section.instructions(fde.cie), section.instructions(fde), { machine: this.machine });
    return row ? { section, fde, cie: fde.cie, row } : undefined;
  }

  /** Every row of `fde`'s unwind table. */
  rows(section: FrameSection, fde: Fde): Generator<UnwindRow, void, undefined> {
    return unwindRows(fde, section.instructions(fde.cie), section.instructions(fde), { machine: this.machine });
  }
}
