import type { ParseError } from '@elfkit/binary';
import type { PcLnTable } from '@elfkit/gosym';
import type { LineQuery, LineRow } from '../format/line-rows.js';
import { putAscii, putDecimal, putHex } from '../io/text-out.js';
import { writeOut } from '../io/output.js';

/** A function filter for `--cu`: Go has no CU names in the pclntab, so match the function's file at its entry. */
function cuFilter(t: PcLnTable, cu: string | undefined): ((i: number) => boolean) | undefined {
  if (!cu) return undefined;
  return (i) => (t.func(i).file ?? '').includes(cu);
}

/** Rows of a pclntab walk carry no statement flags, columns or discriminators: the table records none. */
function row(pc: number, file: string, line: number, end: boolean): LineRow {
  return {
    address: BigInt(pc),
    file,
    line: line < 0 ? 0 : line,
    column: 0,
    isStmt: false,
    basicBlock: false,
    endSequence: end,
    prologueEnd: false,
    epilogueBegin: false,
    discriminator: 0,
  };
}

/**
 * The pclntab's PC-to-line map as {@link LineRow}s, function by function in
 * PC order: a row where the file or line changes, and an `endSequence` row
 * at the first PC past each function's tables. Damaged functions are
 * skipped, their errors pushed to `errors`.
 */
export function* goLineRows(t: PcLnTable, query: Pick<LineQuery, 'cu'>, errors: ParseError[]): Generator<LineRow> {
  // The walk is callback-driven; buffer one function's rows at a time so
  // the generator still streams.
  const n = t.funcCount;
  const filter = cuFilter(t, query.cu);
  const batch: LineRow[] = [];
  for (let from = 0; from < n; from += 256) {
    t.walkLines((pc, file, line, end) => batch.push(row(pc, file, line, end)), { errors, from, to: from + 256, filter });
    yield* batch;
    batch.length = 0;
  }
}

/**
 * Writes the same rows as {@link goLineRows} in `writeLineRows`'s formats,
 * straight into an output byte buffer: `elfkit go lines` on a 25 MB pclntab
 * prints two million rows, and building a string per row would cost more
 * than decoding them. Tests check that both paths print identical bytes.
 * The buffer and its position are locals of the row writer, not a
 * {@link TextOut}'s fields: on a small binary most of the ~40 000 rows are
 * written before the optimizing compiler gets to the walk, and there each
 * field read and method call is a call into V8's inline caches (a quarter
 * of the instructions of `go lines` on a 1.3 MB binary went to them).
 */
export function writeGoLines(t: PcLnTable, mode: 'text' | 'json' | 'ndjson', width: number, query: Pick<LineQuery, 'cu'>, errors: ParseError[]): void {
  const encoder = new TextEncoder();
  const enc = (s: string) => encoder.encode(s);
  // Per file, the bytes between the address and the line number.
  const fileParts = new Map<string, Uint8Array>();
  const part = (file: string) => {
    let b = fileParts.get(file);
    if (!b) fileParts.set(file, (b = enc(mode === 'text' ? `  ${file}:` : `","file":${JSON.stringify(file)},"line":`)));
    return b;
  };
  const tail = (end: boolean) =>
    mode === 'text'
      ? `${end ? '  end_sequence' : ''}\n`
      : `,"column":0,"isStmt":false,"basicBlock":false,"endSequence":${end},"prologueEnd":false,"epilogueBegin":false,"discriminator":0}${mode === 'ndjson' ? '\n' : ''}`;
  const open = mode === 'text' ? '0x' : '{"address":"0x';
  const sep = mode === 'json' ? ',\n' : '';
  // What goes before a row's address: the JSON array's opening, or the previous row's tail (as it ended or not), separator and opening.
  const firstOpen = enc(`${mode === 'json' ? '[\n' : ''}${open}`);
  const afterRow = enc(`${tail(false)}${sep}${open}`);
  const afterEnd = enc(`${tail(true)}${sep}${open}`);
  const hexWidth = mode === 'text' ? width : 0;
  // Room a row needs besides its file's bytes: what goes before its address, 16 hex digits, 10 decimal digits.
  const fixed = Math.max(firstOpen.length, afterEnd.length) + 16 + 10;
  // Empty until the first row makes it: the row writer's flush path then has run before the optimizing
  // compiler gets to the writer (a path that never ran would deoptimize the writer when first taken).
  let buf = new Uint8Array(0);
  let pos = 0;
  let before = firstOpen;
  let lastFile: string | undefined;
  let lastPart = part('');
  t.walkLines(
    (pc, file, line, end) => {
      if (file !== lastFile) {
        lastFile = file;
        lastPart = part(file);
      }
      if (pos + fixed + lastPart.length > buf.length) {
        writeOut(buf.subarray(0, pos));
        pos = 0;
        if (fixed + lastPart.length > buf.length) buf = new Uint8Array(Math.max(1 << 20, fixed + lastPart.length));
      }
      buf.set(before, pos);
      pos += before.length;
      before = end ? afterEnd : afterRow;
      pos = putHex(buf, pos, pc, hexWidth);
      buf.set(lastPart, pos);
      pos += lastPart.length;
      pos = line > 0x7fffffff ? putAscii(buf, pos, String(line)) : putDecimal(buf, pos, line < 0 ? 0 : line);
    },
    { errors, filter: cuFilter(t, query.cu) },
  );
  // The last row's tail (`before` holds it with the next row's separator and opening), then the array's end.
  const last = before === firstOpen ? (mode === 'json' ? '[]\n' : '') : `${tail(before === afterEnd)}${mode === 'json' ? '\n]\n' : ''}`;
  if (pos + last.length > buf.length) {
    writeOut(buf.subarray(0, pos));
    pos = 0;
    if (last.length > buf.length) buf = new Uint8Array(last.length);
  }
  pos = putAscii(buf, pos, last);
  if (pos) writeOut(buf.subarray(0, pos));
}
