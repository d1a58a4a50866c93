import type { ParseError } from '@elfkit/binary';
import { defineCommand } from '../command.js';
import { withElfAsync } from '../with-elf.js';
import { CliError } from '../errors.js';
import { writeLineRows, type LineQuery, type LineSource } from '../format/line-rows.js';
import { debuginfodOption, fetchDebuginfo } from '../debuginfod/fetch-debuginfo.js';

/**
 * The line sources in the order `auto` tries them, DWARF then the Go
 * pclntab, each loaded only when it is tried (a C binary never loads the
 * Go reader).
 */
const SOURCES: { name: string; load: () => Promise<LineSource> }[] = [
  { name: 'dwarf', load: async () => (await import('../dwarf/line-source.js')).dwarfLineSource },
  { name: 'go', load: async () => (await import('../go/line-source.js')).goLineSource },
];

export const linesCommand = defineCommand({
  command: 'lines <file>',
  describe: 'the PC-to-line map: one row per line-table row (DWARF, or the Go pclntab)',
  builder: (y) =>
    debuginfodOption(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file (- for standard input)' })
      .option('json', { type: 'boolean', describe: 'a JSON array of rows (docs/json.md)' })
      .option('ndjson', { type: 'boolean', describe: 'one JSON row per line, streamed as decoded' })
      .option('cu', { type: 'string', describe: 'only compilation units whose name contains this text' })
      .option('source', { choices: ['auto', 'dwarf', 'go'], default: 'auto', describe: 'where the line table comes from' })
      .option('debug-file-directory', { type: 'string', requiresArg: true, describe: 'where to look for separate debug files (repeat or a:b; default /usr/lib/debug)' })
      .conflicts('json', 'ndjson')
      .example('$0 lines ./app | head', '')
      .example('$0 lines --ndjson --cu main.c ./app', ''),
  handler: async (a: { file: string; json?: boolean; ndjson?: boolean; cu?: string; source: string; 'debug-file-directory'?: string | string[]; debuginfod?: boolean }) => {
    const query: LineQuery = { cu: a.cu, path: a.file, debugFileDirectory: [a['debug-file-directory'] ?? []].flat().flatMap((d) => d.split(':')).filter(Boolean) };
    await withElfAsync(a.file, async ({ elf, damage }) => {
      if (a.source !== 'go') query.fetched = await fetchDebuginfo(elf, a.file, query.debugFileDirectory, a.debuginfod);
      let src: LineSource | undefined;
      for (const s of SOURCES) {
        if (a.source !== 'auto' && s.name !== a.source) continue;
        const loaded = await s.load();
        if (a.source !== 'auto' || loaded.available(elf, a.file, query)) {
          src = loaded;
          break;
        }
      }
      if (!src) throw new CliError(a.source === 'auto' ? 'no line table (no DWARF .debug_line, no Go pclntab)' : `no ${a.source} line source in this build`);
      if (a.source !== 'auto' && !src.available(elf, a.file, query)) throw new CliError(`no ${a.source} line table in this file`);
      const errors: ParseError[] = [];
      // Damage (a bad program, an unreadable .debug_info) stops only what needs it; the rows around it print.
      writeLineRows(src.cursor ? src.cursor(elf, query, errors) : src.rows(elf, query, errors), a.json ? 'json' : a.ndjson ? 'ndjson' : 'text', elf.bits === 64 ? 16 : 8);
      for (const e of errors) damage.add(e);
    });
  },
});
