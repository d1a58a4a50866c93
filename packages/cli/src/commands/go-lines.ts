import type { ParseError } from '@elfkit/binary';
import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { writeGoLines } from '../go/lines.js';
import { requireGoSymbols } from '../go/symbols.js';
import { leanInlining } from '../late-optimization.js';

export const goLinesCommand = defineCommand({
  command: 'lines <file>',
  describe: 'the PC-to-line map from the Go pclntab (the rows of `elfkit lines --source go`)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Go binary (- for standard input)' })
      .option('json', { type: 'boolean', describe: 'a JSON array of rows (docs/json.md)' })
      .option('ndjson', { type: 'boolean', describe: 'one JSON row per line, streamed as decoded' })
      .option('cu', { type: 'string', describe: 'only functions whose file contains this text' })
      .conflicts('json', 'ndjson')
      .example('$0 go lines --ndjson ./app | head', ''),
  handler: (a: { file: string; json?: boolean; ndjson?: boolean; cu?: string }) =>
    withElf(a.file, ({ elf, damage }) => {
      const errors: ParseError[] = [];
      // The walk's one big compile would finish after the output and be waited for (see leanInlining).
      const restore = leanInlining();
      try {
        writeGoLines(requireGoSymbols(elf).table, a.json ? 'json' : a.ndjson ? 'ndjson' : 'text', elf.bits === 64 ? 16 : 8, { cu: a.cu }, errors);
      } finally {
        restore();
      }
      // A function whose tables are damaged is stepped over; the others' rows print.
      for (const e of errors) damage.add(e);
    }),
});
