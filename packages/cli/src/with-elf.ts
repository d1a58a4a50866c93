import type { Argv } from 'yargs';
import { openElf, type OpenedElf } from '@elfkit/symbolize/node';
import { Damage } from './damage.js';

/** An ELF file a command reads: opened leniently, with the damage the command steps over. */
export interface CommandElf extends OpenedElf {
  /** The damaged parts the command stepped over; reported when the file is closed. */
  readonly damage: Damage;
}

/** Opens `path` leniently (a header table that cannot be read reads as empty, with the problem in `elf.warnings`). */
export function openCommandElf(path: string): CommandElf {
  return { ...openElf(path, { lenient: true }), damage: new Damage() };
}

/**
 * Runs `fn` with the ELF file at `path` open, closing it afterwards. The
 * damaged parts the reader and the command stepped over (a section header
 * table past the end of the file, a section name out of range, a corrupt
 * note) are printed after the output, once each, and make the exit status 1.
 */
export function withElf<T>(path: string, fn: (f: CommandElf) => T): T {
  const f = openCommandElf(path);
  try {
    return fn(f);
  } finally {
    closeElf(path, f);
  }
}

/** {@link withElf} for a callback that awaits (loading a reader module on demand). */
export async function withElfAsync<T>(path: string, fn: (f: CommandElf) => Promise<T>): Promise<T> {
  const f = openCommandElf(path);
  try {
    return await fn(f);
  } finally {
    closeElf(path, f);
  }
}

function closeElf(path: string, f: CommandElf): void {
  const all = new Damage();
  // The reader's own warnings first: they come from the headers every other part is found through.
  for (const w of f.elf.warnings) all.add(w);
  for (const e of f.damage.errors) all.add(e);
  all.report(path);
  f.close();
}

/** The shared `<file>` positional and `--json` flag. */
export function fileAndJson(y: Argv, example: string, describe = 'ELF file to read (- for standard input)') {
  return y
    .positional('file', { type: 'string', describe, demandOption: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json.md)' })
    .example(example, '');
}
