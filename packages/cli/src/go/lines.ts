import type { ParseError } from '@elfkit/binary';
import type { PcLnTable } from '@elfkit/gosym';
import type { LineQuery, LineRow } from '../format/line-rows.js';
import { OutputBuffer } from '../io/output.js';

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
 * Writes the same rows as {@link goLineRows} through `writeLineRows`'s
 * formats, without building a row object per row: `elfkit go lines` on a
 * 25 MB pclntab prints millions of rows. Tests check that both paths print
 * identical bytes.
 */
export function writeGoLines(t: PcLnTable, mode: 'text' | 'json' | 'ndjson', width: number, query: Pick<LineQuery, 'cu'>, errors: ParseError[]): void {
  const out = new OutputBuffer(1 << 20);
  const quoted = new Map<string, string>();
  let first = true;
  if (mode === 'json') out.write('[');
  let lastFile = '';
  let lastQuoted = '""';
  const tail = ',"column":0,"isStmt":false,"basicBlock":false,"endSequence":';
  const rest = ',"prologueEnd":false,"epilogueBegin":false,"discriminator":0}';
  t.walkLines(
    (pc, file, line, end) => {
      const l = line < 0 ? 0 : line;
      if (mode === 'text') {
        out.write(`0x${pc.toString(16).padStart(width, '0')}  ${file}:${l}${end ? '  end_sequence' : ''}\n`);
        return;
      }
      if (file !== lastFile) {
        let q = quoted.get(file);
        if (q === undefined) quoted.set(file, (q = JSON.stringify(file)));
        lastFile = file;
        lastQuoted = q;
      }
      const json = `{"address":"0x${pc.toString(16)}","file":${lastQuoted},"line":${l}${tail}${end}${rest}`;
      if (mode === 'ndjson') out.write(json + '\n');
      else {
        out.write((first ? '\n' : ',\n') + json);
        first = false;
      }
    },
    { errors, filter: cuFilter(t, query.cu) },
  );
  if (mode === 'json') out.write(first ? ']\n' : '\n]\n');
  out.flush();
}
