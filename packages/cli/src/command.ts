import type { Argv } from 'yargs';
import { openElf, type OpenedElf } from './open.js';

/** A subcommand: yargs registration plus its handler. */
export interface Command<A = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv<A>;
  handler: (args: A) => void | Promise<void>;
}

/** Defines a command with typed arguments. */
export function defineCommand<A>(c: Command<A>): Command<A> {
  return c;
}

/**
 * Runs `fn` with the ELF file at `path` open, closing it afterwards. Problems
 * the reader worked around (a section name out of range) are printed after
 * the output, one line each, and make the exit status 1.
 */
export function withElf<T>(path: string, fn: (f: OpenedElf) => T): T {
  const f = openElf(path);
  try {
    return fn(f);
  } finally {
    for (const w of f.elf.warnings) process.stderr.write(`elfkit: ${path}: ${w.message}\n`);
    if (f.elf.warnings.length) process.exitCode = 1;
    f.close();
  }
}

/** The shared `<file>` positional and `--json` flag. */
export function fileAndJson(y: Argv, example: string, describe = 'ELF file to read (- for standard input)') {
  return y
    .positional('file', { type: 'string', describe, demandOption: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json.md)' })
    .example(example, '');
}
