/**
 * What every `elfkit dwarf` subcommand shares: its arguments and options,
 * opening the file's DWARF (a separate debug file, debuginfod), and the unit
 * walk. Each subcommand is a module (commands/dwarf-*.ts) of its own, so
 * its bundle and code cache hold only its code.
 */
import type { Argv } from 'yargs';
import type { ParseError } from '@elfkit/binary';
import type { Dwarf, Unit } from '@elfkit/dwarf';
import { errorSink as sink, openDwarf, type OpenedDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';
import { withElfAsync } from '../with-elf.js';
import { debuginfodOption, fetchDebuginfo } from '../debuginfod/fetch-debuginfo.js';
import { CliError } from '../errors.js';
import { unitTypeText } from './names.js';
import { debugDirOption, debugDirs } from '../options/debug-dirs.js';

/** Arguments every `elfkit dwarf` subcommand takes. */
export interface DwarfArgs {
  file: string;
  json?: boolean;
  'debug-file-directory'?: string | string[];
  debuginfod?: boolean;
}

/** The positional and options every `elfkit dwarf` subcommand declares, with its example. */
export function common(y: Argv, example: string) {
  return debugDirOption(
    debuginfodOption(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file (a binary, a .debug, .dwo or .dwp file)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-dwarf.md)' })
      .example(example, ''),
  );
}

/**
 * Runs `fn` with the DWARF of the file open, prints the errors collected
 * (each a ParseError naming section and offset) and exits 1 when there
 * were any, after everything readable was printed.
 */
export async function withDwarf(a: DwarfArgs, fn: (od: OpenedDwarf, errors: ParseError[]) => void): Promise<void> {
  await withElfAsync(a.file, async ({ elf, damage }) => {
    const dirs = debugDirs(a['debug-file-directory']);
    const fetched = await fetchDebuginfo(elf, a.file, dirs, a.debuginfod);
    const host = new NodeDebugHost();
    try {
      const od = openDwarf(elf, a.file, host, { debugFileDirectory: dirs, fetched });
      if (!od) throw new CliError('no DWARF (no .debug_info or .debug_line, and no separate debug file found)');
      const errors: ParseError[] = [];
      try {
        fn(od, errors);
      } finally {
        // Reported with the file's other damage, once each, after the output.
        for (const e of errors) damage.add(e);
      }
    } finally {
      host.close();
    }
  });
}

/** A unit's header as JSON (`dwarf units`, `dwarf info --json`). */
export function unitJson(u: Unit) {
  const h = u.header;
  return {
    offset: h.offset,
    section: h.section,
    length: h.length,
    format: `DWARF${h.offsetSize * 8}`,
    version: h.version,
    unitType: unitTypeText(h.unitType),
    abbrOffset: h.abbrevOffset,
    addressSize: h.addressSize,
    typeSignature: h.typeSignature ?? null,
    typeOffset: h.typeOffset ?? null,
    dwoId: h.dwoId ?? null,
    nextUnit: h.end,
  };
}

/** Every unit: `.debug_info`, then DWARF 4 `.debug_types`. */
export function* allUnits(d: Dwarf, errors: ParseError[]): Generator<Unit> {
  yield* d.units(sink(errors));
  yield* d.typeUnits(sink(errors));
}
