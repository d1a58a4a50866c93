import { isParseError } from '@elfkit/binary';
import { writeErr } from './io/output.js';

/** A user mistake on the command line: printed with usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user must act on (missing file, bad input): one line, exit status 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * True for a {@link UsageError} or {@link CliError} by name: each command is
 * bundled on its own, with its own copy of these classes, so `instanceof`
 * across the entry and a command does not hold.
 */
function isNamed(e: unknown, name: 'UsageError' | 'CliError'): boolean {
  return e instanceof Error && e.name === name;
}

/** The one line printed for an error about `file`, as `elfkit: <file>: <what is wrong> (at <section>+0x<offset>)`. */
export function describeError(file: string | undefined, e: unknown): string {
  const prefix = file ? `elfkit: ${file}: ` : 'elfkit: ';
  if (isParseError(e)) return prefix + e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.syscall) {
    const what: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
      ENOTDIR: 'not a directory',
    };
    return prefix + (what[err.code] ?? err.message);
  }
  if (isNamed(err, 'CliError') || isNamed(err, 'UsageError')) return prefix + err.message;
  if (err && err.code === 'EISDIR') return prefix + err.message;
  return prefix + (err?.message ?? String(e));
}

/** Prints the one line for `e` on stderr and returns the exit status: 2 for a usage error, 1 for anything else. */
export function reportError(file: string | undefined, e: unknown): number {
  if (isNamed(e, 'UsageError')) {
    writeErr(`elfkit: ${(e as Error).message}\n(run elfkit --help for usage)\n`);
    return 2;
  }
  writeErr(describeError(file, e) + '\n');
  if (process.env.ELFKIT_DEBUG) writeErr(String((e as Error).stack) + '\n');
  return 1;
}
