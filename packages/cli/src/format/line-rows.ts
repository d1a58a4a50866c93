import type { ParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import { OutputBuffer } from '../io/output.js';

/**
 * One row of a PC-to-line map, the same shape for DWARF line programs and
 * Go's pclntab, so `elfkit lines` prints both alike.
 */
export interface LineRow {
  /** Machine address of the row. */
  address: bigint;
  /** Full source path (joined once from comp_dir and include directory for DWARF). */
  file: string;
  /** 1-based line; 0 when the address has no source line. */
  line: number;
  /** 1-based column; 0 when unknown (always for Go). */
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  discriminator: number;
}

/** Options every line source understands. */
export interface LineQuery {
  /** Only rows of compilation units (DWARF) or functions' CUs (Go) whose name contains this text. */
  cu?: string;
  /** The path of the binary (for split DWARF and separate debug files). */
  path: string;
  /** Directories searched for separate debug files (`--debug-file-directory`). */
  debugFileDirectory?: string[];
}

/**
 * A provider of line rows: the DWARF line programs or the Go pclntab.
 * `rows` yields as it decodes (so `--ndjson | head` is instant) and pushes
 * non-fatal ParseErrors into `errors` instead of stopping at the first bad
 * unit.
 */
export interface LineSource {
  /** `dwarf` or `go`. */
  readonly name: string;
  /** True when `elf` carries this kind of line information (or, given the query's debug directories, its separate debug file does). */
  available(elf: ElfFile, path: string, query?: LineQuery): boolean;
  rows(elf: ElfFile, query: LineQuery, errors: ParseError[]): Iterable<LineRow>;
}

const sources = new Map<string, LineSource>();

/** Registers a line source (`dwarf`, `go`); `auto` picks the first available in registration order. */
export function addLineSource(s: LineSource): void {
  sources.set(s.name, s);
}

/** The registered sources, in registration order. */
export function lineSources(): LineSource[] {
  return [...sources.values()];
}

const flagNames = (r: LineRow): string[] => {
  const f: string[] = [];
  if (r.isStmt) f.push('is_stmt');
  if (r.basicBlock) f.push('basic_block');
  if (r.endSequence) f.push('end_sequence');
  if (r.prologueEnd) f.push('prologue_end');
  if (r.epilogueBegin) f.push('epilogue_begin');
  return f;
};

function jsonRow(r: LineRow): string {
  return (
    `{"address":"0x${r.address.toString(16)}","file":${JSON.stringify(r.file)},"line":${r.line},"column":${r.column},` +
    `"isStmt":${r.isStmt},"basicBlock":${r.basicBlock},"endSequence":${r.endSequence},"prologueEnd":${r.prologueEnd},` +
    `"epilogueBegin":${r.epilogueBegin},"discriminator":${r.discriminator}}`
  );
}

/** Writes rows as text, a JSON array, or NDJSON, streaming through a buffer. */
export function writeLineRows(rows: Iterable<LineRow>, mode: 'text' | 'json' | 'ndjson', width: number): void {
  const out = new OutputBuffer();
  let first = true;
  if (mode === 'json') out.write('[');
  for (const r of rows) {
    if (mode === 'ndjson') out.write(jsonRow(r) + '\n');
    else if (mode === 'json') {
      out.write((first ? '\n' : ',\n') + jsonRow(r));
    } else {
      const flags = flagNames(r);
      if (r.discriminator) flags.push(`discriminator ${r.discriminator}`);
      out.write(`0x${r.address.toString(16).padStart(width, '0')}  ${r.file}:${r.line}${r.column ? ':' + r.column : ''}${flags.length ? '  ' + flags.join(' ') : ''}\n`);
    }
    first = false;
  }
  if (mode === 'json') out.write(first ? ']\n' : '\n]\n');
  out.flush();
}
