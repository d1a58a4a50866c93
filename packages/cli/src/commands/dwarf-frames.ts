import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { FrameSection, UnwindRowMachine, type CfaInstructionCursor, type Cie, type Fde, type FrameEntry, type RegisterRule, type UnwindRow, type CfaRule } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';
import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { TextOut } from '../io/text-out.js';
import { FramesTextWriter } from '../dwarf/frames-text.js';
import { FramesTableWriter } from '../dwarf/frames-table.js';
import { FastFrames } from '../dwarf/frames-fast.js';
// Only the relocation step: the symbolizer's index is not needed here, and not loading it saves start-up.
import { relocateDebugSections } from '@elfkit/symbolize/relocate';
import { registerName } from '../dwarf/names.js';
import { lateOptimization, leanInlining } from '../late-optimization.js';
import { mark } from '../io/timing.js';

/** Call frame sections smaller than this (in all) are dumped with TurboFan's inlining lean (see the handler). */
const LEAN_INLINING_BELOW = 1 << 20;

interface FramesArgs {
  file: string;
  'eh-frame'?: boolean;
  'debug-frame'?: boolean;
  table?: boolean;
  json?: boolean;
}

/** A call frame section of the file, ready to read. */
interface LoadedSection {
  section: FrameSection;
  /** Index in the section header table (readelf dumps in that order). */
  index: number;
  /** SHT_NOBITS (a separate debug file's copy): no contents. */
  nobits?: boolean;
}

/**
 * `.eh_frame` and `.debug_frame` (or `.zdebug_frame`) of an ELF file:
 * decompressed, and in a relocatable object relocated (readelf and
 * llvm-dwarfdump both apply an object's relocations first).
 */
export function frameSections(elf: ElfFile, which: { eh: boolean; debug: boolean }): LoadedSection[] {
  const out: LoadedSection[] = [];
  const relocated = elf.header.type === E.ET_REL ? relocateDebugSections(elf).data : undefined;
  const addressSize = elf.bits / 8;
  const opts = { order: elf.header.order, addressSize };
  if (which.debug) {
    const s = elf.debugSection('.debug_frame');
    if (s) out.push({ index: s.index, nobits: s.type === E.SHT_NOBITS, section: new FrameSection('debug_frame', relocated?.get(s.index) ?? elf.sectionData(s), { ...opts, name: '.debug_frame' }) });
  }
  if (which.eh) {
    const s = elf.section('.eh_frame');
    if (s) out.push({ index: s.index, nobits: s.type === E.SHT_NOBITS, section: new FrameSection('eh_frame', relocated?.get(s.index) ?? elf.sectionData(s), { ...opts, address: s.addr }) });
  }
  return out;
}

/**
 * Walks a section's entries, handing each to `visit`; an entry that cannot
 * be read is reported and skipped by its length field when that is sound,
 * so one bad entry does not hide the rest.
 */
function walk(s: FrameSection, errors: ParseError[], visit: (e: FrameEntry) => void): void {
  let off: number | undefined = 0;
  while (off !== undefined && off < s.bytes.length) off = walkEntry(s, off, errors, visit);
}

/** One step of {@link walk}: the entry at `off`; returns where the next one is, or undefined to stop. */
function walkEntry(s: FrameSection, off: number, errors: ParseError[], visit: (e: FrameEntry) => void): number | undefined {
  let e: FrameEntry;
  try {
    e = s.entryAt(off);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    errors.push(err);
    return nextEntry(s, off);
  }
  visit(e);
  return e.end;
}

/** The offset after the entry at `off` by its length field alone, or undefined when that runs off the section. */
function nextEntry(s: FrameSection, off: number): number | undefined {
  if (off + 4 > s.bytes.length) return undefined;
  const v = new DataView(s.bytes.buffer, s.bytes.byteOffset + off);
  const le = s.order === 'little';
  const first = v.getUint32(0, le);
  if (first >= 0xfffffff0) {
    if (first !== 0xffffffff || off + 12 > s.bytes.length) return undefined;
    const n = v.getBigUint64(4, le);
    return n <= BigInt(s.bytes.length - off - 12) ? off + 12 + Number(n) : undefined;
  }
  return first <= s.bytes.length - off - 4 ? off + 4 + first : undefined;
}

/**
 * The rows of an entry's table, or the error that stopped them. `own` is a
 * cursor over the entry's instructions when the caller has one; a CIE's
 * cursor is made once per CIE (its initial rules are kept after the first
 * FDE).
 */
function rowsOf(s: FrameSection, e: Cie | Fde, machine: number, errors: ParseError[], own = s.instructions(e)): UnwindRow[] | undefined {
  try {
    if (e.kind === 'cie') {
      const st = D.cieInitialState(e, own, { machine });
      return [{ start: 0n, end: 0n, cfa: st.cfa, registers: st.registers, argsSize: st.argsSize }];
    }
    return D.unwindTable(e, cieCursor(s, e.cie), own, { machine });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    errors.push(err);
    return undefined;
  }
}

const cieCursors = new WeakMap<Cie, CfaInstructionCursor>();
function cieCursor(s: FrameSection, cie: Cie): CfaInstructionCursor {
  let c = cieCursors.get(cie);
  if (!c) cieCursors.set(cie, (c = s.instructions(cie)));
  return c;
}

/** As llvm-dwarfdump: entries, instructions, rows. */
function writeText(elf: ElfFile, sections: LoadedSection[], errors: ParseError[], out: TextOut): void {
  const machine = elf.header.machine;
  const w = new FramesTextWriter(out, machine);
  // One row machine for every entry: the rows are printed from its state as it steps, none kept.
  const rm = new UnwindRowMachine({ machine });
  // FDEs of the usual instructions, header and all, from their bytes; the rest the general way.
  const fast = new FastFrames(out, w, machine);
  sections.filter((x) => !x.nobits).forEach(({ section: s }, i) => {
    // llvm-dwarfdump puts a blank line before each section's title.
    if (i > 0) out.nl();
    out.ascii(s.kind === 'eh_frame' ? '.eh_frame contents:\n\n' : '.debug_frame contents:\n\n');
    fast.begin(s);
    // One instruction cursor for the section's entries, moved from one to the next.
    let cursor: CfaInstructionCursor | undefined;
    const visit = (e: FrameEntry) => {
      if (e.kind === 'terminator') return w.terminator(e.offset);
      if (e.kind === 'cie') w.cie(s, e);
      else w.fde(s, e);
      // No instructions in the entry nor in its CIE: no rows.
      const empty = e.instructions.length === 0 && (e.kind === 'cie' || e.cie.instructions.length === 0);
      let m: UnwindRowMachine | undefined;
      let failed: ParseError | undefined;
      if (!empty) {
        try {
          m = e.kind === 'cie' ? rm.beginCie(e) : rm.beginFde(e, cieCursor(s, e.cie));
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          failed = err;
        }
      }
      // The usual instructions the short way (an FDE whose header is not of the usual kinds); anything else (and any error) the general way.
      if (m && e.kind === 'fde' && fast.instructions(e.cieOffset, e.offset, e.instructionsOffset, e.end, e.initialLocation)) return;
      cursor = s.instructions(e, cursor);
      try {
        failed = w.instructionsAndRows(cursor, s, m, e.kind === 'fde', (e.kind === 'cie' ? e : e.cie).addressSize) ?? failed;
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        errors.push(err);
        out.nl();
        return;
      }
      if (failed) errors.push(failed);
    };
    let off: number | undefined = 0;
    while (off !== undefined && off < s.bytes.length) {
      const next = fast.fde(off);
      off = next >= 0 ? next : walkEntry(s, off, errors, visit);
    }
  });
}

/** As readelf --debug-dump=frames-interp: entry lines and decoded tables. */
function writeTable(elf: ElfFile, sections: LoadedSection[], errors: ParseError[], out: TextOut): void {
  const machine = elf.header.machine;
  const addressSize = elf.bits / 8;
  const w = new FramesTableWriter(out, machine, addressSize);
  for (const { section: s, nobits } of [...sections].sort((a, b) => a.index - b.index)) {
    if (nobits) {
      // A separate debug file keeps the section header without contents; readelf says so.
      out.ascii(`section '${s.name}' has the NOBITS type - its contents are unreliable.\n`);
      continue;
    }
    w.begin(s.name);
    walk(s, errors, (e) => {
      if (e.kind === 'terminator') return w.terminator(e.offset);
      const cie = e.kind === 'cie' ? e : e.cie;
      const own = s.instructions(e);
      const cursors: CfaInstructionCursor[] = e.kind === 'cie' ? [own] : [cieCursor(s, cie), own];
      if (e.kind === 'cie') w.cie(e, s);
      else w.fde(e);
      let nops: boolean;
      let columns: number[];
      try {
        nops = FramesTableWriter.allNops(own);
        columns = w.columns(cursors);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        errors.push(err);
        return;
      }
      if (nops) return;
      const rows = rowsOf(s, e, machine, errors, own);
      if (!rows) return;
      w.table(rows, columns, cie.returnAddressRegister, cie.version >= 4 ? cie.addressSize : addressSize, e.kind === 'cie');
    });
    w.end();
  }
}

// ---- JSON --------------------------------------------------------------------

function ruleJson(r: RegisterRule): Record<string, unknown> {
  switch (r.kind) {
    case 'offset':
    case 'val-offset':
      return { rule: r.kind, offset: r.offset };
    case 'register':
      return { rule: r.kind, register: r.register };
    case 'expression':
    case 'val-expression':
      return { rule: r.kind, expression: r.expression };
    case 'constant':
      return { rule: r.kind, value: r.value };
    default:
      return { rule: r.kind };
  }
}

function cfaJson(c: CfaRule): Record<string, unknown> | null {
  if (c.kind === 'expression') return { rule: 'expression', expression: c.expression };
  if (c.register < 0) return null;
  return { rule: 'register', register: c.register, offset: c.offset, ...(c.addressSpace !== undefined ? { addressSpace: c.addressSpace } : {}) };
}

function rowJson(r: UnwindRow, withRange: boolean) {
  const regs: Record<string, unknown> = {};
  for (const k of [...r.registers.keys()].sort((a, b) => a - b)) regs[k] = ruleJson(r.registers.get(k)!);
  return { ...(withRange ? { start: r.start, end: r.end } : {}), cfa: cfaJson(r.cfa), registers: regs, ...(r.argsSize ? { argsSize: r.argsSize } : {}) };
}

function instructionsJson(c: CfaInstructionCursor, machine: number) {
  return D.decodeCfaInstructions(c).map(({ at, op, ...rest }) => ({ offset: at, op: D.cfaInstructionName(op, machine) ?? op, ...rest }));
}

function entryJson(s: FrameSection, e: FrameEntry, machine: number, errors: ParseError[]): Record<string, unknown> {
  if (e.kind === 'terminator') return { kind: 'terminator', offset: e.offset };
  let instructions: unknown = null;
  try {
    instructions = instructionsJson(s.instructions(e), machine);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    errors.push(err);
  }
  const rows = instructions ? rowsOf(s, e, machine, errors) : undefined;
  const common = { offset: e.offset, length: e.length, format: e.offsetSize === 8 ? 'DWARF64' : 'DWARF32' };
  if (e.kind === 'cie') {
    return {
      kind: 'cie',
      ...common,
      version: e.version,
      augmentation: e.augmentation,
      addressSize: e.addressSize,
      segmentSize: e.segmentSize,
      codeAlign: e.codeAlign,
      dataAlign: e.dataAlign,
      returnAddressRegister: e.returnAddressRegister,
      augmentationData: e.augmentationData ?? null,
      fdeEncoding: e.fdeEncoding,
      lsdaEncoding: e.lsdaEncoding,
      personalityEncoding: e.personalityEncoding ?? null,
      personality: e.personality ?? null,
      signalFrame: e.signalFrame,
      bKey: e.bKey,
      instructions,
      initialRules: rows ? rowJson(rows[0]!, false) : null,
    };
  }
  return {
    kind: 'fde',
    ...common,
    cie: e.cieOffset,
    start: e.initialLocation,
    end: BigInt.asUintN(64, e.initialLocation + e.addressRange),
    segmentSelector: e.segmentSelector ?? null,
    augmentationData: e.augmentationData ?? null,
    lsda: e.lsda ?? null,
    instructions,
    rows: rows ? rows.map((r) => rowJson(r, true)) : null,
  };
}

function writeJson(file: string, elf: ElfFile, sections: LoadedSection[], errors: ParseError[]): string {
  const machine = elf.header.machine;
  const used = new Set<number>();
  const secs = sections.filter((x) => !x.nobits).map(({ section: s }) => {
    const entries: Record<string, unknown>[] = [];
    walk(s, errors, (e) => entries.push(entryJson(s, e, machine, errors)));
    return { name: s.name, kind: s.kind, address: s.address, size: s.bytes.length, entries };
  });
  for (let r = 0; r < 256; r++) if (registerName(machine, r)) used.add(r);
  const registers: Record<string, string> = {};
  for (const r of used) registers[r] = registerName(machine, r)!;
  return JSON.stringify(
    { file, machine, sections: secs, registerNames: registers, errors: errors.map((e) => ({ code: e.code, section: e.section, offset: e.offset, message: e.reason })) },
    (_k, v: unknown) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : v),
    2,
  );
}

export const framesCommand = defineCommand({
  command: 'frames <file>',
  describe: 'call frame information: .eh_frame and .debug_frame entries and instructions (llvm-dwarfdump --eh-frame), --table for the decoded rows (readelf -wF)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('eh-frame', { type: 'boolean', describe: 'only .eh_frame' })
      .option('debug-frame', { type: 'boolean', describe: 'only .debug_frame' })
      .option('table', { type: 'boolean', default: false, describe: 'the decoded unwind table of each entry, as readelf --debug-dump=frames-interp' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON: entries, instructions and rows (docs/json-dwarf.md)' })
      .example('$0 dwarf frames --table /lib/x86_64-linux-gnu/libc.so.6', ''),
  handler: (a: FramesArgs) => {
    mark('handler');
    return withElf(a.file, ({ elf }) => {
      const both = !a['eh-frame'] && !a['debug-frame'];
      const sections = frameSections(elf, { eh: both || !!a['eh-frame'], debug: both || !!a['debug-frame'] });
      const errors: ParseError[] = [];
      if (a.json) {
        process.stdout.write(writeJson(a.file, elf, sections, errors) + '\n');
      } else {
        // A dump of a few thousand entries lives ~0.1 s, mostly before TurboFan has got to it (see lateOptimization):
        // with the usual budget, the outer loop's job (the row and operand writers inlined, 50–100 ms on a busy
        // background thread) often ended after the output and was waited for at exit.
        // The text dump: four times the budget, not eight — its hot functions (frames-fast.ts: the FDE reader, the
        // usual-instruction loop, the row and header writers) compile in a few milliseconds each, and sooner is
        // cheaper. Callgrind, libc text dump, main thread / all threads: eight times 346-355M / 412-421M, four times
        // 318M / 384-385M (twice 308-315M / 440-447M, three times 308M / 397M).
        const restoreOptimization = lateOptimization({ factor: a.table ? 8 : 4 });
        // A section of a shared library's size (libc's .eh_frame: 150 KB): the usual-instruction loop's one compile,
        // with the row machine inlined, took ~30 ms on a background thread and finished near the end of the dump;
        // with lean inlining ~14 ms (callgrind, libc text dump: 613/619M -> 566/586M instructions). A large one (the
        // docker CLI's 2 MB .debug_frame) runs long enough for the inlined code to pay.
        const restoreInlining = sections.reduce((n, x) => n + x.section.bytes.length, 0) < LEAN_INLINING_BELOW ? leanInlining() : undefined;
        try {
          const out = new TextOut(1 << 20);
          if (a.table) writeTable(elf, sections, errors, out);
          else writeText(elf, sections, errors, out);
          out.flush();
          mark('written');
        } finally {
          restoreInlining?.();
          restoreOptimization();
        }
      }
      for (const e of errors.slice(0, 20)) process.stderr.write(`elfkit: ${a.file}: ${e.message}\n`);
      if (errors.length > 20) process.stderr.write(`elfkit: ${a.file}: … and ${errors.length - 20} more errors\n`);
      if (errors.length) process.exitCode = 1;
    });
  },
});
