import type { Argv } from 'yargs';
import { openElf, type OpenedElf } from '@elfkit/symbolize/node';

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
    closeElf(path, f);
  }
}

/** {@link withElf} for a callback that awaits (loading a reader module on demand). */
export async function withElfAsync<T>(path: string, fn: (f: OpenedElf) => Promise<T>): Promise<T> {
  const f = openElf(path);
  try {
    return await fn(f);
  } finally {
    closeElf(path, f);
  }
}

function closeElf(path: string, f: OpenedElf): void {
  for (const w of f.elf.warnings) process.stderr.write(`elfkit: ${path}: ${w.message}\n`);
  if (f.elf.warnings.length) process.exitCode = 1;
  f.close();
}

/** The shared `<file>` positional and `--json` flag. */
export function fileAndJson(y: Argv, example: string, describe = 'ELF file to read (- for standard input)') {
  return y
    .positional('file', { type: 'string', describe, demandOption: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json.md)' })
    .example(example, '');
}
