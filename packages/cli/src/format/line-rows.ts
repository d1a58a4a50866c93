import type { ParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import { writeOut } from '../io/output.js';
import { putDecimal } from '../io/text-out.js';

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
  /** True for the rows of a sequence that starts at a tombstone address (code the linker discarded). */
  tombstone?: boolean;
}

/** Options every line source understands. */
export interface LineQuery {
  /** Only rows of compilation units (DWARF) or functions' CUs (Go) whose name contains this text. */
  cu?: string;
  /** The path of the binary (for split DWARF and separate debug files). */
  path: string;
  /** Directories searched for separate debug files (`--debug-file-directory`). */
  debugFileDirectory?: string[];
  /** Debug files fetched by build id (debuginfod), by build id. */
  fetched?: (buildId: string) => string | undefined;
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
  /** Optional: the same rows through a cursor that reuses one object (preferred by `elfkit lines` when present). */
  cursor?(elf: ElfFile, query: LineQuery, errors: ParseError[]): LineRowCursor;
}

/**
 * Rows one at a time in a reused object, for sources that can decode
 * without allocating per row (DWARF's line state machine): `next()` moves
 * to the next row and the fields hold it until the following call.
 */
export interface LineRowCursor {
  next(): boolean;
  /** The address when it is below 2^53 (exact as a number), else -1 and `bigAddress` holds it. */
  readonly address: number;
  readonly bigAddress: bigint | undefined;
  /** Full source path. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly basicBlock: boolean;
  readonly endSequence: boolean;
  readonly prologueEnd: boolean;
  readonly epilogueBegin: boolean;
  readonly discriminator: number;
  /** True for the rows of a sequence that starts at a tombstone address. */
  readonly tombstone?: boolean;
}

/** The fields of a {@link LineRowCursor}, for sources to extend with their `next()`. */
export abstract class LineRowCursorBase implements LineRowCursor {
  address = 0;
  bigAddress: bigint | undefined;
  file = '';
  line = 0;
  column = 0;
  isStmt = false;
  basicBlock = false;
  endSequence = false;
  prologueEnd = false;
  epilogueBegin = false;
  discriminator = 0;
  tombstone = false;
  abstract next(): boolean;
}

/** A cursor over an iterable of row objects (for sources without a cursor of their own). */
class IterableCursor extends LineRowCursorBase {
  private readonly it: Iterator<LineRow>;
  constructor(rows: Iterable<LineRow>) {
    super();
    this.it = rows[Symbol.iterator]();
  }
  next(): boolean {
    const n = this.it.next();
    if (n.done) return false;
    const r = n.value;
    if (r.address <= 0x1f_ffff_ffff_ffffn) {
      this.address = Number(r.address);
      this.bigAddress = undefined;
    } else {
      this.address = -1;
      this.bigAddress = r.address;
    }
    this.file = r.file;
    this.line = r.line;
    this.column = r.column;
    this.isStmt = r.isStmt;
    this.basicBlock = r.basicBlock;
    this.endSequence = r.endSequence;
    this.prologueEnd = r.prologueEnd;
    this.epilogueBegin = r.epilogueBegin;
    this.discriminator = r.discriminator;
    this.tombstone = r.tombstone ?? false;
    return true;
  }
}

const bytes = (s: string) => new TextEncoder().encode(s);
const HEX = bytes('0123456789abcdef');
const CHUNK = 1 << 20;
const FLAG_KEYS = ['isStmt', 'basicBlock', 'endSequence', 'prologueEnd', 'epilogueBegin'] as const;
const FLAG_TEXT = [' is_stmt', ' basic_block', ' end_sequence', ' prologue_end', ' epilogue_begin'];

/**
 * The constant bytes between the column and the discriminator for each of
 * the 32 combinations of the five flags: one copy per row instead of ten.
 */
function flagBlocks(text: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let m = 0; m < 32; m++) {
    let s = '';
    if (text) {
      // Two spaces before the first flag, one between flags (as `flags.join(' ')`).
      const names = FLAG_TEXT.filter((_, i) => m & (1 << i)).map((n) => n.slice(1));
      s = names.length ? '  ' + names.join(' ') : '';
    } else {
      for (let i = 0; i < 5; i++) s += `,"${FLAG_KEYS[i]}":${m & (1 << i) ? 'true' : 'false'}`;
      s += ',"discriminator":';
    }
    out.push(bytes(s));
  }
  return out;
}

/** Copies `b` into `buf` at `pos`; returns the new position. */
function put(buf: Uint8Array, pos: number, b: Uint8Array): number {
  const n = b.length;
  if (n > 32) {
    buf.set(b, pos);
    return pos + n;
  }
  for (let i = 0; i < n; i++) buf[pos + i] = b[i]!;
  return pos + n;
}

/** Writes `v` (a non-negative integer) in decimal; returns the new position. */
function putDec(buf: Uint8Array, pos: number, v: number): number {
  return v <= 0x7fffffff ? putDecimal(buf, pos, v) : put(buf, pos, bytes(String(v)));
}

/**
 * Writes rows as text, a JSON array, or NDJSON, streaming. The bytes are
 * built directly in one output buffer: digits computed in place, and the
 * constant parts copied as a few pre-encoded blocks (the file path with the
 * keys around it, encoded once per file; the five flags with their keys,
 * one block per combination). A million rows cost no allocation beyond
 * what the source makes.
 */
export function writeLineRows(rows: Iterable<LineRow> | LineRowCursor, mode: 'text' | 'json' | 'ndjson', width: number): void {
  const c: LineRowCursor = !(Symbol.iterator in rows) ? (rows as LineRowCursor) : new IterableCursor(rows as Iterable<LineRow>);
  const text = mode === 'text';
  const json = mode === 'json';
  const flags = flagBlocks(text);
  const head = bytes(text ? '0x' : '{"address":"0x');
  const columnKey = bytes(text ? ':' : ',"column":');
  const discText = bytes(' discriminator ');
  // A discarded sequence's rows end with the word `tombstone` (JSON: "tombstone":true).
  const tombFirst = bytes('  tombstone');
  const tombNext = bytes(' tombstone');
  const tombJson = bytes(',"tombstone":true');
  const tail = bytes(mode === 'ndjson' ? '}\n' : json ? '}' : '\n');
  const addressDigits = text ? width : 1;
  const paths = new Map<string, Uint8Array>();
  let lastFile: string | undefined;
  let fileBlock: Uint8Array = new Uint8Array(0);
  let buf: Uint8Array = new Uint8Array(CHUNK);
  let pos = 0;
  let first = true;
  if (json) buf[pos++] = 0x5b; // [
  while (c.next()) {
    if (c.file !== lastFile) {
      lastFile = c.file;
      let b = paths.get(lastFile);
      if (!b) {
        // text: `  path:`; JSON: `","file":"path","line":`
        b = bytes(text ? `  ${lastFile}:` : `","file":${JSON.stringify(lastFile)},"line":`);
        paths.set(lastFile, b);
      }
      fileBlock = b;
      if (fileBlock.length + 512 > buf.length) {
        const g = new Uint8Array(fileBlock.length + 512 + buf.length);
        g.set(buf.subarray(0, pos));
        buf = g;
      }
    }
    // Room for the longest row: keys, a 16-digit address, numbers, the path.
    if (pos + fileBlock.length + 512 > buf.length) {
      writeOut(buf.subarray(0, pos));
      pos = 0;
    }
    if (json) {
      if (!first) buf[pos++] = 0x2c; // ,
      buf[pos++] = 0x0a;
      first = false;
    }
    pos = put(buf, pos, head);
    // The address's hex digits, written here rather than in a helper: a
    // double passed to a call that is not inlined is boxed, one allocation
    // per row.
    const a = c.address;
    if (a >= 0) {
      const hi = a > 0xffffffff ? Math.floor(a / 0x100000000) : 0;
      let lo = a - hi * 0x100000000;
      let n = hi === 0 ? (lo === 0 ? 1 : (35 - Math.clz32(lo)) >> 2) : 8 + ((35 - Math.clz32(hi)) >> 2);
      if (addressDigits > n) n = addressDigits;
      for (let i = n - 1, k = 0; i >= 0; i--, k++) {
        if (k < 8) {
          buf[pos + i] = HEX[lo & 15]!;
          lo = lo >>> 4;
        } else buf[pos + i] = HEX[Math.floor(hi / 2 ** (4 * (k - 8))) & 15]!;
      }
      pos += n;
    } else pos = put(buf, pos, bytes(c.bigAddress!.toString(16).padStart(addressDigits, '0')));
    pos = put(buf, pos, fileBlock);
    pos = putDec(buf, pos, c.line);
    const m = (c.isStmt ? 1 : 0) | (c.basicBlock ? 2 : 0) | (c.endSequence ? 4 : 0) | (c.prologueEnd ? 8 : 0) | (c.epilogueBegin ? 16 : 0);
    if (text) {
      if (c.column) {
        pos = put(buf, pos, columnKey);
        pos = putDec(buf, pos, c.column);
      }
      pos = put(buf, pos, flags[m]!);
      if (c.discriminator) {
        if (m === 0) buf[pos++] = 0x20;
        pos = put(buf, pos, discText);
        pos = putDec(buf, pos, c.discriminator);
      }
      if (c.tombstone) pos = put(buf, pos, m === 0 && !c.discriminator ? tombFirst : tombNext);
    } else {
      pos = put(buf, pos, columnKey);
      pos = putDec(buf, pos, c.column);
      pos = put(buf, pos, flags[m]!);
      pos = putDec(buf, pos, c.discriminator);
      if (c.tombstone) pos = put(buf, pos, tombJson);
    }
    pos = put(buf, pos, tail);
  }
  if (json) pos = put(buf, pos, bytes(first ? ']\n' : '\n]\n'));
  writeOut(buf.subarray(0, pos));
}
