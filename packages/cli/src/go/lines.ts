import type { ParseError } from '@elfkit/binary';
import type { PcLnTable } from '@elfkit/gosym';
import type { LineQuery, LineRow } from '../format/line-rows.js';
import { TextOut } from '../io/text-out.js';

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
 */
export function writeGoLines(t: PcLnTable, mode: 'text' | 'json' | 'ndjson', width: number, query: Pick<LineQuery, 'cu'>, errors: ParseError[]): void {
  const out = new TextOut(1 << 20);
  const encoder = new TextEncoder();
  const enc = (s: string) => encoder.encode(s);
  // Per file, the bytes between the address and the line number.
  const fileParts = new Map<string, Uint8Array>();
  const part = (file: string) => {
    let b = fileParts.get(file);
    if (!b) fileParts.set(file, (b = enc(mode === 'text' ? `  ${file}:` : `","file":${JSON.stringify(file)},"line":`)));
    return b;
  };
  const open = enc(mode === 'text' ? '0x' : '{"address":"0x');
  const tail = (end: boolean) =>
    enc(
      mode === 'text'
        ? `${end ? '  end_sequence' : ''}\n`
        : `,"column":0,"isStmt":false,"basicBlock":false,"endSequence":${end},"prologueEnd":false,"epilogueBegin":false,"discriminator":0}${mode === 'ndjson' ? '\n' : ''}`,
    );
  const tails = [tail(false), tail(true)];
  const first = enc('\n');
  const next = enc(',\n');
  let rows = 0;
  let lastFile: string | undefined;
  let lastPart = part('');
  if (mode === 'json') out.raw(enc('['));
  t.walkLines(
    (pc, file, line, end) => {
      if (mode === 'json') out.raw(rows === 0 ? first : next);
      rows++;
      out.raw(open);
      out.hexDigits(pc, mode === 'text' ? width : 0);
      if (file !== lastFile) {
        lastFile = file;
        lastPart = part(file);
      }
      out.raw(lastPart);
      out.dec(line < 0 ? 0 : line);
      out.raw(tails[end ? 1 : 0]!);
    },
    { errors, filter: cuFilter(t, query.cu) },
  );
  if (mode === 'json') out.raw(enc(rows === 0 ? ']\n' : '\n]\n'));
  out.flush();
}
