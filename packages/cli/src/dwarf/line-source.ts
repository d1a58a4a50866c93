import type { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import type { Unit } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import { LineRowCursorBase, type LineQuery, type LineRowCursor, type LineSource } from '../format/line-rows.js';
import { errorSink as sink, hasDwarf, openDwarf, Tombstones, type OpenedDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';

/**
 * The rows of every line program in section order (as llvm-dwarfdump
 * --debug-line lists them), through the line state machine's cursor: the
 * fields are overwritten row by row and nothing is allocated per row.
 */
class DwarfRowCursor extends LineRowCursorBase {
  private readonly programs: Iterator<{ program: D.LineProgram; unit: () => Unit | undefined }>;
  private lc: D.LineCursor | undefined;
  private program: D.LineProgram | undefined;
  private lastFile = -1;
  /** Whether the next row starts a sequence; sequences starting at a tombstone are marked. */
  private sequenceStart = true;
  private readonly tombstones: Tombstones;

  constructor(
    private readonly od: OpenedDwarf,
    private readonly cu: string | undefined,
    private readonly errors: ParseError[],
  ) {
    super();
    this.programs = od.dwarf.linePrograms(sink(errors));
    this.tombstones = Tombstones.of(od.elf);
  }

  /**
   * The line programs read without the units when they can (DWARF 5 keeps
   * its paths in the line table), so a damaged `.debug_info` may never
   * have been touched: report it, and the other sections a line table
   * leans on, as llvm-dwarfdump --debug-line does.
   */
  private reportDamagedSections(): void {
    if (this.probed) return;
    this.probed = true;
    for (const id of ['info', 'abbrev', 'str', 'lineStr', 'strOffsets'] as const) {
      try {
        this.od.dwarf.sections.get(id);
      } catch (e) {
        sink(this.errors)(e);
      }
    }
  }

  private probed = false;

  next(): boolean {
    for (;;) {
      const lc = this.lc;
      if (lc) {
        let more = false;
        try {
          more = lc.next();
        } catch (e) {
          sink(this.errors)(e);
        }
        if (more) {
          if (lc.file !== this.lastFile) {
            this.lastFile = lc.file;
            this.file = this.program!.filePath(lc.file) ?? '';
          }
          this.address = lc.address;
          this.bigAddress = lc.bigAddress;
          this.line = lc.line;
          this.column = lc.column;
          this.isStmt = lc.isStmt;
          this.basicBlock = lc.basicBlock;
          this.endSequence = lc.endSequence;
          this.prologueEnd = lc.prologueEnd;
          this.epilogueBegin = lc.epilogueBegin;
          this.discriminator = lc.discriminator;
          if (this.sequenceStart) this.tombstone = this.tombstones.isTombstoneStart(lc.bigAddress ?? lc.address, this.program!.header.addressSize);
          this.sequenceStart = lc.endSequence;
          return true;
        }
        this.lc = undefined;
      }
      const n = this.programs.next();
      if (n.done) {
        this.reportDamagedSections();
        return false;
      }
      const { program, unit } = n.value;
      if (this.cu !== undefined) {
        let name: string | undefined;
        try {
          name = unit()?.root().name;
        } catch {
          name = undefined;
        }
        if (!name || !name.includes(this.cu)) continue;
      }
      this.program = program;
      this.lc = program.cursor();
      this.lastFile = -1;
      this.sequenceStart = true;
    }
  }
}

/** Opens the DWARF for the line source; the host stays open until `done`. */
function lineDwarf(elf: ElfFile, query: LineQuery): { od: OpenedDwarf | undefined; done: () => void } {
  const host = new NodeDebugHost();
  const od = openDwarf(elf, query.path, host, { debugFileDirectory: query.debugFileDirectory, fetched: query.fetched });
  return { od, done: () => host.close() };
}

/** The DWARF line programs as a line source for `elfkit lines` (tried before the Go pclntab). */
export const dwarfLineSource: LineSource = {
  name: 'dwarf',
  available: (elf: ElfFile, path: string, query?: LineQuery) => {
    if (hasDwarf(elf)) return true;
    const host = new NodeDebugHost();
    try {
      return openDwarf(elf, path, host, { debugFileDirectory: query?.debugFileDirectory, fetched: query?.fetched }) !== undefined;
    } finally {
      host.close();
    }
  },
  *rows(elf, query, errors) {
    const { od, done } = lineDwarf(elf, query);
    try {
      if (!od) return;
      const c = new DwarfRowCursor(od, query.cu, errors);
      while (c.next()) {
        yield {
          address: c.bigAddress ?? BigInt(c.address),
          file: c.file,
          line: c.line,
          column: c.column,
          isStmt: c.isStmt,
          basicBlock: c.basicBlock,
          endSequence: c.endSequence,
          prologueEnd: c.prologueEnd,
          epilogueBegin: c.epilogueBegin,
          discriminator: c.discriminator,
          tombstone: c.tombstone,
        };
      }
    } finally {
      done();
    }
  },
  cursor(elf, query, errors) {
    // Split and separate debug files stay open for the life of the command.
    const { od } = lineDwarf(elf, query);
    if (!od) return { next: () => false } as unknown as LineRowCursor;
    return new DwarfRowCursor(od, query.cu, errors);
  },
};
